//! `sqlwarden check --show-settings`: the configuration a run would use, each value
//! with where it came from (the command line, the configuration file, or the default),
//! in the configuration file's own TOML spelling so that a line can be copied into it.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use analysis::config::Config;
use analysis::load::LoadError;

use crate::cli::CheckArgs;

/// Where a value came from.
fn source(from_command_line: bool, from_file: bool, file: &str) -> String {
    if from_command_line && from_file {
        format!("the command line and {file}")
    } else if from_command_line {
        "the command line".to_owned()
    } else if from_file {
        file.to_owned()
    } else {
        "the default".to_owned()
    }
}

fn list(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

/// The settings, one `name = value  # source` line each, after a line naming the
/// configuration file.
pub fn show(args: &CheckArgs, cwd: &Path) -> Result<String, LoadError> {
    let config = match &args.config {
        Some(path) => Config::load(&cwd.join(path))?,
        None => {
            let first = args
                .paths
                .iter()
                .find(|p| p.as_os_str() != "-")
                .cloned()
                .or_else(|| args.stdin_filename.clone())
                .unwrap_or_else(|| PathBuf::from("."));
            let first = cwd.join(first);
            let first = std::fs::canonicalize(&first).unwrap_or(first);
            let start = if first.is_dir() {
                first.clone()
            } else {
                first.parent().map(Path::to_path_buf).unwrap_or(first)
            };
            Config::discover(&start)?
        }
    };
    let file = config.path.as_ref().map_or_else(
        || "no configuration file".to_owned(),
        |p| p.display().to_string(),
    );
    let mut out = String::new();
    match &config.path {
        Some(path) => {
            let how = if args.config.is_some() {
                "given with --config"
            } else {
                "found upward from the first path"
            };
            let _ = writeln!(out, "# configuration file: {} ({how})", path.display());
        }
        None => {
            let _ = writeln!(
                out,
                "# configuration file: none (no sqlwarden.toml upward from the first path)"
            );
        }
    }
    let in_file = config.path.is_some();
    let line = |out: &mut String, name: &str, value: String, from: String| {
        let _ = writeln!(out, "{name} = {value}  # {from}");
    };

    let select = match &args.select {
        Some(select) => (list(select), source(true, false, &file)),
        None if !config.select.is_empty() => (list(&config.select), source(false, true, &file)),
        None => ("[] (every rule)".to_owned(), source(false, false, &file)),
    };
    line(&mut out, "select", select.0, select.1);
    let mut ignore = config.ignore.clone();
    let cli_ignore = args.ignore.clone().unwrap_or_default();
    ignore.extend(cli_ignore.iter().cloned());
    line(
        &mut out,
        "ignore",
        list(&ignore),
        source(
            !cli_ignore.is_empty(),
            in_file && !config.ignore.is_empty(),
            &file,
        ),
    );
    for (code, severity) in &config.severity {
        line(
            &mut out,
            &format!("severity.{code}"),
            format!("{:?}", severity.as_str()),
            file.clone(),
        );
    }
    for (glob, codes) in &config.per_path_ignores {
        line(
            &mut out,
            &format!("per-file-ignores.{glob:?}"),
            list(codes),
            file.clone(),
        );
    }
    let mut exclude = config.exclude.clone();
    exclude.extend(args.exclude.iter().cloned());
    line(
        &mut out,
        "exclude",
        list(&exclude),
        source(!args.exclude.is_empty(), !config.exclude.is_empty(), &file),
    );
    let (schema, from) = match (&args.default_schema, &config.default_schema) {
        (Some(schema), _) => (format!("{schema:?}"), source(true, false, &file)),
        (None, Some(schema)) => (format!("{schema:?}"), file.clone()),
        (None, None) => (
            "\"dbo\" (or the .sqlproj's DefaultSchema)".to_owned(),
            "the default".to_owned(),
        ),
    };
    line(&mut out, "default-schema", schema, from);
    let (encoding, from) = match &args.encoding {
        Some(label) => match analysis::load::decode::Fallback::from_label(label) {
            Ok(fallback) => (fallback.name().to_owned(), source(true, false, &file)),
            Err(message) => return Err(LoadError::Usage(format!("--encoding {label}: {message}"))),
        },
        None => {
            let name = config.encoding.name().to_owned();
            let default = config.encoding == analysis::load::decode::Fallback::default();
            (name, source(false, !default, &file))
        }
    };
    line(&mut out, "encoding", format!("{encoding:?}"), from);
    let mut variables = config.variables.clone();
    for (name, value) in &args.variables {
        variables.retain(|k, _| !k.eq_ignore_ascii_case(name));
        variables.insert(name.clone(), value.clone());
    }
    for (name, value) in &variables {
        let cli = args
            .variables
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name));
        line(
            &mut out,
            &format!("variables.{name}"),
            format!("{value:?}"),
            source(cli, !cli, &file),
        );
    }
    let _ = writeln!(
        out,
        "# command line only: respect-gitignore = {}, output-format = {:?}, fail-on = {:?}",
        !args.no_respect_gitignore,
        format!("{:?}", args.format).to_lowercase(),
        format!("{:?}", args.fail_on).to_lowercase(),
    );
    Ok(out)
}
