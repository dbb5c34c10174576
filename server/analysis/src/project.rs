//! Project loading: the only IO in sqlwarden.
//!
//! Bytes come in (UTF-8, UTF-8 with BOM, UTF-16 LE/BE with BOM); plain, deterministic
//! data comes out: the projects found under the given paths, their files in project
//! order, `.sqlproj` items and properties, SQLCMD variables, the `:r` graph, and every
//! file parsed and lowered once. After loading nothing reads the disk. The language
//! server overlays open buffers through [`LoadOptions::overlays`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use syntax::ast::{Script, Statement};

use crate::diagnostic::{Diagnostic, FileId, Location, SourceFiles};

pub use crate::load::{LoadError, load};

/// What the caller adds to what is on disk.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// `--var NAME=VALUE`: SQLCMD variables that win over every other definition.
    pub variables: Vec<(String, String)>,
    /// Unsaved editor buffers by absolute path: read instead of the disk.
    pub overlays: BTreeMap<PathBuf, String>,
    /// `--default-schema`: wins over the config file and the `.sqlproj`.
    pub default_schema: Option<String>,
    /// `--encoding LABEL`: what files without a byte-order mark that are not UTF-8 are
    /// read as; wins over the config file's `encoding`.
    pub encoding: Option<String>,
    /// `--config FILE`: use this file instead of searching upward for `sqlwarden.toml`.
    pub config: Option<PathBuf>,
    /// `--select`: codes or prefixes to report; when not empty, replaces the file's.
    pub select: Vec<String>,
    /// `--ignore`: codes or prefixes never to report, added to the file's.
    pub ignore: Vec<String>,
    /// `--exclude`: globs relative to the current folder, added to the file's `exclude`.
    pub exclude: Vec<String>,
    /// `--no-respect-gitignore`: a folder walk also reads files that `.gitignore`,
    /// `.ignore` and git's excludes leave out (by default it skips them, as git does).
    pub no_respect_gitignore: bool,
    /// Told of every file parsed, for a language server's progress report.
    pub progress: Option<Progress>,
    /// An earlier load of the same folders (a language server reloading after a
    /// `.sqlproj` change): a file whose text is unchanged keeps its parse.
    pub reuse: Option<Arc<Workspace>>,
}

/// A callback told `(files parsed so far, files to parse)` as loading parses files (from
/// several threads at once).
#[derive(Clone)]
pub struct Progress {
    done: Arc<std::sync::atomic::AtomicUsize>,
    report: Arc<dyn Fn(usize, usize) + Send + Sync>,
}

impl Progress {
    pub fn new(report: impl Fn(usize, usize) + Send + Sync + 'static) -> Self {
        Progress {
            done: Arc::default(),
            report: Arc::new(report),
        }
    }

    /// One more file is being parsed, of `total`.
    pub fn step(&self, total: usize) {
        let done = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        (self.report)(done, total);
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// Everything a run reads.
///
/// Cloning is cheap (files and parses are shared), so a language server hands a copy to
/// a worker thread as the snapshot of one revision.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    pub files: SourceFiles,
    /// The parse of every SQL file, by file: `None` for `.sqlproj` and other non-SQL files.
    pub scripts: BTreeMap<FileId, Arc<ParsedFile>>,
    /// The lowered C# of every `.cs` file a project may read.
    pub csharp: BTreeMap<FileId, Arc<syntax::csharp::CsFile>>,
    pub projects: Vec<Project>,
    /// Problems found while loading (SQL004 unreadable input, SQL002 unknown variables).
    pub diagnostics: Vec<Diagnostic>,
    /// The configuration file with the command line's options merged in: pass it to
    /// [`crate::config::apply`].
    pub config: crate::config::Config,
}

/// One parsed and lowered file.
///
/// Its statements are shared (`Arc`), so that the model's statement stream, rebuilt after
/// every edit in a language server, takes a pointer to each statement rather than a deep
/// copy (only a statement that SQLCMD variables change is copied).
#[derive(Debug, Default)]
pub struct ParsedFile {
    /// Top-level statements in text order, across all `GO` batches.
    pub statements: Vec<Arc<Statement>>,
    /// By statement: whether its text holds a `$(`, so that SQLCMD substitution, done on
    /// every model build, looks only at the statements it can change.
    pub has_variables: Vec<bool>,
    /// The ranges of the `GO` batches, in order.
    pub batches: Vec<syntax::TextRange>,
    /// Comments, for suppressions.
    pub comments: Vec<syntax::ast::Comment>,
    pub errors: Vec<syntax::SyntaxError>,
}

impl Workspace {
    /// Lets go of every script's tree, keeping the files, the projects and which files
    /// are scripts (their entries stay, empty): what a report needs once the analysis is
    /// done. The trees are most of a large project's memory, and the report is built
    /// after them.
    pub fn release_trees(&mut self) {
        let empty = Arc::new(ParsedFile::default());
        for parsed in self.scripts.values_mut() {
            *parsed = empty.clone();
        }
    }
}

impl ParsedFile {
    pub fn new(script: Script, errors: Vec<syntax::SyntaxError>, text: &str) -> ParsedFile {
        let has_variables = script
            .statements
            .iter()
            .map(|s| {
                text.get(s.range.as_range())
                    .is_none_or(|t| t.contains("$("))
            })
            .collect();
        ParsedFile {
            has_variables,
            // Not `into_iter().map(Arc::new).collect()`: collecting in place would keep
            // the lowered statements' buffer (eleven times the pointers' size) alive.
            statements: {
                let mut shared = Vec::with_capacity(script.statements.len());
                shared.extend(script.statements.into_iter().map(Arc::new));
                shared
            },
            batches: script.batches,
            comments: script.comments,
            errors,
        }
    }
}

/// A database project: one `.sqlproj`, or the loose scripts that no project claims.
#[derive(Clone, Debug, Default)]
pub struct Project {
    /// How the project's files were found.
    pub kind: ProjectKind,
    /// The project's name (the `.sqlproj` file stem, or the folder's name for loose scripts).
    pub name: String,
    pub root: PathBuf,
    /// The `.sqlproj` file, when there is one.
    pub project_file: Option<FileId>,
    /// The scripts to analyse, in the order state changes apply: pre-deployment scripts
    /// first, then the build items (the `.sqlproj` order, else sorted paths), then the
    /// post-deployment scripts. Files reached only through `:r`, and `None` items, are
    /// not listed here.
    pub scripts: Vec<ScriptFile>,
    /// `.sqlproj` properties the model reads (`DefaultSchema`, `Trustworthy`,
    /// `DBChainingOn`, `PermissionSet`, `DSP`), with the element's location.
    pub properties: BTreeMap<String, Property>,
    /// SQLCMD variables known before any `:setvar` runs: SSDT's built-ins, the
    /// `.sqlproj`'s `SqlCmdVariable` defaults, the config file, then `--var` (later wins).
    pub variables: BTreeMap<String, String>,
    /// The schema that one-part names resolve to (`dbo` unless configured).
    pub default_schema: String,
    /// `:r` targets: (including file, the `:r` statement's start offset) to the included
    /// file. A missing file or a cycle is absent here and reported as SQL004.
    pub includes: BTreeMap<(FileId, usize), FileId>,
    /// Every file reached through `:r`, sorted by id.
    pub included: Vec<FileId>,
    /// `.sql` files listed as `None` items: loaded and parsed, not analysed on their own
    /// (usually the targets of the deployment scripts' `:r` lines).
    pub none_items: Vec<FileId>,
    /// `Compile` items: the C# sources of SQLCLR assemblies, loaded as text.
    pub compile_items: Vec<FileId>,
    /// Assemblies this project's `.sqlproj` references (`<Reference>`,
    /// `<ArtifactReference>`, `<ProjectReference>`), by name: they exist in the database
    /// when the project deploys.
    pub referenced_assemblies: Vec<String>,
    /// The `<Reference>` items to a `.dll`: each deploys an assembly with the project.
    pub assembly_references: Vec<AssemblyReference>,
    /// The first `Compile` item element of the `.sqlproj`, when it has one: SSDT builds
    /// an assembly from the project's C# sources (see [`Project::built_assembly`]).
    pub compile_location: Option<Location>,
    /// Assemblies that C# projects (`.csproj`) in the folder checked with this project
    /// build, by their `<AssemblyName>` (else their file name).
    pub sibling_assemblies: Vec<String>,
    /// Those C# projects, each with the sources it compiles.
    pub csharp_projects: Vec<CsharpProject>,
    /// `.cs` files under the folder that no `.sqlproj` or `.csproj` claims: where the
    /// classes that `EXTERNAL NAME` points at are looked for when nothing else ties an
    /// assembly to its source.
    pub loose_csharp: Vec<FileId>,
    /// Every SQLCMD variable name the project defines anywhere (upper-cased): the
    /// variables above and every `:setvar` in its files. `$(Name)` outside this set is
    /// SQL002.
    pub defined_variables: BTreeSet<String>,
}

impl Project {
    /// The file that the `:r` statement at `range` in `file` includes. Keys are the
    /// offset of the `:` that starts the `:r` line; any range containing it matches.
    pub fn include_at(&self, file: FileId, range: syntax::TextRange) -> Option<FileId> {
        self.includes
            .range((file, range.start())..(file, range.end().max(range.start().saturating_add(1))))
            .next()
            .map(|(_, &target)| target)
    }

    /// A variable's value by name, without case (sqlcmd's names are case-insensitive).
    pub fn variable(&self, name: &str) -> Option<&str> {
        self.variables
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// True when `file` is one of this project's scripts, included files or `None` items.
    pub fn reaches(&self, file: FileId) -> bool {
        self.scripts.iter().any(|s| s.file == file)
            || self.included.binary_search(&file).is_ok()
            || self.none_items.contains(&file)
    }

    /// The name of the assembly the project builds from its C# sources: a `.sqlproj` with
    /// `Compile` items builds one, named by `<AssemblyName>` (else the project's name),
    /// as SSDT passes `$(AssemblyName)` to its build as `ImplicitDllAssemblyName`. A
    /// project without `Compile` items has nothing to compile, and SSDT writes an
    /// `<AssemblyName>` into every project, so that property alone builds nothing.
    pub fn built_assembly(&self) -> Option<&str> {
        self.compile_location?;
        self.project_file?;
        let name = self
            .properties
            .get("AssemblyName")
            .map(|p| p.value.trim())
            .filter(|name| !name.is_empty())
            .unwrap_or(&self.name);
        Some(name)
    }

    /// True when the project analyses `file`: one of its SQL files, its `.sqlproj`
    /// (whose properties the model reads), or C# source that may belong to one of its
    /// assemblies.
    pub fn analyses(&self, file: FileId) -> bool {
        self.project_file == Some(file)
            || self.reaches(file)
            || self.csharp_files().any(|f| f == file)
    }

    /// Every C# file the project may read: its `Compile` items, the sources of the C#
    /// projects beside it, and the loose `.cs` files.
    pub fn csharp_files(&self) -> impl Iterator<Item = FileId> + '_ {
        self.compile_items
            .iter()
            .copied()
            .chain(
                self.csharp_projects
                    .iter()
                    .flat_map(|p| p.sources.iter().copied()),
            )
            .chain(self.loose_csharp.iter().copied())
    }

    /// Every SQL file of the project once: scripts in order, then `None` items, then
    /// files reached only through `:r`.
    pub fn files(&self) -> Vec<FileId> {
        let mut out: Vec<FileId> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let all = self
            .scripts
            .iter()
            .map(|s| s.file)
            .chain(self.none_items.iter().copied())
            .chain(self.included.iter().copied());
        for file in all {
            if seen.insert(file) {
                out.push(file);
            }
        }
        out
    }
}

/// A `.sqlproj` `<Reference>` to a `.dll`, which SSDT deploys as an assembly of the
/// database, with the SQLCLR metadata SSDT writes on it.
#[derive(Clone, Debug)]
pub struct AssemblyReference {
    /// The file as written in the `.sqlproj` (`HintPath`, else `Include`).
    pub file: String,
    /// `<SqlAssemblyName>`, else the file's stem.
    pub name: String,
    /// The reference's item element.
    pub location: Location,
    /// `<SqlOwnerName>` and its element.
    pub owner: Option<(String, Location)>,
    /// `<SqlPermissionSet>` and its element.
    pub permission_set: Option<(String, Location)>,
}

/// A C# project (`.csproj`) beside a database project: the assembly it builds and the
/// `.cs` files it compiles (its `Compile` items, or for an SDK-style project every `.cs`
/// file under its folder).
#[derive(Clone, Debug)]
pub struct CsharpProject {
    pub assembly: String,
    pub project_file: FileId,
    pub sources: Vec<FileId>,
}

/// Where a project's list of files came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ProjectKind {
    /// A classic SSDT `.sqlproj` with explicit items.
    Ssdt,
    /// An SDK-style `Microsoft.Build.Sql` project: every `.sql` file under its folder.
    Sdk,
    /// Plain scripts that no `.sqlproj` claims.
    #[default]
    Scripts,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScriptRole {
    PreDeploy,
    Build,
    PostDeploy,
}

#[derive(Clone, Copy, Debug)]
pub struct ScriptFile {
    pub file: FileId,
    pub role: ScriptRole,
}

#[derive(Clone, Debug)]
pub struct Property {
    pub value: String,
    pub location: Location,
}
