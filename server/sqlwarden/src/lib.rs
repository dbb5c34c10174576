//! The `sqlwarden` program: the command line and every wire format (text, concise,
//! grouped, JSON, SARIF, GitHub annotations, Azure Pipelines, GitLab Code Quality, JUnit). The only crate that knows those formats; the analysis hands it
//! diagnostics and source files.

mod baseline;
mod check;
mod cli;
mod format;
pub mod lsp;
mod report;
mod rules_cmd;
mod settings;
mod status;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

pub use status::ExitStatus;

/// Parses the process's arguments, runs the command and returns its exit status.
pub fn main() -> ExitCode {
    install_panic_hook();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // Usage errors exit 2; `--help` and `--version` print to stdout and exit 0.
            let _ = error.print();
            return if error.use_stderr() {
                ExitStatus::Failure.into()
            } else {
                ExitStatus::Clean.into()
            };
        }
    };
    run(&cli).into()
}

fn run(cli: &cli::Cli) -> ExitStatus {
    let result = match &cli.command {
        cli::Command::Check(args) => check::check(args),
        cli::Command::Rule { code } => rules_cmd::rule(code).map(print),
        cli::Command::Rules => Ok(print(rules_cmd::rules())),
        cli::Command::Server(_) => lsp::run_stdio().map(|ended| match ended {
            lsp::Ended::Shutdown | lsp::Ended::InputClosed => ExitStatus::Clean,
            lsp::Ended::ExitWithoutShutdown => ExitStatus::ExitWithoutShutdown,
        }),
        cli::Command::Completions { shell } => {
            let mut command = <cli::Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut command, "sqlwarden", &mut out);
            Ok(print(String::from_utf8_lossy(&out).into_owned()))
        }
        cli::Command::Manpage => {
            let command = <cli::Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut out)
                .map_err(|error| format!("cannot render the manual page: {error}"))
                .map(|()| print(String::from_utf8_lossy(&out).into_owned()))
        }
    };
    match result {
        Ok(status) => status,
        Err(message) => {
            eprintln!("sqlwarden: error: {message}");
            ExitStatus::Failure
        }
    }
}

fn print(text: String) -> ExitStatus {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()) {
        Ok(()) => ExitStatus::Clean,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitStatus::Clean,
        Err(error) => {
            eprintln!("sqlwarden: error: cannot write to standard output: {error}");
            ExitStatus::Failure
        }
    }
}

/// The last resort: a panic is a bug, never the user's fault, so say so plainly and exit
/// with status 2 ("could not run") rather than 101.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_string());
        eprintln!(
            "sqlwarden: internal error{location}: {payload}\n\
             This is a bug in sqlwarden, not in your project; please report it with the input that caused it."
        );
        std::process::exit(i32::from(ExitStatus::Failure.code()));
    }));
}
