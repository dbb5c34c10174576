//! Project loading, the only IO in sqlwarden: from the paths a run is asked about to a
//! [`Workspace`] of decoded, parsed files and the projects they form.
//!
//! The steps, in order: find the configuration; find the projects (each `.sqlproj`, plus
//! one project of the `.sql` files no project claims); read and decode their files; follow
//! `:r` lines depth-first in project order, reading what they name; check `$(Name)`
//! references against the variables defined anywhere in the project; then parse every
//! SQL file once, in parallel. Problems with the input are findings (SQL004 for what
//! cannot be read, SQL002 for unknown variables); only a missing path or a bad
//! configuration stops the run, as a [`LoadError`].

pub mod dacpac;
pub mod decode;
pub mod discovery;
pub mod includes;
pub mod sqlcmd;
pub mod sqlproj;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use syntax::TextRange;

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic, FileId, Location, Severity, SourceFiles};
use crate::project::{
    LoadOptions, ParsedFile, Project, ProjectKind, Property, ScriptFile, ScriptRole, Workspace,
};
use sqlcmd::{Directive, DirectiveKind, Variables};
use sqlproj::ItemKind;

/// Why a run could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// A path given to the run does not exist.
    NotFound(PathBuf),
    /// A file the run cannot do without could not be read.
    Io { path: PathBuf, message: String },
    /// The configuration file says something that does not make sense.
    Config {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A command-line option that does not make sense.
    Usage(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NotFound(path) => {
                write!(f, "{}: no such file or directory", path.display())
            }
            LoadError::Io { path, message } => write!(f, "{}: {message}", path.display()),
            LoadError::Config {
                path,
                line,
                column,
                message,
            } => write!(f, "{}:{line}:{column}: {message}", path.display()),
            LoadError::Usage(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for LoadError {}

/// SSDT's SQLCMD variables, defined in every project.
pub const BUILTIN_VARIABLES: &[&str] = &[
    "DatabaseName",
    "DefaultDataPath",
    "DefaultLogPath",
    "DefaultFilePrefix",
];

/// Include chains deeper than this are reported instead of followed, so that no input
/// can exhaust the stack.
const MAX_INCLUDE_DEPTH: usize = 100;

/// Loads the projects under `paths` (the current folder when empty).
pub fn load(paths: &[PathBuf], options: &LoadOptions) -> Result<Workspace, LoadError> {
    let cwd = std::env::current_dir().map_err(|e| LoadError::Io {
        path: PathBuf::from("."),
        message: format!("cannot read the current folder: {e}"),
    })?;
    let given: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut inputs = Vec::new();
    for path in &given {
        let absolute = cwd.join(path);
        let canonical = match std::fs::canonicalize(&absolute) {
            Ok(canonical) => canonical,
            Err(_) if options.overlays.contains_key(&absolute) => absolute,
            Err(_) => return Err(LoadError::NotFound(path.clone())),
        };
        inputs.push((path.clone(), canonical));
    }

    let mut config = match &options.config {
        Some(path) => {
            let path = cwd.join(path);
            if !path.is_file() {
                return Err(LoadError::NotFound(path));
            }
            Config::load(&path)?
        }
        None => {
            let (_, first) = &inputs[0];
            let start = if first.is_dir() {
                first.as_path()
            } else {
                first.parent().unwrap_or(first)
            };
            Config::discover(start)?
        }
    };
    merge_command_line(&mut config, options)?;

    let mut loader = Loader::new(options, &config);
    let canonical_cwd = std::fs::canonicalize(&cwd).unwrap_or_else(|_| cwd.clone());
    for (_, canonical) in &inputs {
        let folder = if canonical.is_dir() {
            canonical.as_path()
        } else {
            canonical.parent().unwrap_or(canonical)
        };
        loader
            .boundaries
            .push(discovery::workspace_root(folder, &canonical_cwd));
    }
    let mut loose_files: Vec<PathBuf> = Vec::new();
    for (given, canonical) in &inputs {
        if canonical.is_dir() {
            loader.bases.push((canonical.clone(), PathBuf::new()));
            loader.load_folder(canonical);
        } else {
            let display_parent = given.parent().map(Path::to_path_buf).unwrap_or_default();
            let parent = canonical.parent().unwrap_or(canonical).to_path_buf();
            loader.bases.push((parent, display_parent));
            if discovery::has_extension(canonical, "sqlproj") {
                loader.load_sqlproj(canonical);
            } else {
                loose_files.push(canonical.clone());
            }
        }
    }
    if !loose_files.is_empty() {
        let root = loose_files[0]
            .parent()
            .unwrap_or(Path::new("/"))
            .to_path_buf();
        loader.load_loose(&root, loose_files);
    }
    Ok(loader.finish(config.clone()))
}

/// Where a file given on its own is checked: the project that owns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// The `.sqlproj` whose items (or SDK-style default items, or `:r` lines) reach it.
    Sqlproj(PathBuf),
    /// No `.sqlproj` between the file and the workspace root claims it: it is one of the
    /// loose scripts of this folder (the workspace root).
    Folder(PathBuf),
}

impl Owner {
    pub fn path(&self) -> &Path {
        match self {
            Owner::Sqlproj(path) | Owner::Folder(path) => path,
        }
    }
}

/// The owner of each of `files` (absolute, or relative to the current folder; a file
/// may exist only as an overlay). The search goes up from the file's folder to the
/// workspace root ([`discovery::workspace_root`]); in each folder, the first `.sqlproj`
/// (by name) whose project reaches the file owns it. Reading a `.sqlproj` here reads the
/// files it names but parses none of them, so the search costs little next to the run.
pub fn owners(files: &[PathBuf], options: &LoadOptions) -> Result<Vec<Owner>, LoadError> {
    let cwd = std::env::current_dir().map_err(|e| LoadError::Io {
        path: PathBuf::from("."),
        message: format!("cannot read the current folder: {e}"),
    })?;
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let mut out = Vec::new();
    for given in files {
        let absolute = cwd.join(given);
        let absolute = match std::fs::canonicalize(&absolute) {
            Ok(canonical) => canonical,
            // An unsaved buffer (`--stdin-filename` of a file not on disk): its folder
            // still says where it belongs.
            Err(_) => match (absolute.parent(), absolute.file_name()) {
                (Some(parent), Some(name)) => std::fs::canonicalize(parent)
                    .map_err(|_| LoadError::NotFound(given.clone()))?
                    .join(name),
                _ => return Err(LoadError::NotFound(given.clone())),
            },
        };
        let folder = absolute.parent().unwrap_or(Path::new("/")).to_path_buf();
        let top = discovery::workspace_root(&folder, &cwd);
        let mut config = match &options.config {
            Some(path) => Config::load(&cwd.join(path))?,
            None => Config::discover(&folder)?,
        };
        merge_command_line(&mut config, options)?;
        let mut found = None;
        'search: for dir in folder.ancestors() {
            for sqlproj in discovery::projects_in(dir) {
                let mut loader = Loader::new(options, &config);
                loader.load_sqlproj(&sqlproj);
                if let Some(&id) = loader.by_path.get(&absolute)
                    && loader.projects.iter().any(|p| p.files().contains(&id))
                {
                    found = Some(Owner::Sqlproj(sqlproj));
                    break 'search;
                }
            }
            if dir == top {
                break;
            }
        }
        let owner = found.unwrap_or(Owner::Folder(top));
        if !out.contains(&owner) {
            out.push(owner);
        }
    }
    Ok(out)
}

/// Lets the command line win over the configuration file.
fn merge_command_line(config: &mut Config, options: &LoadOptions) -> Result<(), LoadError> {
    for (flag, list) in [("--select", &options.select), ("--ignore", &options.ignore)] {
        for selector in list {
            if !Code::ALL.iter().any(|c| c.matches(selector)) {
                return Err(LoadError::Usage(format!(
                    "{flag} {selector}: neither a rule code nor a prefix of one"
                )));
            }
        }
    }
    for glob in &options.exclude {
        globset::Glob::new(glob).map_err(|e| LoadError::Usage(format!("--exclude {glob}: {e}")))?;
    }
    if !options.exclude.is_empty() {
        let cwd = std::env::current_dir()
            .and_then(std::fs::canonicalize)
            .unwrap_or_default();
        config.command_line_exclude = Some((cwd, options.exclude.clone()));
    }
    if !options.select.is_empty() {
        config.select = options.select.clone();
    }
    config.ignore.extend(options.ignore.iter().cloned());
    if let Some(schema) = &options.default_schema {
        config.default_schema = Some(schema.clone());
    }
    if let Some(label) = &options.encoding {
        config.encoding = decode::Fallback::from_label(label)
            .map_err(|m| LoadError::Usage(format!("--encoding {label}: {m}")))?;
    }
    for (name, value) in &options.variables {
        // Names are case-insensitive: `--var ENV=x` replaces the file's `env`.
        config
            .variables
            .retain(|k, _| !k.eq_ignore_ascii_case(name));
        config.variables.insert(name.clone(), value.clone());
    }
    Ok(())
}

/// The state of one load.
struct Loader<'a> {
    options: &'a LoadOptions,
    config: &'a Config,
    files: SourceFiles,
    by_path: HashMap<PathBuf, FileId>,
    /// SQL files to parse (every one loaded, readable or not).
    sql: BTreeSet<FileId>,
    /// C# files to parse.
    csharp: BTreeSet<FileId>,
    /// The SQLCMD lines of each SQL file, scanned once.
    directives: HashMap<FileId, Vec<Directive>>,
    diagnostics: Vec<Diagnostic>,
    projects: Vec<Project>,
    /// Files read ahead in parallel, by absolute path.
    prefetched: HashMap<PathBuf, Prefetched>,
    /// What each `.sqlproj` already loaded claims, by its absolute path.
    claimed_by: HashMap<PathBuf, HashSet<PathBuf>>,
    /// The build output folders (`OutputPath`) of the `.sqlproj` files loaded: never
    /// searched for loose scripts, like `bin/` and `obj/`.
    output_dirs: Vec<PathBuf>,
    /// (absolute folder, how users see it): display paths are relative to the first
    /// folder that holds the file.
    bases: Vec<(PathBuf, PathBuf)>,
    /// The folders a `:r` line or a `.sqlproj` item may reach into: the workspace root
    /// of each input. A path elsewhere (`:r /etc/passwd`, `..\..\..\secrets`) is not read,
    /// so that a script cannot make a CI job's log show a file from outside the checkout.
    boundaries: Vec<PathBuf>,
}

/// A file's decoded text (or why it has none) and its SQLCMD lines.
type Prefetched = (Result<String, String>, Vec<Directive>);

/// Reads and decodes a file, reading text without a byte-order mark that is not UTF-8
/// as `fallback` says (the configuration's `encoding`); the error completes a sentence
/// that starts with its path.
pub fn read_text(path: &Path, fallback: decode::Fallback) -> Result<String, String> {
    // A pipe or a device named like a script would block the run or never end.
    let too_large = |len: u64| {
        format!(
            "is {len} bytes long; a script must be shorter than {} bytes (4 GiB)",
            syntax::ast::MAX_FILE_LEN
        )
    };
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => return Err("is not a regular file".to_owned()),
        // Offsets into a file are 32-bit (see `TextRange`).
        Ok(m) if m.len() >= syntax::ast::MAX_FILE_LEN as u64 => return Err(too_large(m.len())),
        _ => {}
    }
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = decode::decode_with(&bytes, fallback).map_err(|e| e.0)?;
            // UTF-16 and legacy code pages can grow when decoded to UTF-8.
            if text.len() >= syntax::ast::MAX_FILE_LEN {
                return Err(too_large(text.len() as u64));
            }
            Ok(text)
        }
        Err(e) => Err(format!("cannot be read: {e}")),
    }
}

/// What a project's `.sqlproj` (or its absence) says it holds, before `:r` is followed.
struct Candidate {
    file: FileId,
    role: ScriptRole,
    /// Listed by name (a `.sqlproj` item) rather than found by a glob or a folder walk:
    /// such a script stays a script even when some `:r` also reaches it.
    explicit: bool,
}

impl<'a> Loader<'a> {
    fn new(options: &'a LoadOptions, config: &'a Config) -> Self {
        Loader {
            options,
            config,
            files: SourceFiles::default(),
            by_path: HashMap::new(),
            sql: BTreeSet::new(),
            csharp: BTreeSet::new(),
            directives: HashMap::new(),
            diagnostics: Vec::new(),
            projects: Vec::new(),
            prefetched: HashMap::new(),
            claimed_by: HashMap::new(),
            output_dirs: Vec::new(),
            bases: Vec::new(),
            boundaries: Vec::new(),
        }
    }

    fn display(&self, absolute: &Path) -> PathBuf {
        self.bases
            .iter()
            .find_map(|(base, shown)| absolute.strip_prefix(base).ok().map(|rel| shown.join(rel)))
            .unwrap_or_else(|| absolute.to_path_buf())
    }

    /// The workspace root `path` is outside of, when it is outside every one (see
    /// [`Loader::boundaries`]).
    fn outside(&self, path: &Path) -> Option<&Path> {
        if self.boundaries.iter().any(|root| path.starts_with(root)) {
            return None;
        }
        self.boundaries.first().map(PathBuf::as_path)
    }

    fn exists(&self, path: &Path) -> bool {
        self.options.overlays.contains_key(path)
    }

    fn report(&mut self, code: Code, file: FileId, range: TextRange, message: String) {
        let severity = match code {
            Code::Sql002 => Severity::Warning,
            _ => Severity::Error,
        };
        self.diagnostics.push(Diagnostic {
            code,
            severity,
            message,
            location: Location { file, range },
            related: Vec::new(),
            fix: None,
        });
    }

    fn report_unless(
        &mut self,
        quiet: bool,
        code: Code,
        file: FileId,
        range: TextRange,
        message: String,
    ) {
        if !quiet {
            self.report(code, file, range, message);
        }
    }

    /// Reads and decodes a file once; an unreadable file is kept with empty text and
    /// reported as SQL004 at its start.
    fn load_file(&mut self, absolute: &Path, is_sql: bool) -> FileId {
        if let Some(&id) = self.by_path.get(absolute) {
            if is_sql {
                self.sql.insert(id);
            }
            return id;
        }
        let display = self.display(absolute);
        let (read, scanned) = match self.prefetched.remove(absolute) {
            Some((read, scanned)) => (read, Some(scanned)),
            None => match self.options.overlays.get(absolute) {
                Some(text) => (Ok(text.clone()), None),
                None => (read_text(absolute, self.config.encoding), None),
            },
        };
        let (text, problem) = match read {
            Ok(text) => (text, None),
            Err(problem) => (String::new(), Some(problem)),
        };
        let id = self
            .files
            .add(display.clone(), absolute.to_path_buf(), text);
        self.by_path.insert(absolute.to_path_buf(), id);
        if let Some(scanned) = scanned {
            self.directives.insert(id, scanned);
        }
        if let Some(problem) = problem {
            self.report(
                Code::Sql004,
                id,
                TextRange::new(0, 0),
                format!("{} {problem}", display.display()),
            );
        }
        if is_sql {
            self.sql.insert(id);
        }
        id
    }

    /// A path the folder walk could not read or follow: kept as a file without text, and
    /// reported as SQL004 at its start.
    fn report_unwalkable(&mut self, absolute: &Path, why: &str) {
        if self.by_path.contains_key(absolute) {
            return;
        }
        let display = self.display(absolute);
        let id = self
            .files
            .add(display.clone(), absolute.to_path_buf(), String::new());
        self.by_path.insert(absolute.to_path_buf(), id);
        let message = format!("{} {why}", display.display());
        self.report(Code::Sql004, id, TextRange::new(0, 0), message);
    }

    /// Reads, decodes and scans many files in parallel, ahead of [`Loader::load_file`],
    /// which then only has to number them (in a deterministic order).
    fn prefetch(&mut self, paths: &[PathBuf]) {
        let todo: Vec<&PathBuf> = paths
            .iter()
            .filter(|p| {
                !self.by_path.contains_key(*p)
                    && !self.prefetched.contains_key(*p)
                    && !self.options.overlays.contains_key(*p)
            })
            .collect();
        let fallback = self.config.encoding;
        let done: Vec<(PathBuf, Prefetched)> = todo
            .into_par_iter()
            .map(|path| {
                let read = read_text(path, fallback);
                let scanned = read.as_deref().map(sqlcmd::directives).unwrap_or_default();
                (path.clone(), (read, scanned))
            })
            .collect();
        self.prefetched.extend(done);
    }

    fn directives_of(&mut self, file: FileId) -> Vec<Directive> {
        if let Some(found) = self.directives.get(&file) {
            return found.clone();
        }
        let found = sqlcmd::directives(&self.files.get(file).text);
        self.directives.insert(file, found.clone());
        found
    }

    /// Every `.sqlproj` below a folder, then the `.sql` files none of them claims.
    fn load_folder(&mut self, folder: &Path) {
        let config = self.config;
        let gitignore = !self.options.no_respect_gitignore;
        let mut walk = discovery::walk(folder, gitignore, &|p| config.excludes(p));
        // An editor buffer not yet saved is part of the folder too.
        let unsaved: Vec<PathBuf> = self
            .options
            .overlays
            .keys()
            .filter(|p| p.starts_with(folder) && discovery::has_extension(p, "sql"))
            .filter(|p| !config.excludes(p) && !p.exists())
            .cloned()
            .collect();
        if !unsaved.is_empty() {
            walk.files.extend(unsaved);
            walk.files.sort();
        }
        for (path, why) in std::mem::take(&mut walk.problems) {
            self.report_unwalkable(&path, &why);
        }
        let mut claimed = HashSet::new();
        let first_project = self.projects.len();
        for project in &walk.projects {
            claimed.extend(self.load_sqlproj(project));
        }
        // The assemblies that C# projects beside the database projects build: an
        // `EXTERNAL NAME` may name one (CLR007), and their sources are that assembly's.
        let csproj_paths: Vec<PathBuf> = walk
            .files
            .iter()
            .filter(|p| discovery::has_extension(p, "csproj"))
            .cloned()
            .collect();
        let mut csharp_projects = Vec::new();
        for path in &csproj_paths {
            if let Some((project, claims)) = self.load_csproj(path, &walk.files) {
                claimed.extend(claims);
                csharp_projects.push(project);
            }
        }
        let reached: HashSet<FileId> = self.projects.iter().flat_map(Project::files).collect();
        let loose: Vec<PathBuf> = walk
            .files
            .iter()
            .filter(|p| discovery::has_extension(p, "sql"))
            .filter(|p| !claimed.contains(*p))
            .filter(|p| !self.output_dirs.iter().any(|dir| p.starts_with(dir)))
            .filter(|p| self.by_path.get(*p).is_none_or(|id| !reached.contains(id)))
            .cloned()
            .collect();
        if !loose.is_empty() {
            self.load_loose(folder, loose);
        }
        let loose_csharp: Vec<FileId> = walk
            .files
            .iter()
            .filter(|p| discovery::has_extension(p, "cs") && !claimed.contains(*p))
            .filter(|p| !self.output_dirs.iter().any(|dir| p.starts_with(dir)))
            .cloned()
            .collect::<Vec<_>>()
            .iter()
            .map(|p| {
                let file = self.load_file(p, false);
                self.csharp.insert(file);
                file
            })
            .collect();
        for project in &mut self.projects[first_project..] {
            for csharp in &csharp_projects {
                project.sibling_assemblies.push(csharp.assembly.clone());
            }
            project
                .csharp_projects
                .extend(csharp_projects.iter().cloned());
            project.loose_csharp.extend(loose_csharp.iter().copied());
        }
    }

    /// A C# project: the assembly it builds (its `<AssemblyName>`, else its file name)
    /// and the `.cs` files it compiles, which it claims. Classic projects list them as
    /// `Compile` items; SDK-style ones (`<Project Sdk="…">`) compile every `.cs` file
    /// under their folder unless `<EnableDefaultCompileItems>` is false, less `Compile
    /// Remove`.
    fn load_csproj(
        &mut self,
        path: &Path,
        walked: &[PathBuf],
    ) -> Option<(crate::project::CsharpProject, Vec<PathBuf>)> {
        let root = path.parent()?.to_path_buf();
        let text = read_text(path, self.config.encoding).ok()?;
        let parsed = sqlproj::parse(&text).ok()?;
        let stem = path.file_stem()?.to_string_lossy().into_owned();
        let assembly = parsed
            .property("AssemblyName")
            .map(|p| p.value.trim().to_owned())
            .filter(|name| !name.is_empty() && !name.contains("$("))
            .unwrap_or(stem);
        let sdk = roxmltree::Document::parse(&text)
            .ok()
            .is_some_and(|doc| doc.root_element().attribute("Sdk").is_some());
        let defaults = sdk
            && !text
                .to_ascii_lowercase()
                .contains("<enabledefaultcompileitems>false");
        // The extension first: a repository's walk lists thousands of files for each of
        // its dozens of C# projects, and `starts_with` compares path components.
        let under = |f: &&PathBuf| discovery::has_extension(f, "cs") && f.starts_with(&root);
        let mut sources: Vec<PathBuf> = if defaults {
            walked.iter().filter(under).cloned().collect()
        } else {
            Vec::new()
        };
        for item in parsed.items.iter().filter(|i| i.kind == ItemKind::Compile) {
            for written in &item.include {
                let Some(pattern) = expand_msbuild(written, &root) else {
                    continue;
                };
                if is_wildcard(&pattern) {
                    let Some(matcher) = item_glob(&pattern) else {
                        continue;
                    };
                    for file in walked.iter().filter(under) {
                        if includes::relative_slash(file, &root)
                            .is_some_and(|r| matcher.is_match(&r))
                        {
                            sources.push(file.clone());
                        }
                    }
                } else if let Some(file) = includes::resolve(&root, &pattern, &|p| self.exists(p)) {
                    sources.push(std::fs::canonicalize(&file).unwrap_or(file));
                }
            }
            for pattern in &item.remove {
                if let Some(matcher) = item_glob(pattern) {
                    sources.retain(|f| {
                        includes::relative_slash(f, &root).is_none_or(|r| !matcher.is_match(&r))
                    });
                }
            }
        }
        sources.sort();
        sources.dedup();
        let project_file = self.load_file(path, false);
        let ids = sources
            .iter()
            .map(|p| {
                let file = self.load_file(p, false);
                self.csharp.insert(file);
                file
            })
            .collect();
        Some((
            crate::project::CsharpProject {
                assembly,
                project_file,
                sources: ids,
            },
            sources,
        ))
    }

    /// A project of plain scripts: pre-deployment scripts by SSDT's file names first,
    /// post-deployment scripts last, the rest in path order between.
    fn load_loose(&mut self, root: &Path, mut paths: Vec<PathBuf>) {
        paths.sort();
        paths.dedup();
        self.prefetch(&paths);
        let mut candidates = Vec::new();
        for role in [
            ScriptRole::PreDeploy,
            ScriptRole::Build,
            ScriptRole::PostDeploy,
        ] {
            for path in paths.iter().filter(|p| role_by_name(p) == role) {
                let file = self.load_file(path, true);
                candidates.push(Candidate {
                    file,
                    role,
                    explicit: false,
                });
            }
        }
        let name = root.file_name().map_or_else(
            || "scripts".to_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        let project = Project {
            kind: ProjectKind::Scripts,
            default_schema: self
                .config
                .default_schema
                .clone()
                .unwrap_or_else(|| "dbo".to_owned()),
            variables: self.variables(&name, &[]),
            name,
            root: root.to_path_buf(),
            ..Project::default()
        };
        self.finish_project(project, candidates);
    }

    /// Loads one `.sqlproj` and returns the paths it claims (its items, and for an
    /// SDK-style project every `.sql` file under its folder).
    fn load_sqlproj(&mut self, path: &Path) -> HashSet<PathBuf> {
        let root = path.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = path
            .file_stem()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        // A project named twice (a folder and the `.sqlproj` in it) is loaded once.
        if let Some(claimed) = self.claimed_by.get(path) {
            return claimed.clone();
        }
        let mut claimed = HashSet::new();
        let project_file = self.load_file(path, false);
        let mut project = Project {
            kind: ProjectKind::Ssdt,
            name: name.clone(),
            root: root.clone(),
            project_file: Some(project_file),
            ..Project::default()
        };
        let text = self.files.get(project_file).text.clone();
        let unreadable = text.is_empty()
            && self
                .diagnostics
                .iter()
                .any(|d| d.location.file == project_file);
        let parsed = if unreadable {
            None
        } else {
            match sqlproj::parse(&text) {
                Ok(parsed) => Some(parsed),
                Err(e) => {
                    let display = self.files.get(project_file).path.display().to_string();
                    self.report(
                        Code::Sql004,
                        project_file,
                        TextRange::new(e.offset, e.offset),
                        format!("{display} is not well-formed XML: {}", e.message),
                    );
                    None
                }
            }
        };
        let Some(parsed) = parsed else {
            project.default_schema = self
                .config
                .default_schema
                .clone()
                .unwrap_or_else(|| "dbo".to_owned());
            project.variables = self.variables(&name, &[]);
            self.finish_project(project, Vec::new());
            self.claimed_by.insert(path.to_path_buf(), HashSet::new());
            return claimed;
        };
        if parsed.sdk {
            project.kind = ProjectKind::Sdk;
        }

        for property in &parsed.properties {
            project
                .properties
                .entry(property.name.to_owned())
                .or_insert_with(|| Property {
                    value: property.value.clone(),
                    location: Location {
                        file: project_file,
                        range: property.range,
                    },
                });
        }
        project.default_schema = self
            .config
            .default_schema
            .clone()
            .or_else(|| {
                parsed
                    .property("DefaultSchema")
                    .map(|p| p.value.clone())
                    .filter(|v| !v.is_empty())
            })
            .unwrap_or_else(|| "dbo".to_owned());
        let declared: Vec<(String, String)> = parsed
            .variables
            .iter()
            .map(|v| (v.name.clone(), v.value.clone().unwrap_or_default()))
            .collect();
        project.variables = self.variables(&name, &declared);
        project.referenced_assemblies = parsed.references.clone();
        let at = |range| Location {
            file: project_file,
            range,
        };
        project.assembly_references = parsed
            .assembly_references
            .iter()
            .map(|r| crate::project::AssemblyReference {
                file: r.file.clone(),
                name: r.name.clone(),
                location: at(r.range),
                owner: r.owner.clone().map(|(v, range)| (v, at(range))),
                permission_set: r.permission_set.clone().map(|(v, range)| (v, at(range))),
            })
            .collect();
        project.compile_location = parsed.compile_element.map(at);
        // The assemblies of the referenced `.dacpac`s deploy with the project. A
        // `.dacpac` that is not there (a build output left out of the repository) is
        // left alone: its file's name still names an assembly for CLR007.
        for reference in &parsed.dacpac_references {
            let exists = |p: &Path| self.exists(p);
            let Some(file) = includes::resolve(&root, &reference.file, &exists) else {
                continue;
            };
            let read = std::fs::read(&file)
                .map_err(|e| format!("cannot be read: {e}"))
                .and_then(|bytes| dacpac::assemblies(&bytes));
            match read {
                Ok(found) => {
                    for assembly in found {
                        project
                            .assembly_references
                            .push(crate::project::AssemblyReference {
                                file: reference.file.clone(),
                                name: assembly.name,
                                location: at(reference.range),
                                owner: None,
                                permission_set: Some((
                                    assembly.permission_set.to_owned(),
                                    at(reference.range),
                                )),
                            });
                    }
                }
                Err(problem) => {
                    let display = self.files.get(project_file).path.display().to_string();
                    self.report(
                        Code::Sql004,
                        project_file,
                        reference.range,
                        format!("{display}: the referenced {} {problem}", reference.file),
                    );
                }
            }
        }

        // Where the build writes (`<OutputPath>bin\Debug\</OutputPath>`, or a folder
        // beside the project such as `..\build\out\`) holds copies and generated
        // scripts, never sources: left out like `bin/` and `obj/`.
        let outputs: Vec<PathBuf> = parsed
            .output_paths
            .iter()
            .filter_map(|written| expand_msbuild(written, &root))
            .filter_map(|written| includes::resolve_dir(&root, &written))
            .filter_map(|dir| std::fs::canonicalize(&dir).ok())
            .filter(|dir| !root.starts_with(dir))
            .collect();
        self.output_dirs.extend(outputs.iter().cloned());

        // Item lists in MSBuild's way: each element adds or removes paths in document
        // order. An SDK-style project starts with every `.sql` file under its folder.
        let config = self.config;
        // MSBuild's default items know nothing of `.gitignore`: neither does this walk.
        let walk = discovery::walk(&root, false, &|p| {
            config.excludes(p) || outputs.iter().any(|dir| p.starts_with(dir))
        });
        let nested: Vec<PathBuf> = walk
            .projects
            .iter()
            .filter_map(|p| p.parent().map(Path::to_path_buf))
            .filter(|dir| dir != &root)
            .collect();
        let own_files: Vec<PathBuf> = walk
            .files
            .into_iter()
            .filter(|f| !nested.iter().any(|dir| f.starts_with(dir)))
            .collect();
        let mut lists: BTreeMap<ItemKindKey, ItemList> = BTreeMap::new();
        if parsed.sdk && parsed.default_items {
            for (path, why) in &walk.problems {
                if !nested.iter().any(|dir| path.starts_with(dir)) {
                    self.report_unwalkable(path, why);
                }
            }
            let mut sql = ItemList::default();
            for file in own_files
                .iter()
                .filter(|f| discovery::has_extension(f, "sql"))
            {
                claimed.insert(file.clone());
                sql.push(file.clone(), false);
            }
            lists.insert(ItemKindKey(ItemKind::Build), sql);
        }
        for item in &parsed.items {
            let list = lists.entry(ItemKindKey(item.kind)).or_default();
            for written in &item.include {
                // An MSBuild property that only a build could evaluate says nothing
                // certain about the file: such an item is left alone, not reported.
                let Some(expanded) = expand_msbuild(written, &root) else {
                    continue;
                };
                let pattern = &expanded;
                if is_wildcard(pattern) {
                    let Some(matcher) = item_glob(pattern) else {
                        continue;
                    };
                    let excludes: Vec<globset::GlobMatcher> =
                        item.exclude.iter().filter_map(|x| item_glob(x)).collect();
                    for file in &own_files {
                        let Some(rel) = includes::relative_slash(file, &root) else {
                            continue;
                        };
                        if matcher.is_match(&rel) && !excludes.iter().any(|x| x.is_match(&rel)) {
                            list.push(file.clone(), true);
                        }
                    }
                    continue;
                }
                let exists = |p: &Path| self.exists(p);
                match includes::resolve(&root, pattern, &exists) {
                    Some(file) => {
                        let file = std::fs::canonicalize(&file).unwrap_or(file);
                        if let Some(outside) = self.outside(&file) {
                            let display = self.files.get(project_file).path.display().to_string();
                            let message = format!(
                                "{display}: the {:?} item `{pattern}` names {}, which is outside the project ({}): it is not read",
                                item.kind,
                                file.display(),
                                outside.display()
                            );
                            self.report(Code::Sql004, project_file, item.range, message);
                            continue;
                        }
                        list.push(file, true);
                    }
                    // MSBuild never reads a `None` item, and such items are often
                    // git-ignored build outputs or keys: a missing one is not a problem.
                    None if item.kind == ItemKind::None => {}
                    None => {
                        let display = self.files.get(project_file).path.display().to_string();
                        let kind = format!("{:?}", item.kind);
                        self.report(
                            Code::Sql004,
                            project_file,
                            item.range,
                            format!(
                                "{display}: the {kind} item `{pattern}` names a file that does not exist"
                            ),
                        );
                    }
                }
            }
            for pattern in &item.remove {
                let Some(matcher) = item_glob(pattern) else {
                    continue;
                };
                list.retain(|file| {
                    includes::relative_slash(file, &root).is_none_or(|rel| !matcher.is_match(&rel))
                });
            }
        }
        // A file that is a `None`, pre- or post-deployment item is not built.
        let not_built: HashSet<PathBuf> =
            [ItemKind::None, ItemKind::PreDeploy, ItemKind::PostDeploy]
                .into_iter()
                .filter_map(|k| lists.get(&ItemKindKey(k)))
                .flat_map(|list| list.present.iter().cloned())
                .collect();
        if let Some(build) = lists.get_mut(&ItemKindKey(ItemKind::Build)) {
            build.retain(|f| !not_built.contains(f));
        }
        let entries = |kind: ItemKind| -> Vec<(PathBuf, bool)> {
            lists
                .get(&ItemKindKey(kind))
                .map(|list| list.entries.clone())
                .unwrap_or_default()
        };

        let all: Vec<PathBuf> = lists
            .values()
            .flat_map(|list| list.entries.iter().map(|(path, _)| path.clone()))
            .collect();
        self.prefetch(&all);
        let mut candidates = Vec::new();
        for (kind, role) in [
            (ItemKind::PreDeploy, ScriptRole::PreDeploy),
            (ItemKind::Build, ScriptRole::Build),
            (ItemKind::PostDeploy, ScriptRole::PostDeploy),
        ] {
            for (path, explicit) in entries(kind) {
                claimed.insert(path.clone());
                if self.config.excludes(&path) {
                    continue;
                }
                let file = self.load_file(&path, true);
                candidates.push(Candidate {
                    file,
                    role,
                    explicit,
                });
            }
        }
        for (path, _) in entries(ItemKind::None) {
            claimed.insert(path.clone());
            if discovery::has_extension(&path, "sql") {
                let file = self.load_file(&path, true);
                project.none_items.push(file);
            }
        }
        for (path, _) in entries(ItemKind::Compile) {
            claimed.insert(path.clone());
            let file = self.load_file(&path, false);
            if discovery::has_extension(&path, "cs") {
                self.csharp.insert(file);
            }
            project.compile_items.push(file);
        }
        self.finish_project(project, candidates);
        self.claimed_by.insert(path.to_path_buf(), claimed.clone());
        claimed
    }

    /// SSDT's built-ins, then the `.sqlproj` defaults, then the configuration file and
    /// the command line (already merged into the configuration).
    fn variables(
        &self,
        project_name: &str,
        declared: &[(String, String)],
    ) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for name in BUILTIN_VARIABLES {
            let value = match *name {
                "DatabaseName" | "DefaultFilePrefix" => project_name.to_owned(),
                _ => String::new(),
            };
            out.insert((*name).to_owned(), value);
        }
        let later = declared.iter().cloned().chain(
            self.config
                .variables
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        for (name, value) in later {
            // Names are case-insensitive: a later definition replaces an earlier one
            // spelled differently.
            out.retain(|k, _| !k.eq_ignore_ascii_case(&name));
            out.insert(name.clone(), value.clone());
        }
        out
    }

    /// Follows `:r` lines from the candidates, decides the scripts, checks variables.
    fn finish_project(&mut self, mut project: Project, candidates: Vec<Candidate>) {
        let variables: Variables = project
            .variables
            .iter()
            .map(|(k, v)| (k.to_ascii_uppercase(), v.clone()))
            .collect();
        // A first, silent pass finds which candidates some `:r` reaches, so that the
        // walk that reports starts from the files that do the including (a deployment
        // script's `:setvar` lines then apply to what it includes). Files that only
        // reach each other (a cycle) are walked last, in script order.
        let mut probe = IncludeWalk::new(variables.clone(), true);
        let mut scratch = Project::default();
        for candidate in &candidates {
            self.follow(candidate.file, &mut probe, &mut scratch);
        }
        let is_root = |c: &&Candidate| c.explicit || !probe.reached.contains(&c.file);
        let roots: Vec<FileId> = candidates
            .iter()
            .filter(is_root)
            .map(|c| c.file)
            .chain(project.none_items.clone())
            .chain(candidates.iter().filter(|c| !is_root(c)).map(|c| c.file))
            .collect();
        let mut walk = IncludeWalk::new(variables, false);
        for root in roots {
            self.follow(root, &mut walk, &mut project);
        }
        project.scripts = candidates
            .iter()
            .filter(|c| c.explicit || !walk.reached.contains(&c.file))
            .map(|c| ScriptFile {
                file: c.file,
                role: c.role,
            })
            .collect();
        project.included = walk.reached.iter().copied().collect();

        // `$(Name)` must be defined somewhere: a built-in, the `.sqlproj`, the
        // configuration, the command line, or a `:setvar` in any file of the project.
        let members = project.files();
        let mut defined: HashSet<String> = project
            .variables
            .keys()
            .map(|k| k.to_ascii_uppercase())
            .collect();
        for &file in &members {
            for directive in self.directives_of(file) {
                if let DirectiveKind::SetVar { name, .. } = directive.kind {
                    defined.insert(name.to_ascii_uppercase());
                }
            }
        }
        for &file in &members {
            let found =
                unknown_variables(|n| defined.contains(n), file, &self.files.get(file).text);
            self.diagnostics.extend(found);
        }
        project.defined_variables = defined.into_iter().collect();
        self.projects.push(project);
    }

    /// Depth-first through the `:r` lines of `file`, in text order.
    fn follow(&mut self, file: FileId, walk: &mut IncludeWalk, project: &mut Project) {
        if walk.done.contains(&file) {
            return;
        }
        walk.stack.push(file);
        for directive in self.directives_of(file) {
            match directive.kind {
                DirectiveKind::SetVar { name, value } => {
                    let key = name.to_ascii_uppercase();
                    match value {
                        Some(value) => {
                            walk.variables.insert(key, value);
                        }
                        None => {
                            walk.variables.remove(&key);
                        }
                    }
                }
                DirectiveKind::Include { path } => {
                    let line = self.files.get(file).text[directive.range.as_range()]
                        .trim()
                        .to_owned();
                    self.include(file, &directive.range, &line, &path, walk, project);
                }
            }
        }
        walk.stack.pop();
        walk.done.insert(file);
    }

    fn include(
        &mut self,
        file: FileId,
        range: &TextRange,
        line: &str,
        written: &str,
        walk: &mut IncludeWalk,
        project: &mut Project,
    ) {
        let substituted = sqlcmd::substitute(written, &walk.variables);
        let including = self.files.get(file);
        let from = including.path.display().to_string();
        let folder = including
            .absolute
            .parent()
            .unwrap_or(Path::new("/"))
            .to_path_buf();
        let exists = |p: &Path| self.exists(p);
        let found = if includes::is_foreign_absolute(&substituted) {
            includes::resolve_foreign(&folder, &project.root, &substituted, &exists)
        } else {
            includes::resolve(&folder, &substituted, &exists)
        };
        let Some(target) = found else {
            self.report_unless(walk.quiet,
                Code::Sql004,
                file,
                *range,
                format!(
                    "`{line}` in {from} names a file that does not exist: {} (paths are relative to the including file's folder)",
                    substituted.replace('\\', "/")
                ),
            );
            return;
        };
        let target = std::fs::canonicalize(&target).unwrap_or(target);
        if let Some(root) = self.outside(&target) {
            let message = format!(
                "`{line}` in {from} names {}, which is outside the project ({}): it is not read",
                target.display(),
                root.display()
            );
            self.report_unless(walk.quiet, Code::Sql004, file, *range, message);
            return;
        }
        let target = self.load_file(&target, true);
        if walk.stack.contains(&target) {
            let mut chain: Vec<String> = walk
                .stack
                .iter()
                .skip_while(|&&f| f != target)
                .map(|&f| self.files.get(f).path.display().to_string())
                .collect();
            chain.push(self.files.get(target).path.display().to_string());
            self.report_unless(walk.quiet,
                Code::Sql004,
                file,
                *range,
                format!(
                    "`{line}` in {from} would include {} while it is being included: an include cycle ({})",
                    self.files.get(target).path.display(),
                    chain.join(" → ")
                ),
            );
            return;
        }
        if walk.stack.len() >= MAX_INCLUDE_DEPTH {
            self.report_unless(walk.quiet,
                Code::Sql004,
                file,
                *range,
                format!(
                    "`{line}` in {from} nests includes more than {MAX_INCLUDE_DEPTH} deep; the rest is not read"
                ),
            );
            return;
        }
        project.includes.insert((file, range.start()), target);
        walk.reached.insert(target);
        self.follow(target, walk, project);
    }

    /// Keeps, of the C# the folder walk found, what an entry point may bind to: a C#
    /// project whose assembly some `EXTERNAL NAME`, `CREATE ASSEMBLY` (by name or by the
    /// file it is made from) names, and the loose `.cs` files of the folders where a file
    /// declares a class that an `EXTERNAL NAME` names (the text `class Name`, or `struct`).
    /// A `.sqlproj`'s `Compile` items always stay.
    fn drop_unnamed_csharp(&mut self, parsed: &[(FileId, std::sync::Arc<ParsedFile>)]) {
        use syntax::ast::StatementKind;
        let mut assemblies: HashSet<String> = HashSet::new();
        let mut classes: HashSet<String> = HashSet::new();
        let stem = |path: &str| {
            let normal = path.replace('\\', "/");
            Path::new(&normal)
                .file_stem()
                .map(|s| s.to_string_lossy().to_ascii_lowercase())
        };
        for (_, file) in parsed {
            for statement in &file.statements {
                match &statement.kind {
                    StatementKind::CreateAssembly(assembly) => {
                        assemblies.insert(assembly.name.value.as_str().to_ascii_lowercase());
                        for source in &assembly.from {
                            if let syntax::ast::AssemblySource::Path(path, _) = source
                                && let Some(stem) = stem(path)
                            {
                                assemblies.insert(stem);
                            }
                        }
                    }
                    StatementKind::CreateObject(create) => {
                        let Some(external) = create
                            .module
                            .as_ref()
                            .and_then(|m| m.external_name.as_ref())
                        else {
                            continue;
                        };
                        assemblies.insert(external.assembly.value.as_str().to_ascii_lowercase());
                        let class = external.class.as_ref().or(external.method.as_ref());
                        if let Some(class) = class {
                            let simple = class.value.rsplit(['.', '+']).next().unwrap_or("");
                            classes.insert(simple.to_owned());
                        }
                    }
                    _ => {}
                }
            }
        }
        let declares = |files: &SourceFiles, id: FileId| {
            let text = &files.get(id).text;
            classes.iter().any(|name| {
                ["class ", "struct "].iter().any(|kw| {
                    text.match_indices(&format!("{kw}{name}")).any(|(at, m)| {
                        text[at + m.len()..]
                            .chars()
                            .next()
                            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
                    })
                })
            })
        };
        let mut keep: HashSet<FileId> = HashSet::new();
        for project in &mut self.projects {
            keep.extend(project.compile_items.iter().copied());
            for csharp in &mut project.csharp_projects {
                if assemblies.contains(&csharp.assembly.to_ascii_lowercase()) {
                    keep.extend(csharp.sources.iter().copied());
                } else {
                    csharp.sources.clear();
                }
            }
            let folders: HashSet<PathBuf> = project
                .loose_csharp
                .iter()
                .filter(|&&id| declares(&self.files, id))
                .filter_map(|&id| self.files.get(id).absolute.parent().map(Path::to_path_buf))
                .collect();
            let files = &self.files;
            project.loose_csharp.retain(|&id| {
                files
                    .get(id)
                    .absolute
                    .parent()
                    .is_some_and(|dir| folders.contains(dir))
            });
            keep.extend(project.loose_csharp.iter().copied());
        }
        self.csharp.retain(|id| keep.contains(id));
    }

    /// Parses every SQL file once, in parallel, and assembles the workspace.
    fn finish(mut self, config: Config) -> Workspace {
        let files = &self.files;
        let total = self.sql.len();
        let progress = self.options.progress.clone();
        let reuse = self.options.reuse.clone();
        let parsed: Vec<(FileId, std::sync::Arc<ParsedFile>)> = self
            .sql
            .iter()
            .copied()
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|id| {
                if let Some(progress) = &progress {
                    progress.step(total);
                }
                let source = files.get(id);
                let text = &source.text;
                let earlier = reuse.as_ref().and_then(|old| {
                    let old_id = old.files.find(&source.absolute)?;
                    let parsed = old.scripts.get(&old_id)?;
                    (old.files.get(old_id).text == *text).then(|| parsed.clone())
                });
                if let Some(parsed) = earlier {
                    return (id, parsed);
                }
                let result = std::panic::catch_unwind(|| syntax::parse_script(text));
                let (script, errors) = result.unwrap_or_else(|_| {
                    (
                        syntax::ast::Script::default(),
                        vec![syntax::SyntaxError {
                            range: TextRange::new(0, text.len()),
                            message: "the parser failed on this file; please report it".to_owned(),
                        }],
                    )
                });
                (
                    id,
                    std::sync::Arc::new(ParsedFile::new(script, errors, text)),
                )
            })
            .collect();
        // Only the C# that SQLCLR entry points can bind to is read: a repository's
        // applications are C# too (sql-server-samples has 335 `.cs` files, 6 MB, of
        // which a handful are SQLCLR), and parsing them all cost a second at every load.
        self.drop_unnamed_csharp(&parsed);
        let files = &self.files;
        let csharp: BTreeMap<FileId, std::sync::Arc<syntax::csharp::CsFile>> = self
            .csharp
            .iter()
            .copied()
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|id| {
                let source = files.get(id);
                let earlier = reuse.as_ref().and_then(|old| {
                    let old_id = old.files.find(&source.absolute)?;
                    let parsed = old.csharp.get(&old_id)?;
                    (old.files.get(old_id).text == source.text).then(|| parsed.clone())
                });
                let parsed = earlier
                    .unwrap_or_else(|| std::sync::Arc::new(parse_csharp_guarded(&source.text)));
                (id, parsed)
            })
            .collect::<Vec<_>>()
            .into_iter()
            .collect();
        // The same problem reached from two projects is reported once.
        let mut seen = HashSet::new();
        self.diagnostics.retain(|d| {
            seen.insert((
                d.code,
                d.location.file,
                d.location.range.start(),
                d.location.range.end(),
                d.message.clone(),
            ))
        });
        crate::diagnostic::sort(&mut self.diagnostics, &self.files);
        Workspace {
            files: self.files,
            scripts: parsed.into_iter().collect(),
            csharp,
            projects: self.projects,
            diagnostics: self.diagnostics,
            config,
        }
    }
}

/// SQL002 for every `$(Name)` in `text` (the text of `file`) whose upper-cased name
/// `defined` does not accept (a set's `contains`: loading's hash set, or a project's
/// `defined_variables` after an edit, without copying it).
pub fn unknown_variables(
    defined: impl Fn(&str) -> bool,
    file: FileId,
    text: &str,
) -> Vec<Diagnostic> {
    let refs = sqlcmd::variable_refs(text);
    // sqlcmd substitutes everywhere, but SSDT's deployment-script template carries
    // `$(TableName)` in a comment and builds without complaint: a reference in a comment
    // is documentation, not a use.
    let comments = if refs.is_empty() {
        Vec::new()
    } else {
        sqlcmd::comments(text)
    };
    let mut out = Vec::new();
    for reference in refs {
        let in_comment = comments
            .iter()
            .any(|c| c.start() <= reference.range.start() && reference.range.end() <= c.end());
        if !in_comment && !defined(&reference.name.to_ascii_uppercase()) {
            let name = &reference.name;
            out.push(Diagnostic {
                code: Code::Sql002,
                severity: Severity::Warning,
                message: format!(
                    "SQLCMD variable `$({name})` is not defined: add `:setvar {name} value`, a SqlCmdVariable in the .sqlproj, or pass --var {name}=VALUE"
                ),
                location: Location {
                    file,
                    range: reference.range,
                },
                related: Vec::new(),
                fix: None,
            });
        }
    }
    out
}

/// The state of the depth-first walk through one project's `:r` lines.
struct IncludeWalk {
    /// Report nothing: a walk that only finds what is reached.
    quiet: bool,
    /// SQLCMD variables as `:setvar` lines change them, by upper-cased name.
    variables: Variables,
    /// The files being included, outermost first.
    stack: Vec<FileId>,
    /// Files whose includes have all been followed.
    done: HashSet<FileId>,
    /// Files reached through `:r`.
    reached: BTreeSet<FileId>,
}

impl IncludeWalk {
    fn new(variables: Variables, quiet: bool) -> Self {
        IncludeWalk {
            quiet,
            variables,
            stack: Vec::new(),
            done: HashSet::new(),
            reached: BTreeSet::new(),
        }
    }
}

/// `ItemKind` as a map key, in a fixed order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ItemKindKey(ItemKind);

impl ItemKindKey {
    fn rank(self) -> u8 {
        match self.0 {
            ItemKind::PreDeploy => 0,
            ItemKind::Build => 1,
            ItemKind::PostDeploy => 2,
            ItemKind::None => 3,
            ItemKind::Compile => 4,
        }
    }
}

impl PartialOrd for ItemKindKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ItemKindKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

/// SSDT's names for deployment scripts, without case: `Script.PreDeployment*.sql` and
/// `Script.PostDeployment*.sql`.
fn role_by_name(path: &Path) -> ScriptRole {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.starts_with("script.predeployment") {
        ScriptRole::PreDeploy
    } else if name.starts_with("script.postdeployment") {
        ScriptRole::PostDeploy
    } else {
        ScriptRole::Build
    }
}

/// Parses C#, and gives an empty file if the parser panics (a bug to report, not a reason
/// to stop the run).
pub fn parse_csharp_guarded(text: &str) -> syntax::csharp::CsFile {
    std::panic::catch_unwind(|| syntax::csharp::parse_csharp(text)).unwrap_or_default()
}

/// Replaces the MSBuild properties that name the project's folder; `None` when another
/// property remains.
fn expand_msbuild(pattern: &str, root: &Path) -> Option<String> {
    if !pattern.contains("$(") {
        return Some(pattern.to_owned());
    }
    let folder = root.to_string_lossy();
    let mut out = pattern.to_owned();
    for (name, trailing) in [
        ("$(MSBuildProjectDirectory)", ""),
        ("$(MSBuildThisFileDirectory)", "/"),
        ("$(ProjectDir)", "/"),
    ] {
        let value = format!("{folder}{trailing}");
        let mut from = 0;
        while let Some(found) = out[from..]
            .to_ascii_lowercase()
            .find(&name.to_ascii_lowercase())
        {
            let at = from + found;
            out.replace_range(at..at + name.len(), &value);
            from = at + value.len();
        }
    }
    (!out.contains("$(")).then_some(out)
}

fn is_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// MSBuild's item matching: `\` or `/`, without case, `**` across folders.
fn item_glob(pattern: &str) -> Option<globset::GlobMatcher> {
    let pattern = pattern.replace('\\', "/");
    let pattern = pattern.trim_start_matches("./");
    globset::GlobBuilder::new(pattern)
        .case_insensitive(true)
        .literal_separator(true)
        .build()
        .ok()
        .map(|g| g.compile_matcher())
}

/// One kind of item's files in MSBuild order, each once.
#[derive(Clone, Debug, Default)]
struct ItemList {
    /// The file, and whether an item names it (rather than the SDK's default glob).
    entries: Vec<(PathBuf, bool)>,
    present: HashSet<PathBuf>,
}

impl ItemList {
    fn push(&mut self, path: PathBuf, explicit: bool) {
        if self.present.insert(path.clone()) {
            self.entries.push((path, explicit));
        }
    }

    fn retain(&mut self, mut keep: impl FnMut(&Path) -> bool) {
        let present = &mut self.present;
        self.entries.retain(|(path, _)| {
            let kept = keep(path);
            if !kept {
                present.remove(path);
            }
            kept
        });
    }
}
