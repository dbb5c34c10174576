//! `sqlwarden check`: validate the arguments, run the analysis, apply or write a
//! baseline, render the findings and decide the exit status.

use std::fs;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use analysis::SourceFiles;
use analysis::project::LoadOptions;
use analysis::run::run;

use crate::baseline;
use crate::cli::{CheckArgs, ColorChoice};
use crate::format;
use crate::report::Report;
use crate::status::ExitStatus;

/// Runs the check; problems that stop it are returned as a message for stderr.
pub fn check(args: &CheckArgs) -> Result<ExitStatus, String> {
    for path in &args.paths {
        if let Err(error) = fs::metadata(path) {
            return Err(format!("cannot read `{}`: {error}", path.display()));
        }
    }
    if let Some(config) = &args.config
        && !config.is_file()
    {
        return Err(format!(
            "the configuration file `{}` does not exist",
            config.display()
        ));
    }
    // Read the baseline before the analysis, so that a bad baseline fails fast.
    let known = match &args.baseline {
        Some(path) => Some(baseline::read(path)?),
        None => None,
    };

    let options = LoadOptions {
        variables: args.variables.clone(),
        default_schema: args.default_schema.clone(),
        encoding: args.encoding.clone(),
        config: args.config.clone(),
        select: args.select.clone().unwrap_or_default(),
        ignore: args.ignore.clone().unwrap_or_default(),
        ..LoadOptions::default()
    };
    let outcome = run(&args.paths, &options).map_err(|error| error.to_string())?;
    let files = &outcome.workspace.files;
    let root = root(&args.paths, files);
    let mut report = Report::new(files, &outcome.diagnostics, root);

    if let Some(known) = &known {
        baseline::filter(&mut report, known);
    }
    if let Some(path) = &args.write_baseline {
        fs::write(path, baseline::to_text(&report))
            .map_err(|error| format!("cannot write baseline `{}`: {error}", path.display()))?;
        eprintln!(
            "sqlwarden: wrote {} finding(s) to the baseline `{}`",
            report.findings.len(),
            path.display()
        );
    }

    let color = use_color(args);
    let rendered = format::render(args.format, &report, color);
    match &args.output {
        Some(path) => fs::write(path, rendered)
            .map_err(|error| format!("cannot write `{}`: {error}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            if let Err(error) = stdout
                .write_all(rendered.as_bytes())
                .and_then(|()| stdout.flush())
                && error.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(format!("cannot write to standard output: {error}"));
            }
        }
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

/// Colour only for text on a terminal, unless forced; `NO_COLOR` (non-empty) turns it
/// off, as <https://no-color.org> asks.
fn use_color(args: &CheckArgs) -> bool {
    if args.no_color {
        return false;
    }
    match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
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
