//! The command line, declared with clap's derive API.

use std::path::PathBuf;

use clap::builder::NonEmptyStringValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// A security analyser for SQL Server database projects.
#[derive(Debug, Parser)]
#[command(name = "sqlwarden", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run: boxing the large `check` arguments would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse database projects, folders of scripts or single files.
    Check(CheckArgs),
    /// Print the documentation of one rule.
    Rule {
        /// The rule's code, such as PRM001.
        code: String,
    },
    /// List every rule: code, name, default severity and summary.
    Rules,
    /// Run the language server on standard input and output (for editors).
    Server(ServerArgs),
    /// Print a completion script for SHELL (bash, elvish, fish, powershell, zsh).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), for `man -l -` or a `man1` folder.
    Manpage,
}

#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Accepted for editors that pass it; stdio is the only transport.
    #[arg(long)]
    pub stdio: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// `.sqlproj` files, folders or `.sql` files to check; `-` reads one script from
    /// standard input. A `.sql` file given alone is checked in the project that owns it,
    /// and only its findings are reported.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// How to print the findings (`--format` is the short spelling).
    #[arg(
        long = "output-format",
        alias = "format",
        value_enum,
        default_value_t = Format::Text,
        value_name = "FORMAT"
    )]
    pub format: Format,

    /// The path that the script read from standard input (`-`) stands for: it is checked
    /// in that file's project, in place of the file's text on disk.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// After the findings, print the number of findings per rule, with its name and
    /// severity (alone, in place of the findings, with `--output-format text`).
    #[arg(long)]
    pub statistics: bool,

    /// Leave out files and folders matching these globs (comma-separated, relative to
    /// the current folder), in addition to the config's `exclude`.
    #[arg(long, value_delimiter = ',', value_name = "GLOBS")]
    pub exclude: Vec<String>,

    /// Also check files that `.gitignore`, `.ignore` and git's excludes leave out.
    #[arg(long)]
    pub no_respect_gitignore: bool,

    /// Print the settings in effect, and where each came from, then stop.
    #[arg(long)]
    pub show_settings: bool,

    /// Print nothing but the findings (no summary, hints or notices on stderr).
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,

    /// Say on stderr what is being checked: the projects and how long each step took.
    #[arg(long, short = 'v')]
    pub verbose: bool,

    /// Write the findings to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The lowest severity that makes the exit status 1.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,

    /// Exit with status 0 even when there are findings (2 still means the tool failed).
    #[arg(long)]
    pub exit_zero: bool,

    /// A SQLCMD variable; wins over `:setvar`, the `.sqlproj` and the config file.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_variable)]
    pub variables: Vec<(String, String)>,

    /// Use this configuration file instead of searching upward for `sqlwarden.toml`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Report only these codes or prefixes (comma-separated); replaces the config's `select`.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Option<Vec<String>>,

    /// Never report these codes or prefixes (comma-separated); added to the config's `ignore`.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Option<Vec<String>>,

    /// The schema that one-part names resolve to (wins over the config and `.sqlproj`).
    #[arg(long, value_name = "SCHEMA", value_parser = NonEmptyStringValueParser::new())]
    pub default_schema: Option<String>,

    /// What files without a byte-order mark that are not UTF-8 are read as: a label such
    /// as `windows-1252` (the default), `latin1` or `shift_jis`, or `utf-8` to refuse them
    /// (SQL004). Wins over the config file's `encoding`.
    #[arg(long, value_name = "LABEL", value_parser = NonEmptyStringValueParser::new())]
    pub encoding: Option<String>,

    /// Record today's findings in FILE, to report only new ones later with `--baseline`.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Report only the findings that FILE (written by `--write-baseline`) does not hold.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,

    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Never colour text output (the same as `--color never`).
    #[arg(long)]
    pub no_color: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Code frames for people, with hints and a summary line.
    Text,
    /// One line per finding: `path:line:column: CODE message`.
    Concise,
    /// The findings by file: the path once, then one indented line per finding.
    Grouped,
    /// A stable JSON document (see `format::json`).
    Json,
    /// SARIF 2.1.0, for code-scanning services.
    Sarif,
    /// GitHub Actions workflow commands, shown as annotations on pull requests.
    Github,
    /// Azure Pipelines logging commands (`##vso[task.logissue]`).
    Azure,
    /// GitLab's Code Quality report (JSON).
    Gitlab,
    /// JUnit XML: a test suite per file, a failed test case per finding.
    Junit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
}

impl FailOn {
    pub fn severity(self) -> analysis::Severity {
        match self {
            FailOn::Error => analysis::Severity::Error,
            FailOn::Warning => analysis::Severity::Warning,
            FailOn::Note => analysis::Severity::Note,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    Auto,
    Always,
    Never,
}

/// Parses `NAME=VALUE`; the value may be empty, the name may not.
fn parse_variable(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("expected NAME=VALUE, found `{text}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(args: &[&str]) -> CheckArgs {
        let cli = Cli::try_parse_from(std::iter::once("sqlwarden").chain(args.iter().copied()))
            .expect("arguments parse");
        match cli.command {
            Command::Check(args) => args,
            other => panic!("expected check, got {other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let args = check(&["check"]);
        assert_eq!(args.paths, vec![PathBuf::from(".")]);
        assert_eq!(args.format, Format::Text);
        assert_eq!(args.fail_on, FailOn::Warning);
        assert_eq!(args.color, ColorChoice::Auto);
        assert!(args.select.is_none() && args.ignore.is_none());
    }

    #[test]
    fn output_format_is_the_name_and_format_the_short_spelling() {
        assert_eq!(
            check(&["check", "--output-format", "concise"]).format,
            Format::Concise
        );
        assert_eq!(check(&["check", "--format", "junit"]).format, Format::Junit);
    }

    #[test]
    fn lists_and_variables() {
        let args = check(&[
            "check",
            "a",
            "b.sql",
            "--select",
            "PRM,IMP001",
            "--var",
            "Db=x=y",
            "--var",
            "E=",
        ]);
        assert_eq!(args.paths.len(), 2);
        assert_eq!(
            args.select,
            Some(vec!["PRM".to_string(), "IMP001".to_string()])
        );
        assert_eq!(
            args.variables,
            vec![("Db".into(), "x=y".into()), ("E".into(), String::new())]
        );
    }

    #[test]
    fn bad_variables_and_conflicting_baselines_are_usage_errors() {
        let parse = |args: &[&str]| {
            Cli::try_parse_from(std::iter::once("sqlwarden").chain(args.iter().copied()))
        };
        assert!(parse(&["check", "--var", "novalue"]).is_err());
        assert!(parse(&["check", "--var", "=1"]).is_err());
        assert!(parse(&["check", "--baseline", "a", "--write-baseline", "b"]).is_err());
        assert!(parse(&["check", "--format", "xml"]).is_err());
        assert!(parse(&["check", "-q", "-v"]).is_err());
        assert!(parse(&["check", "--default-schema", ""]).is_err());
    }
}
