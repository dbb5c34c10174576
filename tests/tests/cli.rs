//! The command line as a CI job uses it: exit statuses, `--fail-on`, `--exit-zero`,
//! `--output`, rule selection, variables, baselines, errors that stop a run (status 2
//! with a message naming the file), and `rule`/`rules`; and in daily use: files given
//! alone (checked in their project), standard input, the formats for people
//! (`--output-format`, `--statistics`, hints, the summary line), `-q`/`-v`, colour,
//! `--show-settings`, `--exclude` and `.gitignore`, the GitHub step summary,
//! completions and the manual page.

use std::path::Path;

use serde_json::Value;
use sqlwarden_tests::{Program, Run};
use tempfile::TempDir;

fn program() -> Program {
    Program::new(env!("CARGO_BIN_EXE_sqlwarden-under-test"))
}

/// A folder holding `files` (path, text).
fn project(files: &[(&str, &str)]) -> TempDir {
    let bytes: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    sqlwarden_tests::project(&bytes)
}

fn check(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["check", "."];
    all.extend_from_slice(args);
    program().run(dir, &all)
}

/// The codes of a JSON report, in order.
fn codes(run: &Run) -> Vec<String> {
    let value: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|error| panic!("not JSON ({error}): {}\n{}", run.stdout, run.stderr));
    value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or("").to_string())
        .collect()
}

const CLEAN: &str = "CREATE TABLE dbo.settings (name nvarchar(50) PRIMARY KEY);\nGO\n";
/// IMP002 (a warning) only.
const WARNING: &str =
    "CREATE USER helper WITHOUT LOGIN;\nGO\nGRANT IMPERSONATE ON USER::dbo TO helper;\nGO\n";
/// CLR010 (a note) only.
const NOTE: &str = "EXEC sp_configure 'clr enabled', 1;\nRECONFIGURE;\nGO\n";
/// SQL001 (an error).
const ERROR: &str = "SELECT * FROM WHERE x = 1;\nGO\n";

#[test]
fn a_clean_project_exits_zero_with_a_summary() {
    let dir = project(&[("tables.sql", CLEAN)]);
    let run = check(dir.path(), &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "0 errors, 0 warnings, 0 notes in 0 of 1 file\n");
}

#[test]
fn the_threshold_decides_the_exit_status() {
    let warning = project(&[("a.sql", WARNING)]);
    assert_eq!(check(warning.path(), &[]).status, 1);
    assert_eq!(check(warning.path(), &["--fail-on", "warning"]).status, 1);
    assert_eq!(check(warning.path(), &["--fail-on", "error"]).status, 0);
    assert_eq!(check(warning.path(), &["--exit-zero"]).status, 0);

    let note = project(&[("a.sql", NOTE)]);
    let run = check(note.path(), &["--format", "json"]);
    assert_eq!(codes(&run), vec!["CLR010"]);
    assert_eq!(run.status, 0, "a note is below the default threshold");
    assert_eq!(check(note.path(), &["--fail-on", "note"]).status, 1);

    let error = project(&[("a.sql", ERROR)]);
    assert_eq!(check(error.path(), &["--fail-on", "error"]).status, 1);
    assert_eq!(
        check(error.path(), &["--fail-on", "error", "--exit-zero"]).status,
        0
    );
}

#[test]
fn output_goes_to_the_named_file() {
    let dir = project(&[("a.sql", WARNING)]);
    let out = dir.path().join("out/report.json");
    std::fs::create_dir_all(dir.path().join("out")).expect("folder");
    let run = check(
        dir.path(),
        &["--format", "json", "--output", "out/report.json"],
    );
    assert_eq!(run.status, 1);
    assert_eq!(run.stdout, "");
    let written = std::fs::read_to_string(out).expect("report written");
    let value: Value = serde_json::from_str(&written).expect("JSON");
    assert_eq!(value["findings"][0]["code"], "IMP002");
    assert_eq!(value["findings"][0]["file"], "a.sql");
    assert_eq!(value["findings"][0]["start"]["line"], 3);
}

#[test]
fn the_command_line_wins_over_the_config_file() {
    let dir = project(&[
        ("a.sql", &format!("{WARNING}{NOTE}")),
        ("sqlwarden.toml", "select = [\"IMP\"]\n"),
    ]);
    assert_eq!(
        codes(&check(dir.path(), &["--format", "json"])),
        vec!["IMP002"]
    );
    assert_eq!(
        codes(&check(dir.path(), &["--format", "json", "--select", "CLR"])),
        vec!["CLR010"],
        "--select replaces the file's select"
    );
    let ignoring = project(&[
        ("a.sql", &format!("{WARNING}{NOTE}")),
        ("sqlwarden.toml", "ignore = [\"IMP002\"]\n"),
    ]);
    assert_eq!(
        codes(&check(ignoring.path(), &["--format", "json"])),
        vec!["CLR010"]
    );
}

#[test]
fn command_line_selection() {
    let dir = project(&[("a.sql", &format!("{WARNING}{NOTE}"))]);
    assert_eq!(
        codes(&check(dir.path(), &["--format", "json"])),
        vec!["IMP002", "CLR010"]
    );
    assert_eq!(
        codes(&check(dir.path(), &["--format", "json", "--select", "CLR"])),
        vec!["CLR010"]
    );
    assert_eq!(
        codes(&check(
            dir.path(),
            &["--format", "json", "--ignore", "CLR010,IMP"]
        )),
        Vec::<String>::new()
    );
    let run = check(dir.path(), &["--select", "XYZ9"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("XYZ9"), "{}", run.stderr);
}

#[test]
fn variables_from_the_command_line() {
    let dir = project(&[("a.sql", "GRANT SELECT ON dbo.t TO [$(Reader)];\nGO\n")]);
    let run = check(dir.path(), &["--format", "json", "--select", "SQL002"]);
    assert_eq!(codes(&run), vec!["SQL002"]);
    let run = check(
        dir.path(),
        &[
            "--format",
            "json",
            "--select",
            "SQL002",
            "--var",
            "Reader=app",
        ],
    );
    assert_eq!(codes(&run), Vec::<String>::new());
}

#[test]
fn garbage_is_reported_never_a_crash() {
    let dir = project(&[
        ("empty.sql", ""),
        ("deep.sql", &"(".repeat(20_000)),
        ("begins.sql", &"BEGIN ".repeat(5_000)),
        ("self.sql", ":r .\\self.sql\n"),
        (
            "p/p.sqlproj",
            "<Project><ItemGroup><Build Include=\"x.sql\"",
        ),
    ]);
    std::fs::write(dir.path().join("odd16.sql"), [0xFF, 0xFE, 0x41]).expect("file");
    std::fs::write(dir.path().join("badutf8.sql"), b"SELECT \xC3\x28 1;").expect("file");
    let run = check(dir.path(), &["--format", "json"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("internal error"), "{}", run.stderr);
    let value: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let found: Vec<(String, String)> = value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or("").to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    for (code, file) in [
        // Not UTF-8 and no BOM: read as Windows-1252 (SSMS's ANSI), where C3 28 is `Ã(`,
        // which does not parse.
        ("SQL001", "badutf8.sql"),
        ("SQL004", "odd16.sql"),
        ("SQL004", "p/p.sqlproj"),
        ("SQL004", "self.sql"),
        ("SQL001", "deep.sql"),
    ] {
        assert!(
            found.contains(&(code.to_string(), file.to_string())),
            "{code} in {file} missing from {found:?}"
        );
    }
}

#[test]
fn the_default_schema_option_resolves_one_part_names() {
    let dir = project(&[(
        "a.sql",
        "CREATE ROLE r;\nGO\nCREATE SCHEMA app;\nGO\nCREATE PROCEDURE app.p AS SELECT 1;\nGO\nGRANT EXECUTE ON p TO r;\nGO\n",
    )]);
    // `p` is `dbo.p` by default, which the project does not define.
    assert_eq!(
        codes(&check(dir.path(), &["--format", "json"])),
        vec!["PRM006"]
    );
    let run = check(dir.path(), &["--format", "json", "--default-schema", "app"]);
    assert_eq!(codes(&run), Vec::<String>::new());
    assert_eq!(check(dir.path(), &["--default-schema", ""]).status, 2);
}

/// `--encoding` chooses what a file without a BOM that is not UTF-8 is read as, and wins
/// over `encoding` in `sqlwarden.toml`; a label encoding_rs does not know stops the run.
#[test]
fn the_encoding_option_reads_legacy_files_and_wins_over_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    // `Ä` in Windows-1252 (0xC4) before a GRANT to public, on line 2.
    std::fs::write(
        dir.path().join("a.sql"),
        b"CREATE TABLE dbo.t (id int);\n-- \xC4\nGRANT SELECT ON dbo.t TO public;\n",
    )
    .expect("file written");
    // Each byte of an 8-bit code page is one character: the GRANT starts at line 3,
    // column 1 whichever code page reads line 2.
    let start_of = |run: &Run| -> Vec<Value> {
        let value: Value = serde_json::from_str(&run.stdout).expect("JSON");
        value["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["start"].clone())
            .collect()
    };
    let run = check(dir.path(), &["--format", "json"]);
    assert_eq!(codes(&run), vec!["PRM005"], "{}", run.stderr);
    std::fs::write(dir.path().join("sqlwarden.toml"), "encoding = \"utf-8\"\n").expect("config");
    let strict = check(dir.path(), &["--format", "json"]);
    assert_eq!(codes(&strict), vec!["SQL004"]);
    let flag = check(dir.path(), &["--format", "json", "--encoding", "latin1"]);
    assert_eq!(codes(&flag), vec!["PRM005"]);
    assert_eq!(start_of(&flag), start_of(&run));
    assert_eq!(
        start_of(&run),
        vec![serde_json::json!({"line": 3, "column": 1})]
    );

    let bad = check(dir.path(), &["--encoding", "klingon"]);
    assert_eq!(bad.status, 2);
    assert!(
        bad.stderr
            .contains("--encoding klingon: `klingon` is not an encoding label"),
        "{}",
        bad.stderr
    );
    std::fs::write(
        dir.path().join("sqlwarden.toml"),
        "encoding = \"klingon\"\n",
    )
    .expect("config");
    let bad = check(dir.path(), &[]);
    assert_eq!(bad.status, 2);
    assert!(
        bad.stderr
            .contains("sqlwarden.toml:1:12: `encoding`: `klingon`"),
        "{}",
        bad.stderr
    );
}

#[test]
fn errors_that_stop_the_run_exit_two_and_name_the_file() {
    let dir = project(&[("a.sql", CLEAN), ("sqlwarden.toml", "no-such-key = 1\n")]);
    let run = check(dir.path(), &[]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("sqlwarden.toml"), "{}", run.stderr);
    assert_eq!(run.stdout, "");

    let clean = project(&[("a.sql", CLEAN)]);
    let run = program().run(clean.path(), &["check", "no/such/folder"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("no/such/folder"), "{}", run.stderr);

    let run = check(clean.path(), &["--config", "missing.toml"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("missing.toml"), "{}", run.stderr);

    let run = check(clean.path(), &["--baseline", "missing.json"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("missing.json"), "{}", run.stderr);

    let run = check(clean.path(), &["--format", "yaml"]);
    assert_eq!(run.status, 2, "a usage error");

    // A folder where the output file should go cannot be written over.
    std::fs::create_dir_all(clean.path().join("taken/out.txt")).expect("folder");
    let run = check(clean.path(), &["--output", "taken/out.txt"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("out.txt"), "{}", run.stderr);
}

#[test]
fn baselines_hide_old_findings_even_when_lines_move() {
    let dir = project(&[("a.sql", WARNING)]);
    let run = check(dir.path(), &["--write-baseline", "baseline.json"]);
    assert_eq!(run.status, 0, "writing a baseline accepts today's findings");
    let baseline: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("baseline.json")).expect("baseline"),
    )
    .expect("JSON");
    assert_eq!(baseline["findings"][0]["code"], "IMP002");
    assert_eq!(baseline["findings"][0]["file"], "a.sql");

    let run = check(
        dir.path(),
        &["--baseline", "baseline.json", "--format", "json"],
    );
    assert_eq!(run.status, 0);
    assert_eq!(codes(&run), Vec::<String>::new());

    // Lines added above the old finding, and a new finding below it.
    let moved = format!(
        "-- A header added later.\n\n{WARNING}CREATE USER other WITHOUT LOGIN;\nGO\nGRANT IMPERSONATE ON USER::dbo TO other;\nGO\n"
    );
    std::fs::write(dir.path().join("a.sql"), moved).expect("edited");
    let run = check(
        dir.path(),
        &["--baseline", "baseline.json", "--format", "json"],
    );
    assert_eq!(run.status, 1);
    let value: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let findings = value["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1, "{}", run.stdout);
    assert_eq!(findings[0]["start"]["line"], 9);
}

#[test]
fn baselines_match_wherever_the_check_runs_from() {
    let dir = project(&[("db/a.sql", WARNING)]);
    let db = dir.path().join("db");
    let run = program().run(&db, &["check", ".", "--write-baseline", "../baseline.json"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    // The same folder checked from its parent: paths in the output differ (db/a.sql),
    // the fingerprints do not.
    let run = check(dir.path(), &[]);
    assert_eq!(run.status, 1);
    let run = program().run(
        dir.path(),
        &[
            "check",
            "db",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert_eq!(codes(&run), Vec::<String>::new());
}

#[test]
fn colour_only_when_asked() {
    let dir = project(&[("a.sql", WARNING)]);
    assert!(!check(dir.path(), &[]).stdout.contains('\x1b'));
    assert!(
        check(dir.path(), &["--color", "always"])
            .stdout
            .contains('\x1b')
    );
    assert!(
        !check(dir.path(), &["--color", "always", "--no-color"])
            .stdout
            .contains('\x1b')
    );
}

#[test]
fn rule_prints_documentation() {
    let run = program().run(Path::new("."), &["rule", "imp002"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("IMP002 impersonate-permission (warning)\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.to_lowercase().contains("what it does"));

    let run = program().run(Path::new("."), &["rule", "NOPE1"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("NOPE1"));
}

#[test]
fn rules_lists_every_registered_rule() {
    let run = program().run(Path::new("."), &["rules"]);
    assert_eq!(run.status, 0);
    let line = run
        .stdout
        .lines()
        .find(|line| line.starts_with("IMP002"))
        .expect("IMP002 listed");
    assert!(
        line.contains("impersonate-permission") && line.contains("warning"),
        "{line}"
    );
    assert_eq!(
        run.stdout.lines().count(),
        program().registered_codes().len(),
        "one line per rule"
    );
}

/// The (code, file, line) of every finding of a JSON report.
fn places(run: &Run) -> Vec<(String, String, u64)> {
    let value: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|error| panic!("not JSON ({error}): {}\n{}", run.stdout, run.stderr));
    value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or("").to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
                f["start"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// The issue's case: checked alone, RaiseSalary.sql reports the PRM002 that the whole
/// project reports in it (its grant is in Security/Grants.sql, the table's owner in
/// Security/Schemas.sql) and nothing else. Checked on its own, the file would miss the
/// PRM002 and report the names it uses as unresolved.
#[test]
fn a_file_given_alone_is_checked_in_the_project_that_owns_it() {
    let root = sqlwarden_tests::workspace_root();
    let file = "examples/Payroll/Procedures/RaiseSalary.sql";
    let run = program().run(&root, &["check", file, "--format", "json"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(places(&run), [("PRM002".to_string(), file.to_string(), 9)]);
    let value: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let related: Vec<&str> = value["findings"][0]["related"]
        .as_array()
        .expect("related")
        .iter()
        .filter_map(|r| r["file"].as_str())
        .collect();
    assert!(
        related.contains(&"examples/Payroll/Security/Grants.sql"),
        "related locations anywhere in the project: {related:?}"
    );
    // The summary counts the file given, not the project's other files that were read.
    assert_eq!(value["summary"]["files_checked"], 1);
    let text = program().run(&root, &["check", file]);
    assert!(
        text.stdout
            .ends_with("1 error, 0 warnings, 0 notes in 1 of 1 file (PRM002)\n"),
        "{}",
        text.stdout
    );

    // Every file of the project, alone, reports exactly the project's findings in it.
    let whole = places(&program().run(&root, &["check", "examples/Payroll", "--format", "json"]));
    for file in [
        "examples/Payroll/Procedures/RaiseSalary.sql",
        "examples/Payroll/Procedures/Search.sql",
        "examples/Payroll/Security/Grants.sql",
        "examples/Payroll/Security/Principals.sql",
        "examples/Payroll/Scripts/Script.PostDeployment.sql",
    ] {
        let alone = places(&program().run(&root, &["check", file, "--format", "json"]));
        let expected: Vec<_> = whole.iter().filter(|p| p.1 == file).cloned().collect();
        assert_eq!(alone, expected, "{file}");
    }
    // Two files at once: the findings of both, and nothing from the .sqlproj.
    let both = places(&program().run(
        &root,
        &[
            "check",
            "examples/Payroll/Procedures/RaiseSalary.sql",
            "examples/Payroll/Procedures/Search.sql",
            "--format",
            "json",
        ],
    ));
    let codes: Vec<&str> = both.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(codes, ["PRM002", "IMP001", "IMP004"]);
}

/// A script that no `.sqlproj` claims is checked with the loose scripts of its workspace
/// (here the folder holding `.git`): the user it grants to is created in another file.
#[test]
fn a_loose_script_given_alone_is_checked_with_its_folder() {
    let dir = project(&[
        ("a.sql", "CREATE USER helper WITHOUT LOGIN;\nGO\n"),
        (
            "sub/b.sql",
            "GRANT IMPERSONATE ON USER::dbo TO helper;\nGO\n",
        ),
        ("other.sql", WARNING),
    ]);
    std::fs::create_dir_all(dir.path().join(".git")).expect("folder");
    let run = program().run(dir.path(), &["check", "sub/b.sql", "--format", "json"]);
    assert_eq!(places(&run), [("IMP002".into(), "sub/b.sql".into(), 1)]);
    // From inside the folder, the path is relative to it.
    let run = program().run(
        &dir.path().join("sub"),
        &["check", "b.sql", "--format", "json"],
    );
    assert_eq!(
        codes(&run),
        ["IMP002"],
        "no PRM006: helper is created in a.sql"
    );
}

/// `-` reads the script from standard input; with `--stdin-filename` it stands in for
/// that file's text in that file's project (as editors and pre-commit send unsaved text).
#[test]
fn standard_input_stands_for_the_named_file() {
    let dir = project(&[
        ("a.sql", "CREATE USER helper WITHOUT LOGIN;\nGO\n"),
        ("sub/b.sql", "SELECT 1;\n"),
    ]);
    std::fs::create_dir_all(dir.path().join(".git")).expect("folder");
    let text = "GRANT IMPERSONATE ON USER::dbo TO helper;\nGO\nGRANT IMPERSONATE ON USER::dbo TO helper;\n";
    let run = program().run_with(
        dir.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "sub/b.sql",
            "--format",
            "json",
        ],
        Some(text),
        &[],
    );
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(
        places(&run),
        [
            ("IMP002".into(), "sub/b.sql".into(), 1),
            ("IMP002".into(), "sub/b.sql".into(), 3)
        ]
    );
    // Without a file name the script is checked on its own, shown as `-`.
    let run = program().run_with(
        dir.path(),
        &["check", "-", "--format", "concise", "--select", "PRM005"],
        Some("GRANT SELECT ON t TO public;\n"),
        &[],
    );
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("-:1:1: warning[PRM005] SELECT on `t`"),
        "{}",
        run.stdout
    );
    let run = program().run(dir.path(), &["check", "--stdin-filename", "sub/b.sql"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("add `-`"), "{}", run.stderr);
}

#[test]
fn nothing_to_check_is_a_warning_and_status_two() {
    let dir = project(&[("README.md", "no scripts here\n")]);
    let run = check(dir.path(), &[]);
    assert_eq!(run.status, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "sqlwarden: warning: nothing to check: no `.sql` files under `.`\n"
    );
    // One empty folder beside one with scripts: a warning, and the run goes on.
    let dir = project(&[("a.sql", CLEAN), ("empty/README.md", "")]);
    let run = program().run(dir.path(), &["check", ".", "empty"]);
    assert_eq!(run.status, 0);
    assert_eq!(
        run.stderr,
        "sqlwarden: warning: no `.sql` files under `empty`\n"
    );
}

/// The IMP002 message of [`WARNING`], as the analysis words it.
fn warning_message(dir: &Path) -> String {
    let run = check(dir, &["--format", "json"]);
    let value: Value = serde_json::from_str(&run.stdout).expect("JSON");
    value["findings"][0]["message"]
        .as_str()
        .expect("message")
        .to_string()
}

#[test]
fn concise_and_grouped_output() {
    let dir = project(&[("a.sql", WARNING), ("b/c.sql", NOTE)]);
    let message = warning_message(dir.path());
    let run = check(dir.path(), &["--output-format", "concise"]);
    assert_eq!(run.status, 1);
    let note = "CLR010";
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert_eq!(lines[0], format!("a.sql:3:1: warning[IMP002] {message}"));
    assert!(
        lines[1].starts_with(&format!("b/c.sql:1:1: note[{note}] ")),
        "{}",
        lines[1]
    );
    assert_eq!(
        lines[2],
        "0 errors, 1 warning, 1 note in 2 of 2 files (CLR010, IMP002)"
    );
    // `--format` is the short spelling of the same option.
    assert_eq!(
        check(dir.path(), &["--format", "concise"]).stdout,
        run.stdout
    );

    let run = check(dir.path(), &["--output-format", "grouped"]);
    let expected_start =
        format!("a.sql:\n  3:1 warning[IMP002] {message}\n\nb/c.sql:\n  1:1 note[CLR010] ");
    assert!(run.stdout.starts_with(&expected_start), "{}", run.stdout);
    assert!(
        run.stdout
            .ends_with("\n\n0 errors, 1 warning, 1 note in 2 of 2 files (CLR010, IMP002)\n")
    );
}

#[test]
fn statistics_count_findings_per_rule() {
    let two = format!("{WARNING}GRANT IMPERSONATE ON USER::dbo TO helper;\nGO\n");
    let dir = project(&[("a.sql", &two), ("b.sql", NOTE)]);
    let run = check(dir.path(), &["--statistics"]);
    assert_eq!(run.status, 1);
    assert_eq!(
        run.stdout,
        "2  IMP002  impersonate-permission  warning\n\
         1  CLR010  clr-enabled             note\n\
         0 errors, 2 warnings, 1 note in 2 of 2 files (IMP002 ×2, CLR010)\n"
    );
    // With a machine format the document stays whole and the counts go to stderr.
    let run = check(dir.path(), &["--statistics", "--format", "json"]);
    assert_eq!(codes(&run).len(), 3);
    assert_eq!(
        run.stderr,
        "2  IMP002  impersonate-permission  warning\n1  CLR010  clr-enabled             note\n"
    );
}

/// Text names each finding's rule, gives the hint once per code, summarises the parse
/// errors after the security findings, and its summary line names the rules.
#[test]
fn text_names_rules_hints_once_and_summarises_parse_errors_last() {
    let two = format!("{WARNING}GRANT IMPERSONATE ON USER::dbo TO helper;\nGO\n");
    let dir = project(&[("a.sql", ERROR), ("b.sql", &two), ("c.sql", ERROR)]);
    let run = check(dir.path(), &[]);
    assert_eq!(run.status, 1);
    let text = &run.stdout;
    assert_eq!(
        text.matches("warning[IMP002 impersonate-permission]: ")
            .count(),
        2,
        "{text}"
    );
    assert_eq!(
        text.matches("= note: `sqlwarden rule IMP002` explains this rule; to accept a finding, put `-- sqlwarden-ignore IMP002: reason` on the line before its statement, or add \"IMP002\" to `ignore` in sqlwarden.toml").count(),
        1,
        "{text}"
    );
    assert!(
        !text.contains("error[SQL001"),
        "parse errors have no frames: {text}"
    );
    let tail = "SQL001 syntax-error: sqlwarden could not parse 2 statements in 2 files; they and what depends on them were not analysed (`--select SQL001` shows each in full):\n  \
                a.sql:1:23\n  \
                c.sql:1:23\n\
                \n\
                2 errors, 2 warnings, 0 notes in 3 of 3 files (IMP002 ×2, SQL001 ×2)\n";
    assert!(text.ends_with(tail), "{text}");
    assert!(text.find("IMP002").unwrap_or(usize::MAX) < text.find("SQL001").unwrap_or(0));

    // `--select SQL001` shows each in full, with the message saying what is known.
    let run = check(dir.path(), &["--select", "SQL001"]);
    assert!(run.stdout.contains("sqlwarden could not parse this statement (unexpected `=`), so it and what depends on it were not analysed.\n --> a.sql:1:23"), "{}", run.stdout);
}

#[test]
fn quiet_prints_only_findings_and_verbose_says_what_was_checked() {
    let dir = project(&[("a.sql", WARNING)]);
    let message = warning_message(dir.path());
    let run = check(dir.path(), &["-q", "--format", "concise"]);
    assert_eq!(run.status, 1);
    assert_eq!(
        run.stdout,
        format!("a.sql:3:1: warning[IMP002] {message}\n")
    );
    let run = check(dir.path(), &["-q"]);
    assert!(!run.stdout.contains("sqlwarden rule"), "{}", run.stdout);
    assert!(!run.stdout.contains("1 warning"), "{}", run.stdout);
    assert_eq!(run.stderr, "");

    let run = check(dir.path(), &["-v", "--format", "json"]);
    assert!(
        run.stderr
            .contains("sqlwarden: 1 project(s), 1 file(s) read, 1 parsed, in "),
        "{}",
        run.stderr
    );
    assert_eq!(check(dir.path(), &["-q", "-v"]).status, 2, "a usage error");
}

#[test]
fn colour_follows_force_color_and_no_color() {
    let dir = project(&[("a.sql", WARNING)]);
    let run = |env: &[(&str, &str)]| program().run_with(dir.path(), &["check", "."], None, env);
    assert!(!run(&[]).stdout.contains('\x1b'), "not a terminal");
    assert!(run(&[("FORCE_COLOR", "1")]).stdout.contains('\x1b'));
    assert!(
        !run(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")])
            .stdout
            .contains('\x1b')
    );
    assert!(
        !run(&[("FORCE_COLOR", "")]).stdout.contains('\x1b'),
        "empty is unset"
    );
    let never = program().run_with(
        dir.path(),
        &["check", ".", "--color", "never"],
        None,
        &[("FORCE_COLOR", "1")],
    );
    assert!(!never.stdout.contains('\x1b'), "the flag wins");
}

#[test]
fn show_settings_prints_each_value_and_its_source() {
    let dir = project(&[
        ("a.sql", WARNING),
        (
            "sqlwarden.toml",
            "select = [\"IMP\"]\nexclude = [\"legacy\"]\n",
        ),
    ]);
    let run = check(
        dir.path(),
        &["--show-settings", "--ignore", "IMP003", "--var", "Env=prod"],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let config = std::fs::canonicalize(dir.path().join("sqlwarden.toml")).expect("path");
    let config = config.display();
    let expected = format!(
        "# configuration file: {config} (found upward from the first path)\n\
         select = [\"IMP\"]  # {config}\n\
         ignore = [\"IMP003\"]  # the command line\n\
         exclude = [\"legacy\"]  # {config}\n\
         default-schema = \"dbo\" (or the .sqlproj's DefaultSchema)  # the default\n\
         encoding = \"windows-1252\"  # the default\n\
         variables.Env = \"prod\"  # the command line\n\
         # command line only: respect-gitignore = true, output-format = \"text\", fail-on = \"warning\"\n"
    );
    assert_eq!(run.stdout, expected);
}

#[test]
fn exclude_and_gitignore_leave_files_out() {
    let dir = project(&[
        ("a.sql", WARNING),
        ("legacy/b.sql", WARNING),
        ("generated/c.sql", WARNING),
        (".gitignore", "generated/\n"),
    ]);
    let files = |run: &Run| -> Vec<String> { places(run).into_iter().map(|p| p.1).collect() };
    assert_eq!(
        files(&check(dir.path(), &["--format", "json"])),
        ["a.sql", "legacy/b.sql"]
    );
    assert_eq!(
        files(&check(
            dir.path(),
            &["--format", "json", "--exclude", "legacy"]
        )),
        ["a.sql"]
    );
    assert_eq!(
        files(&check(
            dir.path(),
            &[
                "--format",
                "json",
                "--no-respect-gitignore",
                "--exclude",
                "legacy/*.sql"
            ]
        )),
        ["a.sql", "generated/c.sql"]
    );
}

#[test]
fn the_baseline_says_how_many_it_hid_and_output_creates_folders() {
    let dir = project(&[("a.sql", WARNING)]);
    let run = check(dir.path(), &["--write-baseline", "ci/baseline.json"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        dir.path().join("ci/baseline.json").is_file(),
        "parent folder created"
    );
    let run = check(
        dir.path(),
        &[
            "--baseline",
            "ci/baseline.json",
            "--output",
            "out/deep/report.txt",
        ],
    );
    assert_eq!(run.status, 0);
    assert_eq!(
        run.stderr,
        "sqlwarden: the baseline `ci/baseline.json` hid 1 known finding(s)\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/deep/report.txt")).expect("written"),
        "0 errors, 0 warnings, 0 notes in 0 of 1 file\n"
    );
}

#[test]
fn github_writes_a_step_summary_when_asked() {
    let dir = project(&[("a.sql", WARNING)]);
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").expect("file");
    let run = program().run_with(
        dir.path(),
        &["check", ".", "--format", "github"],
        None,
        &[
            ("GITHUB_STEP_SUMMARY", summary.to_str().expect("path")),
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "o/r"),
            ("GITHUB_SHA", "abc123"),
        ],
    );
    assert_eq!(run.status, 1);
    let markdown = std::fs::read_to_string(&summary).expect("summary");
    assert!(
        markdown.starts_with(
            "earlier step\n## sqlwarden\n\n0 errors, 1 warning, 0 notes in 1 of 1 file\n\n"
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains("| IMP002 | impersonate-permission | warning | 1 |\n"),
        "{markdown}"
    );
    assert!(markdown.contains("- **IMP002** warning [`a.sql:3`](https://github.com/o/r/blob/abc123/a.sql#L3): GRANT IMPERSONATE"), "{markdown}");
    // Without the variable nothing is written anywhere.
    let run = check(dir.path(), &["--format", "github"]);
    assert!(
        run.stdout.starts_with("::warning file=a.sql,line=3,"),
        "{}",
        run.stdout
    );
}

#[test]
fn completions_and_the_manual_page() {
    let dir = project(&[]);
    let run = program().run(dir.path(), &["completions", "bash"]);
    assert_eq!(run.status, 0);
    assert!(run.stdout.contains("_sqlwarden()"), "{}", run.stdout);
    assert!(
        run.stdout.contains("--output-format"),
        "the check options complete"
    );
    let run = program().run(dir.path(), &["completions", "zsh"]);
    assert!(
        run.stdout.starts_with("#compdef sqlwarden"),
        "{}",
        run.stdout
    );
    let run = program().run(dir.path(), &["manpage"]);
    assert_eq!(run.status, 0);
    assert!(run.stdout.contains(".TH sqlwarden 1"), "{}", run.stdout);
    assert!(run.stdout.contains("security analyser"), "{}", run.stdout);
    assert_eq!(
        program().run(dir.path(), &["completions", "tcsh"]).status,
        2
    );
}

/// On a terminal (util-linux `script` gives the run one), `--color auto` colours unless
/// `TERM=dumb` or `NO_COLOR` says otherwise. Where `script` is missing the test says so
/// and checks nothing more.
#[test]
fn on_a_terminal_colour_follows_term() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("util-linux `script` is not installed: the terminal case is not run");
        return;
    }
    let dir = project(&[("a.sql", WARNING)]);
    let on_terminal = |term: &str, no_color: &str| -> String {
        let command = format!("{} check .", env!("CARGO_BIN_EXE_sqlwarden-under-test"));
        let output = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .current_dir(dir.path())
            .env("TERM", term)
            .env("NO_COLOR", no_color)
            .env_remove("FORCE_COLOR")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("script runs");
        assert_eq!(
            output.status.code(),
            Some(1),
            "the findings' status passes through"
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let xterm = on_terminal("xterm-256color", "");
    assert!(xterm.contains("IMP002"), "{xterm}");
    assert!(xterm.contains('\x1b'), "a terminal gets colour: {xterm}");
    assert!(
        !on_terminal("dumb", "").contains('\x1b'),
        "TERM=dumb has none"
    );
    assert!(
        !on_terminal("xterm-256color", "1").contains('\x1b'),
        "NO_COLOR has none"
    );
}

/// A finding in the C# of an assembly is shown in its C# line, and the hint tells how to
/// suppress it with a C# comment (a `--` comment would not compile).
#[test]
fn a_csharp_finding_is_shown_at_its_line_with_a_csharp_suppression_hint() {
    let dir = project(&[
        (
            "clr.sql",
            "-- sqlwarden-ignore-file CLR008: trust paths are tested elsewhere\n\
             CREATE ASSEMBLY Counters FROM 0x4D5A WITH PERMISSION_SET = SAFE;\nGO\n\
             CREATE FUNCTION dbo.NextId () RETURNS bigint AS EXTERNAL NAME Counters.[Counters.Ids].Next;\nGO\n",
        ),
        (
            "src/Ids.cs",
            "namespace Counters {\n    public static class Ids {\n        private static long last;\n        public static long Next() { return ++last; }\n    }\n}\n",
        ),
    ]);
    let run = check(dir.path(), &["--color", "never"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "warning[CLS002 mutable-static-field]: Counters.Ids.last is a static field that is not readonly, in assembly 'Counters' (SAFE)"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(" --> src/Ids.cs:3:29"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "put `// sqlwarden-ignore CLS002: reason` on the line before the finding's line, or add \"CLS002\" to `ignore` in sqlwarden.toml"
        ),
        "{}",
        run.stdout
    );
}
