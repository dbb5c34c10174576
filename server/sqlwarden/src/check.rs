//! `sqlwarden check`: validate the arguments, find the projects of the files given alone,
//! run the analysis, keep the findings the run was asked about, apply or write a
//! baseline, render the findings and decide the exit status.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use analysis::project::{LoadOptions, Progress, Workspace};
use analysis::run::run;
use analysis::{Diagnostic, SourceFiles};

use crate::baseline;
use crate::cli::{CheckArgs, ColorChoice, Format};
use crate::format;
use crate::report::Report;
use crate::settings;
use crate::status::ExitStatus;

/// The path shown for a script read from standard input without `--stdin-filename`.
const STDIN_NAME: &str = "-";

/// What the paths on the command line ask for.
#[derive(Debug, Default)]
struct Inputs {
    /// Folders and `.sqlproj` files: every finding of their projects is reported.
    whole: Vec<PathBuf>,
    /// Files given alone (and `--stdin-filename`): checked in the project that owns
    /// them; only the findings located in them are reported.
    single: Vec<PathBuf>,
    /// Standard input without a file name: checked on its own.
    alone: Vec<PathBuf>,
    /// Unsaved text (standard input) by absolute path.
    overlays: BTreeMap<PathBuf, String>,
}

/// Runs the check; problems that stop it are returned as a message for stderr.
pub fn check(args: &CheckArgs) -> Result<ExitStatus, String> {
    let started = Instant::now();
    let cwd = std::env::current_dir()
        .map_err(|error| format!("cannot read the current folder: {error}"))?;
    let inputs = inputs(args, &cwd)?;
    if let Some(config) = &args.config
        && !config.is_file()
    {
        return Err(format!(
            "the configuration file `{}` does not exist",
            config.display()
        ));
    }
    if args.show_settings {
        let text = settings::show(args, &cwd).map_err(|error| error.to_string())?;
        write_stdout(|out| out.write_all(text.as_bytes()))?;
        return Ok(ExitStatus::Clean);
    }
    // Read the baseline before the analysis, so that a bad baseline fails fast.
    let known = match &args.baseline {
        Some(path) => Some(baseline::read(path)?),
        None => None,
    };

    let progress = progress_bar(args);
    let options = LoadOptions {
        variables: args.variables.clone(),
        default_schema: args.default_schema.clone(),
        encoding: args.encoding.clone(),
        config: args.config.clone(),
        select: args.select.clone().unwrap_or_default(),
        ignore: args.ignore.clone().unwrap_or_default(),
        exclude: args.exclude.clone(),
        no_respect_gitignore: args.no_respect_gitignore,
        overlays: inputs.overlays.clone(),
        progress: progress.as_ref().map(ProgressBar::callback),
        ..LoadOptions::default()
    };

    let mut load: Vec<PathBuf> = inputs.whole.clone();
    if !inputs.single.is_empty() {
        let owners =
            analysis::load::owners(&inputs.single, &options).map_err(|error| error.to_string())?;
        for owner in owners {
            if args.verbose {
                eprintln!(
                    "sqlwarden: checking the project {} for the files given alone",
                    owner.path().display()
                );
            }
            load.push(shown(&cwd, owner.path()));
        }
    }
    load.extend(inputs.alone.iter().cloned());
    let outcome = run(&load, &options).map_err(|error| error.to_string())?;
    if let Some(progress) = &progress {
        progress.finish();
    }
    let workspace = &outcome.workspace;
    if args.verbose {
        eprintln!(
            "sqlwarden: {} project(s), {} file(s) read, {} parsed, in {:.2} s",
            workspace.projects.len(),
            workspace.files.len(),
            workspace.scripts.len(),
            started.elapsed().as_secs_f64()
        );
        for project in &workspace.projects {
            eprintln!(
                "sqlwarden:   {} ({} file(s)) in {}",
                project.name,
                project.files().len(),
                project.root.display()
            );
        }
    }
    if workspace.scripts.is_empty() {
        let asked: Vec<String> = args
            .paths
            .iter()
            .map(|path| format!("`{}`", path.display()))
            .collect();
        eprintln!(
            "sqlwarden: warning: nothing to check: no `.sql` files under {}",
            asked.join(", ")
        );
        return Ok(ExitStatus::Failure);
    }
    if !args.quiet {
        warn_about_empty_folders(&inputs.whole, &cwd, workspace);
    }

    let diagnostics = wanted(&inputs, &cwd, workspace, &outcome.diagnostics);
    let files = &workspace.files;
    let root = root(&args.paths, files);
    let mut report = Report::new(files, &diagnostics, root);
    report.command_line = std::env::args().collect();
    if inputs.whole.is_empty() && inputs.alone.is_empty() {
        report.files_in_scope = Some(inputs.single.len());
    }
    report.timestamp =
        crate::report::utc_timestamp(std::time::SystemTime::now() - started.elapsed());
    if let Some(host) = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .filter(|host| !host.trim().is_empty())
    {
        report.hostname = host;
    }

    if let Some(known) = &known {
        let hidden = baseline::filter(&mut report, known);
        if !args.quiet {
            eprintln!(
                "sqlwarden: the baseline `{}` hid {hidden} known finding(s)",
                args.baseline.as_deref().unwrap_or(Path::new("")).display()
            );
        }
    }
    if let Some(path) = &args.write_baseline {
        create_parent(path)?;
        fs::write(path, baseline::to_text(&report))
            .map_err(|error| format!("cannot write baseline `{}`: {error}", path.display()))?;
        if !args.quiet {
            eprintln!(
                "sqlwarden: wrote {} finding(s) to the baseline `{}`",
                report.findings.len(),
                path.display()
            );
        }
    }

    let options = format::Options {
        color: use_color(args),
        quiet: args.quiet,
        statistics: args.statistics,
    };
    // Written as rendered: a large project's JSON or SARIF is never one string.
    match &args.output {
        Some(path) => {
            create_parent(path)?;
            let written = fs::File::create(path).and_then(|file| {
                let mut out = std::io::BufWriter::new(file);
                format::write(args.format, &report, &options, &mut out)?;
                out.flush()
            });
            written.map_err(|error| format!("cannot write `{}`: {error}", path.display()))?;
        }
        None => write_stdout(|out| format::write(args.format, &report, &options, out))?,
    }
    // The machine formats keep their document whole; the statistics go to stderr.
    if args.statistics && !format::is_text(args.format) {
        eprint!("{}", format::text::statistics(&report));
    }
    if args.format == Format::Github
        && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty())
    {
        let blob = match (
            std::env::var("GITHUB_SERVER_URL"),
            std::env::var("GITHUB_REPOSITORY"),
            std::env::var("GITHUB_SHA"),
        ) {
            (Ok(server), Ok(repository), Ok(sha)) if !sha.is_empty() => {
                Some(format!("{server}/{repository}/blob/{sha}/"))
            }
            _ => None,
        };
        let markdown = format::github::step_summary(&report, blob.as_deref());
        let mut file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&summary)
            .map_err(|error| {
                format!(
                    "cannot write the step summary `{}`: {error}",
                    Path::new(&summary).display()
                )
            })?;
        file.write_all(markdown.as_bytes()).map_err(|error| {
            format!(
                "cannot write the step summary `{}`: {error}",
                Path::new(&summary).display()
            )
        })?;
    }

    let threshold = args.fail_on.severity();
    let failing = report
        .findings
        .iter()
        .any(|finding| finding.severity() >= threshold);
    // A run that writes a baseline records today's findings as accepted: none is new.
    Ok(
        if failing && !args.exit_zero && args.write_baseline.is_none() {
            ExitStatus::Findings
        } else {
            ExitStatus::Clean
        },
    )
}

/// Sorts the paths into whole projects, files given alone and standard input.
fn inputs(args: &CheckArgs, cwd: &Path) -> Result<Inputs, String> {
    let mut out = Inputs::default();
    let stdin_count = args.paths.iter().filter(|p| is_stdin(p)).count();
    if stdin_count > 1 {
        return Err("`-` (standard input) can be given only once".to_owned());
    }
    if args.stdin_filename.is_some() && stdin_count == 0 {
        return Err("--stdin-filename names the file that `-` stands for: add `-`".to_owned());
    }
    for path in &args.paths {
        if is_stdin(path) {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|error| format!("cannot read standard input: {error}"))?;
            match &args.stdin_filename {
                Some(name) => {
                    out.overlays.insert(absolute(cwd, name), text);
                    out.single.push(name.clone());
                }
                None => {
                    out.overlays.insert(cwd.join(STDIN_NAME), text);
                    out.alone.push(PathBuf::from(STDIN_NAME));
                }
            }
            continue;
        }
        let metadata = fs::metadata(path)
            .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
        let project_file = path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("sqlproj"));
        if metadata.is_dir() || project_file {
            out.whole.push(path.clone());
        } else {
            out.single.push(path.clone());
        }
    }
    Ok(out)
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The canonical path of `path`, or, for a file that does not exist (yet), its
/// folder's canonical path joined with its name.
fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let joined = cwd.join(path);
    if let Ok(canonical) = fs::canonicalize(&joined) {
        return canonical;
    }
    match (joined.parent(), joined.file_name()) {
        (Some(parent), Some(name)) => fs::canonicalize(parent)
            .map(|parent| parent.join(name))
            .unwrap_or(joined),
        _ => joined,
    }
}

/// A path as the run should show it: relative to the current folder when inside it.
fn shown(cwd: &Path, path: &Path) -> PathBuf {
    let cwd = fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    match path.strip_prefix(&cwd) {
        Ok(relative) if relative.as_os_str().is_empty() => PathBuf::from("."),
        Ok(relative) => relative.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}

/// The findings the run was asked about: all of them for folders and `.sqlproj` files,
/// and for a file given alone those located in it (their related locations may be
/// anywhere in its project).
fn wanted(
    inputs: &Inputs,
    cwd: &Path,
    workspace: &Workspace,
    diagnostics: &[Diagnostic],
) -> Vec<Diagnostic> {
    if inputs.single.is_empty() {
        return diagnostics.to_vec();
    }
    let singles: BTreeSet<PathBuf> = inputs
        .single
        .iter()
        .map(|path| absolute(cwd, path))
        .collect();
    let folders: Vec<PathBuf> = inputs
        .whole
        .iter()
        .map(|path| absolute(cwd, path))
        .collect();
    let keep = |diagnostic: &&Diagnostic| {
        let file = workspace.files.get(diagnostic.location.file);
        let at = fs::canonicalize(&file.absolute).unwrap_or_else(|_| file.absolute.clone());
        singles.contains(&at)
            || inputs.alone.iter().any(|p| cwd.join(p) == file.absolute)
            || folders.iter().any(|folder| {
                at.starts_with(folder)
                    || workspace.projects.iter().any(|project| {
                        project.project_file.is_some_and(|id| {
                            workspace.files.get(id).absolute == *folder
                                && project.analyses(diagnostic.location.file)
                        })
                    })
            })
    };
    diagnostics.iter().filter(keep).cloned().collect()
}

/// A folder named on the command line in which nothing was found is probably a typo:
/// say so, although other paths had files to check.
fn warn_about_empty_folders(whole: &[PathBuf], cwd: &Path, workspace: &Workspace) {
    for path in whole {
        let folder = absolute(cwd, path);
        if !folder.is_dir() {
            continue;
        }
        let any = workspace.scripts.keys().any(|&id| {
            let file = workspace.files.get(id);
            fs::canonicalize(&file.absolute)
                .unwrap_or_else(|_| file.absolute.clone())
                .starts_with(&folder)
        });
        if !any {
            eprintln!(
                "sqlwarden: warning: no `.sql` files under `{}`",
                path.display()
            );
        }
    }
}

fn create_parent(path: &Path) -> Result<(), String> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() && !parent.exists() => {
            fs::create_dir_all(parent).map_err(|error| {
                format!("cannot create the folder `{}`: {error}", parent.display())
            })
        }
        _ => Ok(()),
    }
}

/// Writes to standard output through a buffer; a reader that went away (a closed
/// pipe) is not an error.
fn write_stdout(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), String> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    match write(&mut stdout).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to standard output: {error}"))
        }
        _ => Ok(()),
    }
}

/// Colour only for text on a terminal, unless forced. `NO_COLOR` (non-empty) turns it
/// off, as <https://no-color.org> asks, and so does `TERM=dumb`; `FORCE_COLOR`
/// (non-empty) turns it on where `auto` would not. `--color` and `--no-color` win over
/// the environment.
fn use_color(args: &CheckArgs) -> bool {
    if args.no_color {
        return false;
    }
    let set = |name: &str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
    match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if set("NO_COLOR") {
                false
            } else if set("FORCE_COLOR") {
                true
            } else {
                args.output.is_none()
                    && std::io::stdout().is_terminal()
                    && std::env::var_os("TERM").is_none_or(|term| term != "dumb")
            }
        }
    }
}

/// The folder that output paths are relative to: the current folder when every file is
/// inside it (so paths match the repository in CI), else the deepest folder holding
/// every checked path.
fn root(paths: &[PathBuf], files: &SourceFiles) -> Option<PathBuf> {
    let inside = |dir: &Path| files.iter().all(|(_, file)| file.absolute.starts_with(dir));
    if let Some(cwd) = std::env::current_dir()
        .ok()
        .and_then(|dir| dir.canonicalize().ok())
        && inside(&cwd)
    {
        return Some(cwd);
    }
    let mut folders = paths.iter().filter_map(|path| {
        let path = path.canonicalize().ok()?;
        if path.is_dir() {
            Some(path)
        } else {
            path.parent().map(Path::to_path_buf)
        }
    });
    let mut common = folders.next()?;
    for folder in folders {
        while !folder.starts_with(&common) {
            common = common.parent()?.to_path_buf();
        }
    }
    Some(common)
}

/// A progress bar on stderr while files are parsed: only when stderr is a terminal, not
/// with `--quiet`, and only once the run has taken a second, so that short runs (and
/// every run in CI) print nothing.
struct ProgressBar {
    bar: indicatif::ProgressBar,
}

fn progress_bar(args: &CheckArgs) -> Option<ProgressBar> {
    if args.quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    Some(ProgressBar {
        bar: indicatif::ProgressBar::hidden(),
    })
}

impl ProgressBar {
    fn callback(&self) -> Progress {
        let bar = self.bar.clone();
        let started = Instant::now();
        let shown = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        Progress::new(move |done, total| {
            if started.elapsed() < Duration::from_secs(1) {
                return;
            }
            if !shown.swap(true, std::sync::atomic::Ordering::Relaxed) {
                bar.set_length(total as u64);
                if let Ok(style) = indicatif::ProgressStyle::with_template(
                    "{spinner} parsing {pos}/{len} files {wide_bar} {elapsed}",
                ) {
                    bar.set_style(style);
                }
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            bar.set_position(done as u64);
        })
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
