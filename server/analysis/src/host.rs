//! Incremental analysis: the state kept between edits, and the one analysis that both
//! `sqlwarden check` and the language server run.
//!
//! Ground state is what the user controls: each file's text (the disk, overlaid by open
//! editor buffers), the projects and the configuration, all in the [`Workspace`] that
//! loading produced. Derived state is everything computed from it, at three grains:
//! - per file: the parse and the lowered script (the tree of an edited file is kept, so a
//!   keystroke reparses incrementally), and the SQL002 findings of its `$(Var)`s;
//! - per project: the [`Model`] and the rules' raw findings;
//! - per file again: the findings a user sees, after suppressions and the configuration.
//!
//! An edit replaces one file's text and invalidates only what depends on it: that file's
//! parse, the projects that reach it (their models and raw findings are rebuilt, in
//! parallel, on a [`Job`]), and the shown findings of the files whose raw findings or
//! text changed. Other projects keep their models and findings. An edit that changes the
//! file's SQLCMD lines (`:r`, `:setvar`) changes the project's shape and asks for a reload
//! instead ([`Edited::NeedsReload`]).
//!
//! Invariants:
//! - a rule runs only inside [`analyze_project`], for `check` and the server alike, so the
//!   editor and CI never disagree;
//! - the shown findings of a file depend only on the raw findings located in it and on its
//!   own suppression comments (a suppression never reaches across files), which is what
//!   lets a file be finalised alone;
//! - a [`JobResult`] carries the revision it was computed for, and [`Host::apply`] refuses
//!   one that is older than the ground state.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;
use syntax::TextRange;

use crate::diagnostic::{self, Code, Diagnostic, FileId};
use crate::model::Model;
use crate::project::{ParsedFile, Project, Workspace};
use crate::rules::{self, Context};

/// Builds one project's model and runs every registered rule on it: the only place rules
/// run.
pub fn analyze_project(workspace: &Workspace, project: &Project) -> (Model, Vec<Diagnostic>) {
    let model = Model::build(workspace, project);
    let context = Context::new(workspace, project, &model);
    let found = rules::run(&context);
    (model, found)
}

/// The revision of the ground state: it grows with every change.
pub type Revision = u64;

/// What [`Host::edit`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edited {
    /// The file's parse is current and the projects that reach it await a [`Job`].
    Updated,
    /// The edit changed the file's SQLCMD lines: the projects must be loaded again (with
    /// the new text as an overlay).
    NeedsReload,
    /// The workspace has no such file.
    Unknown,
}

/// The analysis state of one workspace.
pub struct Host {
    /// Tells hosts apart: a job made by one host (before a reload) is never applied to
    /// another, whose projects and files are numbered differently.
    id: u64,
    workspace: Workspace,
    revision: Revision,
    /// The trees of the files an editor has changed, for incremental reparsing.
    trees: HashMap<FileId, syntax::Parsed>,
    /// Per project, by index in `workspace.projects`: the model and raw findings of the
    /// last analysis (`None` before the first).
    models: Vec<Option<Arc<Model>>>,
    raw: Vec<Arc<Vec<Diagnostic>>>,
    /// Projects whose model is out of date.
    dirty_projects: BTreeSet<usize>,
    /// Files whose text changed since their findings were last finalised.
    dirty_files: BTreeSet<FileId>,
    /// The files whose suppressions count (see [`crate::suppression::analysed_files`]);
    /// it depends only on the projects' shape, which edits do not change.
    analysed: Arc<BTreeSet<FileId>>,
    /// What the user sees, by file: findings after suppressions and the configuration,
    /// sorted. Files without findings are absent.
    shown: BTreeMap<FileId, Vec<Diagnostic>>,
}

impl Host {
    /// Takes a freshly loaded workspace; nothing is analysed until a [`Job`] runs.
    pub fn new(workspace: Workspace) -> Host {
        let count = workspace.projects.len();
        let analysed = Arc::new(crate::suppression::analysed_files(&workspace));
        let dirty_files = workspace.files.iter().map(|(id, _)| id).collect();
        static HOSTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Host {
            id: HOSTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            workspace,
            revision: 0,
            trees: HashMap::new(),
            models: vec![None; count],
            raw: vec![Arc::default(); count],
            dirty_projects: (0..count).collect(),
            dirty_files,
            analysed,
            shown: BTreeMap::new(),
        }
    }

    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    pub fn revision(&self) -> Revision {
        self.revision
    }

    /// The model of a project from the last analysis applied.
    pub fn model(&self, project: usize) -> Option<&Arc<Model>> {
        self.models.get(project).and_then(Option::as_ref)
    }

    /// True when some change awaits analysis.
    pub fn is_dirty(&self) -> bool {
        !self.dirty_projects.is_empty() || !self.dirty_files.is_empty()
    }

    /// A file's shown findings, sorted.
    pub fn diagnostics(&self, file: FileId) -> &[Diagnostic] {
        self.shown.get(&file).map_or(&[], Vec::as_slice)
    }

    /// Every shown finding, in output order (by path, then position).
    pub fn all_diagnostics(&self) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = self.shown.values().flatten().cloned().collect();
        diagnostic::sort(&mut all, &self.workspace.files);
        all
    }

    /// Ends the host for a one-shot run: its workspace and every shown finding, in output
    /// order. The models and raw findings are freed before the shown findings are
    /// gathered, so that a big project does not hold them all at once.
    pub fn finish(self) -> (Workspace, Vec<Diagnostic>) {
        let Host {
            workspace,
            shown,
            models,
            raw,
            trees,
            ..
        } = self;
        drop((models, raw, trees));
        let mut all: Vec<Diagnostic> = shown.into_values().flatten().collect();
        diagnostic::sort(&mut all, &workspace.files);
        (workspace, all)
    }

    /// The files that currently have shown findings.
    pub fn files_with_diagnostics(&self) -> impl Iterator<Item = FileId> + '_ {
        self.shown.keys().copied()
    }

    /// The indices of the projects that analyse `file` (as a script, an include, a `None`
    /// item or their `.sqlproj`).
    pub fn projects_of(&self, file: FileId) -> Vec<usize> {
        self.workspace
            .projects
            .iter()
            .enumerate()
            .filter(|(_, p)| p.analyses(file))
            .map(|(i, _)| i)
            .collect()
    }

    /// Replaces a file's whole text (a file changed on disk, or a full-text sync).
    pub fn set_text(&mut self, file: FileId, text: String) -> Edited {
        if (file.0 as usize) >= self.workspace.files.len() {
            return Edited::Unknown;
        }
        let parsed = if self.workspace.csharp.contains_key(&file) {
            None
        } else {
            parse_guarded(&text)
        };
        self.replace(file, text, parsed)
    }

    /// Applies edits to a file's text in order, each a byte range of the text as the
    /// edits before it left it (clamped to it and to character boundaries), and reparses
    /// incrementally.
    pub fn edit(&mut self, file: FileId, edits: &[(TextRange, String)]) -> Edited {
        if (file.0 as usize) >= self.workspace.files.len() {
            return Edited::Unknown;
        }
        let mut text = self.workspace.files.get(file).text.clone();
        let mut clamped = Vec::with_capacity(edits.len());
        for (range, replacement) in edits {
            let range = clamp(&text, *range);
            text.replace_range(range.as_range(), replacement);
            clamped.push((range, replacement.as_str()));
        }
        if self.workspace.csharp.contains_key(&file) {
            return self.replace(file, text, None);
        }
        // One incremental reparse for all the edits.
        let parsed = self.trees.remove(&file).and_then(|mut tree| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
                tree.edit_all(&clamped);
                tree
            }))
            .ok()
        });
        // A tree that disagrees with the text (or none: the file's first edit, or a bug
        // in the incremental reparse) is replaced by a parse from scratch.
        let parsed = match parsed {
            Some(tree) if tree.text() == text => Some(tree),
            _ => parse_guarded(&text),
        };
        self.replace(file, text, parsed)
    }

    fn replace(&mut self, file: FileId, text: String, parsed: Option<syntax::Parsed>) -> Edited {
        let is_sql = self.workspace.scripts.contains_key(&file);
        let old_text = &self.workspace.files.get(file).text;
        if *old_text == text {
            if let Some(parsed) = parsed.filter(|_| is_sql) {
                self.trees.insert(file, parsed);
            }
            return Edited::Updated;
        }
        let old_directives = crate::load::sqlcmd::directives(old_text);
        let new_directives = crate::load::sqlcmd::directives(&text);
        let shape_changed = old_directives
            .iter()
            .map(|d| &d.kind)
            .ne(new_directives.iter().map(|d| &d.kind));
        if !shape_changed {
            // The same `:r` lines, maybe moved: the include map is keyed by where each
            // starts, so it follows them (else text typed above a `:r` would cut the
            // included file off the project until the next reload).
            let moved: Vec<(usize, usize)> = old_directives
                .iter()
                .zip(&new_directives)
                .filter(|(old, new)| old.range.start() != new.range.start())
                .map(|(old, new)| (old.range.start(), new.range.start()))
                .collect();
            if !moved.is_empty() {
                for project in &mut self.workspace.projects {
                    let mut shifted = Vec::new();
                    for &(old, new) in &moved {
                        if let Some(target) = project.includes.remove(&(file, old)) {
                            shifted.push(((file, new), target));
                        }
                    }
                    project.includes.extend(shifted);
                }
            }
        }
        self.revision += 1;
        if is_sql {
            let lowered = parsed.as_ref().and_then(|parsed| {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    ParsedFile::new(parsed.lower(), parsed.errors(), parsed.text())
                }))
                .ok()
            });
            let lowered = lowered.unwrap_or_else(|| failed_parse(&text));
            self.workspace.scripts.insert(file, Arc::new(lowered));
            match parsed {
                Some(parsed) => {
                    self.trees.insert(file, parsed);
                }
                None => {
                    self.trees.remove(&file);
                }
            }
        }
        if self.workspace.csharp.contains_key(&file) {
            let parsed = crate::load::parse_csharp_guarded(&text);
            self.workspace.csharp.insert(file, Arc::new(parsed));
        }
        self.workspace.files.set_text(file, text);
        let projects = self.projects_of(file);
        // The file's `$(Var)` references against what its projects define.
        self.workspace
            .diagnostics
            .retain(|d| !(d.code == Code::Sql002 && d.location.file == file));
        if is_sql {
            let mut seen = HashSet::new();
            for &index in &projects {
                let project = &self.workspace.projects[index];
                let defined = |name: &str| project.defined_variables.contains(name);
                let text = &self.workspace.files.get(file).text;
                for found in crate::load::unknown_variables(defined, file, text) {
                    if seen.insert((found.location.range, found.message.clone())) {
                        self.workspace.diagnostics.push(found);
                    }
                }
            }
        }
        self.dirty_projects.extend(projects);
        self.dirty_files.insert(file);
        if shape_changed {
            Edited::NeedsReload
        } else {
            Edited::Updated
        }
    }

    /// The work that brings the derived state up to date, to run on any thread.
    pub fn job(&self) -> Job {
        Job {
            host: self.id,
            revision: self.revision,
            workspace: self.workspace.clone(),
            projects: self.dirty_projects.iter().copied().collect(),
            dirty_files: self.dirty_files.clone(),
            previous: self.raw.clone(),
            analysed: self.analysed.clone(),
        }
    }

    /// Takes a job's result. A result for an older revision than the current one, or
    /// made by another host, is refused (returned as `Err`), since its findings describe text that is gone; on
    /// success, the files whose shown findings changed, or whose text did, are returned.
    pub fn apply(&mut self, result: JobResult) -> Result<Vec<FileId>, JobResult> {
        if result.host != self.id || result.revision != self.revision {
            return Err(result);
        }
        for (index, model, found) in result.projects {
            self.models[index] = Some(model);
            self.raw[index] = found;
            self.dirty_projects.remove(&index);
        }
        self.dirty_files.clear();
        let mut changed = Vec::new();
        for (file, shown) in result.shown {
            let before = self.shown.get(&file).map_or(&[][..], Vec::as_slice);
            if before != shown.as_slice() || result.edited.contains(&file) {
                changed.push(file);
            }
            if shown.is_empty() {
                self.shown.remove(&file);
            } else {
                self.shown.insert(file, shown);
            }
        }
        Ok(changed)
    }

    /// Runs the job here and applies it: what `check` does.
    pub fn analyze(&mut self) -> Vec<FileId> {
        let result = self.job().run();
        self.apply(result).unwrap_or_default()
    }
}

/// A snapshot of one revision and the projects to analyse in it.
pub struct Job {
    host: u64,
    revision: Revision,
    workspace: Workspace,
    projects: Vec<usize>,
    dirty_files: BTreeSet<FileId>,
    /// Every project's raw findings before this job.
    previous: Vec<Arc<Vec<Diagnostic>>>,
    analysed: Arc<BTreeSet<FileId>>,
}

/// What a [`Job`] computed.
pub struct JobResult {
    host: u64,
    pub revision: Revision,
    projects: Vec<(usize, Arc<Model>, Arc<Vec<Diagnostic>>)>,
    /// The new shown findings of every file that was finalised again.
    shown: Vec<(FileId, Vec<Diagnostic>)>,
    /// The files whose text changed: their findings are news even when equal (an editor
    /// learns they describe the new version).
    edited: BTreeSet<FileId>,
}

impl Job {
    pub fn revision(&self) -> Revision {
        self.revision
    }

    /// Builds the models of the dirty projects (in parallel) and finalises the files
    /// whose raw findings or text changed.
    pub fn run(self) -> JobResult {
        let workspace = &self.workspace;
        let built: Vec<(usize, Arc<Model>, Arc<Vec<Diagnostic>>)> = self
            .projects
            .par_iter()
            .map(|&index| {
                let project = &workspace.projects[index];
                let (model, found) = analyze_project(workspace, project);
                (index, Arc::new(model), Arc::new(found))
            })
            .collect();
        let mut raw = self.previous.clone();
        for (index, _, found) in &built {
            raw[*index] = found.clone();
        }
        // The files to finalise: those whose text changed, and those where a rebuilt
        // project's findings differ from before.
        let mut files = self.dirty_files.clone();
        for (index, _, found) in &built {
            let before = by_file(&self.previous[*index]);
            let after = by_file(found);
            for (file, list) in &after {
                if before.get(file) != Some(list) {
                    files.insert(*file);
                }
            }
            for file in before.keys() {
                if !after.contains_key(file) {
                    files.insert(*file);
                }
            }
        }
        let shown = finalize(workspace, &self.analysed, &files, &raw);
        JobResult {
            host: self.host,
            revision: self.revision,
            projects: built,
            shown,
            edited: self.dirty_files,
        }
    }
}

/// A project's findings grouped by file, each group in report order.
fn by_file(found: &[Diagnostic]) -> HashMap<FileId, Vec<&Diagnostic>> {
    let mut out: HashMap<FileId, Vec<&Diagnostic>> = HashMap::new();
    for d in found {
        out.entry(d.location.file).or_default().push(d);
    }
    out
}

/// The shown findings of `files`: loading findings first, then every project's in
/// project order (the order `check` has always reported in), through suppressions and
/// the configuration, sorted, each once.
fn finalize(
    workspace: &Workspace,
    analysed: &BTreeSet<FileId>,
    files: &BTreeSet<FileId>,
    raw: &[Arc<Vec<Diagnostic>>],
) -> Vec<(FileId, Vec<Diagnostic>)> {
    if files.is_empty() {
        return Vec::new();
    }
    let wanted = |d: &&Diagnostic| files.contains(&d.location.file);
    let found: Vec<Diagnostic> = workspace
        .diagnostics
        .iter()
        .filter(wanted)
        .chain(raw.iter().flat_map(|r| r.iter()).filter(wanted))
        .cloned()
        .collect();
    let found = crate::suppression::apply_in(workspace, analysed, files, found);
    let found = crate::config::apply(&workspace.config, &workspace.files, found);
    let mut grouped: BTreeMap<FileId, Vec<Diagnostic>> =
        files.iter().map(|&f| (f, Vec::new())).collect();
    for d in found {
        grouped.entry(d.location.file).or_default().push(d);
    }
    grouped
        .into_iter()
        .map(|(file, mut list)| {
            diagnostic::sort(&mut list, &workspace.files);
            // A finding of a file that two projects analyse is reported once.
            list.dedup();
            (file, list)
        })
        .collect()
}

/// Parses; `None` when the parser panics (a bug), which must not take the caller down.
fn parse_guarded(text: &str) -> Option<syntax::Parsed> {
    std::panic::catch_unwind(|| syntax::parse(text)).ok()
}

/// A range clamped into `text` and onto character boundaries.
fn clamp(text: &str, range: TextRange) -> TextRange {
    let floor = |mut at: usize| {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let start = floor(range.start());
    let end = floor(range.end().max(start));
    TextRange::new(start, end.max(start))
}

fn failed_parse(text: &str) -> ParsedFile {
    ParsedFile::new(
        syntax::ast::Script::default(),
        vec![syntax::SyntaxError {
            range: TextRange::new(0, text.len()),
            message: "the parser failed on this file; please report it".to_owned(),
        }],
        text,
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::project::LoadOptions;

    fn write(root: &Path, path: &str, text: &str) {
        let target = root.join(path);
        std::fs::create_dir_all(target.parent().expect("a folder")).expect("folders");
        std::fs::write(target, text).expect("a fixture file");
    }

    /// Two projects: an SSDT project in `app/` and the loose scripts beside it.
    fn two_projects() -> (tempfile::TempDir, Host) {
        let dir = tempfile::tempdir().expect("a folder");
        let root = dir.path();
        write(
            root,
            "app/App.sqlproj",
            r#"<Project><ItemGroup><Build Include="a.sql" /></ItemGroup></Project>"#,
        );
        write(
            root,
            "app/a.sql",
            "CREATE USER u WITHOUT LOGIN;\nGO\nGRANT SELECT ON dbo.missing TO u;\nGO\n",
        );
        write(
            root,
            "loose.sql",
            "GRANT SELECT ON dbo.t TO public;\nGO\nCREATE TABLE dbo.t (id int);\nGO\n",
        );
        let workspace =
            crate::load::load(&[root.to_path_buf()], &LoadOptions::default()).expect("loads");
        let mut host = Host::new(workspace);
        host.analyze();
        (dir, host)
    }

    fn file(host: &Host, name: &str) -> FileId {
        host.workspace()
            .files
            .iter()
            .find(|(_, f)| f.path.to_string_lossy().replace('\\', "/") == name)
            .map(|(id, _)| id)
            .expect("the file")
    }

    fn codes(host: &Host, file: FileId) -> Vec<&'static str> {
        host.diagnostics(file)
            .iter()
            .map(|d| d.code.as_str())
            .collect()
    }

    #[test]
    fn finishing_gives_every_shown_finding_in_output_order() {
        let (_dir, host) = two_projects();
        let all = host.all_diagnostics();
        let codes: Vec<&str> = all.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(
            codes,
            ["PRM006", "PRM005"],
            "app/a.sql sorts before loose.sql"
        );
        let (workspace, finished) = host.finish();
        assert_eq!(finished, all);
        assert_eq!(workspace.files.len(), 3);
    }

    #[test]
    fn an_edit_rebuilds_only_the_projects_that_reach_the_file() {
        let (_dir, mut host) = two_projects();
        let a = file(&host, "app/a.sql");
        let loose = file(&host, "loose.sql");
        assert_eq!(codes(&host, a), ["PRM006"]);
        assert_eq!(codes(&host, loose), ["PRM005"]);
        let app = host.projects_of(a);
        let other = host.projects_of(loose);
        assert_eq!(app.len(), 1);
        assert_eq!(other.len(), 1);
        let untouched = host.model(other[0]).cloned().expect("a model");
        let text = host.workspace().files.get(a).text.clone();
        let at = text.find("dbo.missing").expect("the name");
        assert_eq!(
            host.edit(
                a,
                &[(
                    TextRange::new(at, at + "dbo.missing".len()),
                    "dbo.u2".to_owned()
                )]
            ),
            Edited::Updated
        );
        let changed = host.analyze();
        assert_eq!(changed, vec![a]);
        assert!(
            Arc::ptr_eq(&untouched, host.model(other[0]).expect("a model")),
            "the other project's model is the same value"
        );
        assert_eq!(codes(&host, loose), ["PRM005"]);
    }

    #[test]
    fn an_incremental_reparse_gives_what_a_fresh_load_gives() {
        let (_dir, mut host) = two_projects();
        let loose = file(&host, "loose.sql");
        // Type a procedure into the middle, one character at a time.
        let typed = "CREATE PROCEDURE dbo.p AS SELECT id FROM dbo.t;\nGO\n";
        let mut at = host
            .workspace()
            .files
            .get(loose)
            .text
            .find("CREATE")
            .expect("CREATE");
        for ch in typed.chars() {
            host.edit(loose, &[(TextRange::new(at, at), ch.to_string())]);
            at += ch.len_utf8();
        }
        // A burst of edits given at once: each range in the text the ones before it left.
        host.edit(
            loose,
            &[
                (TextRange::new(0, 0), "-- a\n".to_owned()),
                (TextRange::new(5, 5), "PRINT 1;\n".to_owned()),
                (TextRange::new(0, 5), String::new()),
            ],
        );
        let text = host.workspace().files.get(loose).text.clone();
        assert!(text.starts_with("PRINT 1;\nGRANT"), "{text}");
        let (fresh, errors) = syntax::parse_script(&text);
        let parsed = &host.workspace().scripts[&loose];
        // Statements have no equality of their own; their debug form shows every field.
        let statements: Vec<String> = parsed.statements.iter().map(|s| format!("{s:?}")).collect();
        let expected: Vec<String> = fresh.statements.iter().map(|s| format!("{s:?}")).collect();
        assert_eq!(statements, expected);
        assert_eq!(parsed.errors, errors);
    }

    #[test]
    fn a_result_for_an_old_revision_or_another_host_is_refused() {
        let (_dir, mut host) = two_projects();
        let loose = file(&host, "loose.sql");
        host.edit(loose, &[(TextRange::new(0, 0), "-- one\n".to_owned())]);
        let old = host.job();
        host.edit(loose, &[(TextRange::new(0, 0), "-- two\n".to_owned())]);
        assert!(host.apply(old.run()).is_err(), "the text moved on");
        let (_other_dir, other) = two_projects();
        let foreign = other.job().run();
        assert!(host.apply(foreign).is_err(), "another host's result");
        assert!(host.is_dirty());
        host.analyze();
        assert!(!host.is_dirty());
        assert_eq!(codes(&host, loose), ["PRM005"]);
    }

    #[test]
    fn a_reload_keeps_the_parses_of_unchanged_files() {
        let (dir, host) = two_projects();
        let earlier = Arc::new(host.workspace().clone());
        std::fs::write(dir.path().join("loose.sql"), "SELECT 1;\nGO\n").expect("write");
        let options = LoadOptions {
            reuse: Some(earlier.clone()),
            ..LoadOptions::default()
        };
        let again = crate::load::load(&[dir.path().to_path_buf()], &options).expect("loads");
        let parse_of = |workspace: &Workspace, name: &str| {
            let (id, _) = workspace
                .files
                .iter()
                .find(|(_, f)| f.path.to_string_lossy().replace('\\', "/") == name)
                .expect("the file");
            workspace.scripts[&id].clone()
        };
        assert!(Arc::ptr_eq(
            &parse_of(&earlier, "app/a.sql"),
            &parse_of(&again, "app/a.sql")
        ));
        assert!(!Arc::ptr_eq(
            &parse_of(&earlier, "loose.sql"),
            &parse_of(&again, "loose.sql")
        ));
        assert_eq!(parse_of(&again, "loose.sql").statements.len(), 1);
    }

    // Found by the property test of `tests/incremental.rs`: text typed above a `:r` line
    // moved it, the include map (keyed by where the `:r` starts) lost the included file,
    // and its findings vanished until the next reload.
    #[test]
    fn text_typed_above_an_include_keeps_the_included_file_in_the_project() {
        let dir = tempfile::tempdir().expect("a folder");
        let root = dir.path();
        write(root, "main.sql", "PRINT 1;\n:r .\\inc.sql\nGO\n");
        write(root, "inc.sql", "GRANT SELECT ON dbo.t TO public;\nGO\n");
        let workspace =
            crate::load::load(&[root.to_path_buf()], &LoadOptions::default()).expect("loads");
        let mut host = Host::new(workspace);
        host.analyze();
        let main = file(&host, "main.sql");
        let inc = file(&host, "inc.sql");
        // The grant to public, on a table the scripts do not create.
        assert_eq!(codes(&host, inc), ["PRM005", "PRM006"]);
        let edited = host.edit(main, &[(TextRange::new(0, 0), "PRINT 0;\n".to_owned())]);
        assert_eq!(edited, Edited::Updated);
        host.analyze();
        assert_eq!(codes(&host, inc), ["PRM005", "PRM006"]);
        let project = host.projects_of(inc);
        assert_eq!(project.len(), 1);
    }

    #[test]
    fn an_edit_of_the_sqlcmd_lines_asks_for_a_reload() {
        let (_dir, mut host) = two_projects();
        let loose = file(&host, "loose.sql");
        assert_eq!(
            host.edit(
                loose,
                &[(TextRange::new(0, 0), ":setvar Env prod\n".to_owned())]
            ),
            Edited::NeedsReload
        );
        assert_eq!(
            host.edit(
                loose,
                &[(TextRange::new(0, 0), "-- a comment\n".to_owned())]
            ),
            Edited::Updated
        );
    }

    #[test]
    fn an_undefined_variable_typed_into_a_file_is_reported_and_clears_when_fixed() {
        let (_dir, mut host) = two_projects();
        let loose = file(&host, "loose.sql");
        host.edit(
            loose,
            &[(TextRange::new(0, 0), "PRINT '$(Nope)';\n".to_owned())],
        );
        host.analyze();
        assert_eq!(codes(&host, loose), ["SQL002", "PRM005"]);
        host.edit(loose, &[(TextRange::new(9, 13), "DatabaseName".to_owned())]);
        host.analyze();
        assert_eq!(codes(&host, loose), ["PRM005"]);
    }
}
