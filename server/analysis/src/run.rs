//! One whole run, as the command line needs it: load the projects, analyse them, apply
//! suppressions and then the configuration (whose `select`/`ignore` already hold the
//! command line's), and sort the findings into output order. The analysis is
//! [`crate::host`]'s, the one the language server runs after every edit.

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::host::Host;
use crate::load::{LoadError, load};
use crate::project::{LoadOptions, Workspace};

/// What a run produced: everything it read, and its findings in output order. The
/// scripts' trees are released ([`Workspace::release_trees`]): the files, the projects
/// and the list of scripts are what a report reads.
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
    let (mut workspace, diagnostics) = host.finish();
    workspace.release_trees();
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

    /// The outcome keeps every file and says which are scripts, but not their trees.
    #[test]
    fn the_outcome_lists_the_scripts_without_their_trees() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("a.sql"),
            "CREATE TABLE dbo.t (id int);\nGRANT SELECT ON dbo.t TO public;\n",
        )
        .expect("write");
        std::fs::write(dir.path().join("b.sql"), "SELECT 1;\nSELECT 2;\n").expect("write");
        let outcome = run(&[dir.path().to_path_buf()], &LoadOptions::default()).expect("runs");
        let codes: Vec<Code> = outcome.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::Prm005]);
        assert_eq!(outcome.workspace.files.len(), 2);
        assert_eq!(outcome.workspace.scripts.len(), 2);
        assert!(
            outcome
                .workspace
                .scripts
                .values()
                .all(|parsed| parsed.statements.is_empty())
        );
        assert!(
            outcome
                .workspace
                .files
                .iter()
                .any(|(_, f)| f.text == "SELECT 1;\nSELECT 2;\n")
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

    /// `(code, line, column in characters)` of every finding, 1-based.
    fn positions(outcome: &Outcome) -> Vec<(Code, usize, usize)> {
        outcome
            .diagnostics
            .iter()
            .map(|d| {
                let file = outcome.workspace.files.get(d.location.file);
                let pos = file.line_index.utf8(d.location.range.start());
                let line = file.text.lines().nth(pos.line as usize).unwrap_or("");
                let col = line[..pos.col as usize].chars().count();
                (d.code, pos.line as usize + 1, col + 1)
            })
            .collect()
    }

    /// A file saved in a legacy code page (no BOM, not UTF-8) is read in the configured
    /// encoding, and a finding after a non-ASCII byte keeps its line and column: each
    /// byte of an 8-bit code page is one character, whatever it decodes to.
    #[test]
    fn the_configured_encoding_reads_legacy_files_and_positions_stay_right() {
        let dir = tempfile::tempdir().expect("temp dir");
        // Line 2 has two bytes of Windows-1251 text (`Щ`, `я`) before the GRANT.
        let bytes: &[u8] = b"CREATE TABLE dbo.t (id int);
/* \xD9\xFF */ GRANT SELECT ON dbo.t TO public;\n";
        std::fs::write(dir.path().join("a.sql"), bytes).expect("write");
        let paths = [dir.path().to_path_buf()];

        // The default, Windows-1252, reads the bytes as `Ù` and `ÿ`.
        let default = run(&paths, &LoadOptions::default()).expect("runs");
        assert_eq!(positions(&default), [(Code::Prm005, 2, 10)]);
        let text = &default.workspace.files.iter().next().unwrap().1.text;
        assert!(text.contains("/* Ùÿ */"), "{text}");

        // `--encoding windows-1251` reads them as Cyrillic; the finding does not move.
        let options = LoadOptions {
            encoding: Some("windows-1251".into()),
            ..LoadOptions::default()
        };
        let cyrillic = run(&paths, &options).expect("runs");
        assert_eq!(positions(&cyrillic), [(Code::Prm005, 2, 10)]);
        let text = &cyrillic.workspace.files.iter().next().unwrap().1.text;
        assert!(text.contains("/* Щя */"), "{text}");

        // `utf-8` refuses the file: SQL004 at its start, and nothing else.
        let options = LoadOptions {
            encoding: Some("UTF-8".into()),
            ..LoadOptions::default()
        };
        let strict = run(&paths, &options).expect("runs");
        assert_eq!(positions(&strict), [(Code::Sql004, 1, 1)]);
        assert!(
            strict.diagnostics[0]
                .message
                .contains("first invalid byte at offset 32"),
            "{}",
            strict.diagnostics[0].message
        );

        // The flag wins over the file; an unknown label names the flag.
        std::fs::write(
            dir.path().join(crate::config::FILE_NAME),
            "encoding = \"utf-8\"\n",
        )
        .expect("write");
        let options = LoadOptions {
            encoding: Some("cp1251".into()),
            ..LoadOptions::default()
        };
        let flag_wins = run(&paths, &options).expect("runs");
        assert_eq!(positions(&flag_wins), [(Code::Prm005, 2, 10)]);
        let from_file = run(&paths, &LoadOptions::default()).expect("runs");
        assert_eq!(positions(&from_file), [(Code::Sql004, 1, 1)]);
        let options = LoadOptions {
            encoding: Some("martian".into()),
            ..LoadOptions::default()
        };
        let error = run(&paths, &options).expect_err("bad label").to_string();
        assert!(
            error.starts_with("--encoding martian: `martian` is not an encoding label"),
            "{error}"
        );
    }
}
