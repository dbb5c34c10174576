//! `sqlwarden.toml`: rule selection, severity overrides, per-path ignores, excluded
//! globs, SQLCMD variables and the default schema. Found upward from the checked path;
//! command-line flags win over it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diagnostic::{Code, Severity};

#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The file this came from, when one was found.
    pub path: Option<PathBuf>,
    /// Codes or prefixes to report; empty means all.
    pub select: Vec<String>,
    /// Codes or prefixes never to report.
    pub ignore: Vec<String>,
    pub severity: BTreeMap<Code, Severity>,
    /// Glob (relative to the config file's folder) to codes or prefixes ignored there.
    pub per_path_ignores: Vec<(String, Vec<String>)>,
    /// Globs of files to leave out of the run.
    pub exclude: Vec<String>,
    pub variables: BTreeMap<String, String>,
    pub default_schema: Option<String>,
}
