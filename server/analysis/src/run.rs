//! One whole run, as the command line needs it: load the projects, analyse them, apply
//! suppressions and then the configuration (whose `select`/`ignore` already hold the
//! command line's), and sort the findings into output order. The analysis is
//! [`crate::host`]'s, the one the language server runs after every edit.

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::host::Host;
use crate::load::{LoadError, load};
use crate::project::{LoadOptions, Workspace};

/// What a run produced: everything it read, and its findings in output order.
#[derive(Debug)]
pub struct Outcome {
    pub workspace: Workspace,
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads and analyses `paths`. An error means the tool could not run (a path that does
/// not exist, a bad configuration file, a bad option); its message names the file.
pub fn run(paths: &[PathBuf], options: &LoadOptions) -> Result<Outcome, LoadError> {
    let workspace = load(paths, options)?;
    // The same incremental analysis the language server keeps, run once: loading's
    // findings (SQL002, SQL004) and the rules', through suppressions (before the
    // configuration, so that a suppression of a code the configuration turns off still
    // counts as used) and the configuration, sorted, each once.
    let mut host = Host::new(workspace);
    host.analyze();
    let diagnostics = host.all_diagnostics();
    Ok(Outcome {
        workspace: host.workspace().clone(),
        diagnostics,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Code;

    #[test]
    fn a_missing_path_is_an_error_naming_it() {
        let error = run(
            &[PathBuf::from("/no/such/sqlwarden/path")],
            &LoadOptions::default(),
        )
        .expect_err("missing path");
        assert!(
            error.to_string().contains("/no/such/sqlwarden/path"),
            "{error}"
        );
    }

    #[test]
    fn the_command_line_selection_filters_and_output_is_sorted() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("b.sql"), "SELECT FROM WHERE;\n").expect("write");
        std::fs::write(dir.path().join("a.sql"), "SELECT FROM WHERE;\n").expect("write");
        let all = run(&[dir.path().to_path_buf()], &LoadOptions::default()).expect("runs");
        let paths: Vec<_> = all
            .diagnostics
            .iter()
            .map(|d| all.workspace.files.get(d.location.file).path.clone())
            .collect();
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted);
        let options = LoadOptions {
            ignore: vec!["SQL001".into()],
            ..LoadOptions::default()
        };
        let none = run(&[dir.path().to_path_buf()], &options).expect("runs");
        assert!(none.diagnostics.iter().all(|d| d.code != Code::Sql001));
    }
}
