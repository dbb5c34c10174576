//! The exit status, as a type: what a CI job or script reads from sqlwarden.

use std::process::ExitCode;

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing at or above the `--fail-on` threshold (or `--exit-zero` was given).
    Clean,
    /// At least one finding at or above the threshold.
    Findings,
    /// The tool could not run: a bad argument, configuration or path, or an IO error.
    Failure,
    /// The language server was told `exit` without `shutdown` first: the protocol asks
    /// for status 1.
    ExitWithoutShutdown,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Clean => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Failure => 2,
            ExitStatus::ExitWithoutShutdown => 1,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        ExitCode::from(status.code())
    }
}
