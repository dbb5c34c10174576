//! The command line as a CI job uses it: exit statuses, `--fail-on`, `--exit-zero`,
//! `--output`, rule selection, variables, baselines, errors that stop a run (status 2
//! with a message naming the file), and `rule`/`rules`.

use std::path::Path;

use serde_json::Value;
use sqlwarden_tests::{Program, Run};
use tempfile::TempDir;

fn program() -> Program {
    Program::new(env!("CARGO_BIN_EXE_sqlwarden-under-test"))
}

/// A folder holding `files` (path, text).
fn project(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let path = dir.path().join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(path, text).expect("file written");
    }
    dir
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

    let run = check(clean.path(), &["--output", "no/such/dir/out.txt"]);
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
