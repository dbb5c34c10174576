//! One whole run, as the command line needs it: load the projects, analyse them, apply
//! suppressions and then the configuration (whose `select`/`ignore` already hold the
//! command line's), and sort the findings into output order.

use std::path::PathBuf;

use crate::diagnostic::{self, Diagnostic};
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
    // Loading reports its findings (SQL002, SQL004) into the workspace; the rules report
    // the rest.
    let mut diagnostics = workspace.diagnostics.clone();
    diagnostics.extend(crate::check::analyze(&workspace));
    // Suppressions first, so that a suppression of a code the configuration turns off
    // still counts as used (see `suppression`).
    let diagnostics = crate::suppression::apply(&workspace, diagnostics);
    let mut diagnostics = crate::config::apply(&workspace.config, &workspace.files, diagnostics);
    diagnostic::sort(&mut diagnostics, &workspace.files);
    // A workspace-level finding reported by a rule that runs once per project must still
    // appear once.
    diagnostics.dedup();
    Ok(Outcome {
        workspace,
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
