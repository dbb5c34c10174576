//! Hostile and broken input given to `check`: each case names the finding or message it
//! must produce, the exit status, and that nothing panicked (a panic would print
//! "internal error" and exit 101). The inputs are built here, at the sizes the hardening
//! issue names: a 50 MB script, 10,000 nested parentheses and `BEGIN`s, a 1 MB line,
//! binary and badly encoded files, broken projects, include cycles and includes outside
//! the project, unreadable files and folders, symlink loops and a path that is not there.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;
use sqlwarden_tests::{Program, Run, project};

fn program() -> Program {
    Program::new(env!("CARGO_BIN_EXE_sqlwarden-under-test"))
}

/// A finding as the JSON report gives it: code, file, line, column and message.
#[derive(Debug, PartialEq)]
struct Found {
    code: String,
    file: String,
    line: u64,
    column: u64,
    message: String,
}

/// `check . --format json` in `dir`: its findings, after checking that it did not panic
/// and that its output is one JSON report.
fn check_json(dir: &Path, args: &[&str]) -> (Run, Vec<Found>) {
    let mut all = vec!["check", ".", "--format", "json"];
    all.extend_from_slice(args);
    let run = program().run(dir, &all);
    assert_no_panic(&run);
    let value: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr));
    let found = value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| Found {
            code: f["code"].as_str().unwrap_or("").to_owned(),
            file: f["file"].as_str().unwrap_or("").to_owned(),
            line: f["start"]["line"].as_u64().unwrap_or(0),
            column: f["start"]["column"].as_u64().unwrap_or(0),
            message: f["message"].as_str().unwrap_or("").to_owned(),
        })
        .collect();
    (run, found)
}

fn assert_no_panic(run: &Run) {
    assert_ne!(run.status, 101, "a panic: {}", run.stderr);
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("internal error"),
        "{}",
        run.stderr
    );
}

/// (code, file, line) of each finding, in report order.
fn places(found: &[Found]) -> Vec<(&str, &str, u64)> {
    found
        .iter()
        .map(|f| (f.code.as_str(), f.file.as_str(), f.line))
        .collect()
}

const TABLE: &str = "CREATE TABLE dbo.t (id int);\nGO\n";
const TO_PUBLIC: &str = "GRANT SELECT ON dbo.t TO public;\n";

/// A script of about 50 MB: procedures of realistic length, one after another in GO
/// batches, and at its very end a grant to public, which is found only when the whole
/// script was read, parsed and analysed.
#[test]
fn a_50_mb_script_is_read_to_its_last_line() {
    let mut text = String::from(TABLE);
    let body: String = (0..40)
        .map(|i| format!("    SELECT id, {i} AS n FROM dbo.t WHERE id > {i} ORDER BY id;\n"))
        .collect();
    let mut procedures = 0;
    while text.len() < 50 * 1024 * 1024 {
        procedures += 1;
        write!(
            text,
            "CREATE PROCEDURE dbo.p{procedures}\n    @id int\nAS\nBEGIN\n{body}END;\nGO\n"
        )
        .expect("a string");
    }
    let last_line = text.lines().count() as u64 + 1;
    text.push_str(TO_PUBLIC);
    let dir = project(&[("big.sql", text.as_bytes())]);
    let (run, found) = check_json(dir.path(), &[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(places(&found), vec![("PRM005", "big.sql", last_line)]);
}

/// 10,000 nested parentheses carry a parameter into dynamic SQL, and 10,000 nested
/// `BEGIN … END` hold the `EXEC`: the injection is found through both, so both were
/// parsed and lowered whole (and neither overflowed a stack).
#[test]
fn ten_thousand_nested_parentheses_and_begins_are_analysed_through() {
    let depth = 10_000;
    let text = format!(
        "{TABLE}CREATE PROCEDURE dbo.run @t nvarchar(100)\nWITH EXECUTE AS OWNER\nAS\n{}\
         DECLARE @s nvarchar(max) = N'SELECT * FROM ' + {}@t{};\nEXEC (@s);\n{}GO\n{TO_PUBLIC}",
        "BEGIN\n".repeat(depth),
        "(".repeat(depth),
        ")".repeat(depth),
        "END\n".repeat(depth),
    );
    // TABLE is lines 1-2, the header lines 3-5, the BEGINs 6 to 5 + depth.
    let exec_line = 5 + depth as u64 + 2;
    let grant_line = exec_line + depth as u64 + 2;
    let dir = project(&[("deep.sql", text.as_bytes())]);
    let (run, found) = check_json(dir.path(), &[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(
        places(&found),
        vec![
            ("IMP004", "deep.sql", exec_line),
            ("PRM005", "deep.sql", grant_line)
        ]
    );
}

/// Unbalanced nesting is one syntax error, not a crash or a hang, and the batches after
/// it are read.
#[test]
fn unbalanced_nesting_is_one_syntax_error() {
    let text = format!(
        "SELECT {};\nGO\nCREATE PROCEDURE dbo.p AS\n{}SELECT 1;\nGO\n{TABLE}{TO_PUBLIC}",
        "(".repeat(10_000),
        "BEGIN\n".repeat(10_000)
    );
    let dir = project(&[("open.sql", text.as_bytes())]);
    let (run, found) = check_json(dir.path(), &[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let grant_line = text.lines().count() as u64;
    assert_eq!(
        places(&found),
        vec![
            ("SQL001", "open.sql", 1),
            ("SQL001", "open.sql", 3),
            ("PRM005", "open.sql", grant_line)
        ]
    );
}

/// A line of 1 MB: statements one after another, the grant to public at the end of it.
/// The column counts characters, as editors do.
#[test]
fn a_1_mb_line_is_read_and_columns_count_characters() {
    let mut line = String::from("CREATE TABLE dbo.t (id int); ");
    while line.len() < 1024 * 1024 {
        line.push_str("SELECT 1 AS é; ");
    }
    let column = line.chars().count() as u64 + 1;
    line.push_str(TO_PUBLIC);
    let dir = project(&[("long.sql", line.as_bytes())]);
    let (run, found) = check_json(dir.path(), &[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(places(&found), vec![("PRM005", "long.sql", 1)]);
    assert_eq!(found[0].column, column);
}

/// Binary content (here with NUL bytes) is unreadable, reported at the file; a file not
/// UTF-8 without a BOM is read as Windows-1252; a UTF-16 file of an odd number of bytes
/// cannot be decoded. The other files are checked.
#[test]
fn binary_and_badly_encoded_files_are_named_and_the_rest_is_checked() {
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 256) as u8).collect();
    let mut odd16 = vec![0xFF, 0xFE];
    for unit in "SELECT 1;".encode_utf16() {
        odd16.extend_from_slice(&unit.to_le_bytes());
    }
    odd16.push(0x41);
    let dir = project(&[
        ("a/blob.sql", &binary),
        ("a/odd16.sql", &odd16),
        ("a/latin.sql", b"-- caf\xE9\nCREATE TABLE dbo.t (id int);\n"),
        ("b/grant.sql", TO_PUBLIC.as_bytes()),
    ]);
    let (run, found) = check_json(dir.path(), &[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(
        places(&found),
        vec![
            ("SQL004", "a/blob.sql", 1),
            ("SQL004", "a/odd16.sql", 1),
            ("PRM005", "b/grant.sql", 1)
        ]
    );
    assert_eq!(
        found[0].message,
        "a/blob.sql contains a NUL byte at offset 0 and is neither UTF-8 nor UTF-16: save it as UTF-8 or as UTF-16 with a byte-order mark"
    );
    assert_eq!(
        found[1].message,
        "a/odd16.sql has a UTF-16LE byte-order mark but an odd number of bytes"
    );
}

/// A folder with nothing to check is a warning and status 2: a CI job pointed at the
/// wrong folder must not pass.
#[test]
fn an_empty_project_is_status_2_with_a_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = program().run(dir.path(), &["check", "."]);
    assert_no_panic(&run);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr.trim_end(),
        "sqlwarden: warning: nothing to check: no `.sql` files under `.`"
    );
}

/// A `.sqlproj` that is not XML is reported at the place the XML breaks; one whose
/// `Build` items name missing files is reported at each item; the scripts of both
/// folders are still checked.
#[test]
fn broken_sqlproj_files_are_reported_at_the_fault() {
    let dir = project(&[
        ("bad/Bad.sqlproj", b"<Project>\n  <ItemGroup>\n    <Build Include=\"a.sql\"\n"),
        ("bad/a.sql", TABLE.as_bytes()),
        (
            "gone/Gone.sqlproj",
            b"<Project Sdk=\"Microsoft.Build.Sql/1.0.0\">\n  <ItemGroup>\n    <Build Include=\"missing.sql\" />\n    <None Include=\"notes.sql\" />\n  </ItemGroup>\n</Project>\n",
        ),
        ("gone/grant.sql", format!("{TABLE}{TO_PUBLIC}").as_bytes()),
    ]);
    let (run, found) = check_json(dir.path(), &[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(
        places(&found),
        vec![
            // The text ends inside the `Build` element: the error is at its end.
            ("SQL004", "bad/Bad.sqlproj", 4),
            ("SQL004", "gone/Gone.sqlproj", 3),
            ("PRM005", "gone/grant.sql", 3)
        ]
    );
    assert_eq!(
        found[0].message,
        "bad/Bad.sqlproj is not well-formed XML: unexpected end of stream"
    );
    assert_eq!(
        found[1].message,
        "gone/Gone.sqlproj: the Build item `missing.sql` names a file that does not exist"
    );
}

/// A cycle of `:r` lines is reported at the line that closes it and read once; a `:r`
/// that leaves the project (an absolute path, or `..` past the root) is not read.
#[test]
fn include_cycles_and_includes_outside_the_project() {
    let outside = tempfile::tempdir().expect("temp dir");
    let secret = outside.path().join("secret.sql");
    std::fs::write(&secret, "GRANT SELECT ON dbo.t TO public;\n").expect("file");
    let absolute = format!(":r {}\n", secret.display());
    let dir = project(&[
        ("db/one.sql", b":r two.sql\nCREATE TABLE dbo.t (id int);\n"),
        ("db/two.sql", b":r one.sql\n"),
        ("db/out.sql", absolute.as_bytes()),
        ("db/up.sql", b":r ../../../../../../../../etc/passwd\n"),
        (".git/HEAD", b"ref: refs/heads/main\n"),
    ]);
    let (run, found) = check_json(dir.path(), &[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(
        places(&found),
        vec![
            ("SQL004", "db/out.sql", 1),
            ("SQL004", "db/two.sql", 1),
            ("SQL004", "db/up.sql", 1)
        ]
    );
    let canonical = |p: &Path| std::fs::canonicalize(p).expect("canonical");
    let secret = canonical(&secret);
    let root = canonical(dir.path());
    assert_eq!(
        found[0].message,
        format!(
            "`:r {}` in db/out.sql names {}, which is outside the project ({}): it is not read",
            secret.display(),
            secret.display(),
            root.display()
        )
    );
    assert_eq!(
        found[1].message,
        "`:r one.sql` in db/two.sql would include db/one.sql while it is being included: an include cycle (db/one.sql → db/two.sql → db/one.sql)"
    );
    assert_eq!(
        found[2].message,
        format!(
            "`:r ../../../../../../../../etc/passwd` in db/up.sql names /etc/passwd, which is outside the project ({}): it is not read",
            root.display()
        )
    );
}

/// Files and folders that cannot be read are reported by name and the run goes on. As
/// root every file is readable, so the check then runs as `nobody` (util-linux's
/// `setpriv`), where the permissions hold.
#[cfg(unix)]
#[test]
fn unreadable_files_and_folders_are_named_and_the_rest_is_checked() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(&[
        ("closed.sql", TABLE.as_bytes()),
        ("shut/inner.sql", TABLE.as_bytes()),
        ("open.sql", format!("{TABLE}{TO_PUBLIC}").as_bytes()),
    ]);
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod")
    };
    mode(dir.path(), 0o755);
    mode(&dir.path().join("open.sql"), 0o644);
    mode(&dir.path().join("closed.sql"), 0o000);
    mode(&dir.path().join("shut"), 0o000);
    let args = ["check", ".", "--format", "json"];
    let run = if is_root() {
        let binary = env!("CARGO_BIN_EXE_sqlwarden-under-test");
        let mut all = vec![
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--",
            binary,
        ];
        all.extend_from_slice(&args);
        Program::new("setpriv").run(dir.path(), &all)
    } else {
        program().run(dir.path(), &args)
    };
    mode(&dir.path().join("shut"), 0o755);
    assert_no_panic(&run);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let value: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let found: Vec<(String, String, String)> = value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or("").to_owned(),
                f["file"].as_str().unwrap_or("").to_owned(),
                f["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "SQL004".into(),
                "closed.sql".into(),
                "closed.sql cannot be read: Permission denied (os error 13)".into()
            ),
            (
                "PRM005".into(),
                "open.sql".into(),
                "SELECT on `dbo.t` is granted to `public`: every user of the database gets it, including users created later and `guest` when enabled".into()
            ),
            (
                "SQL004".into(),
                "shut".into(),
                "shut cannot be read: Permission denied (os error 13)".into()
            ),
        ]
    );
}

#[cfg(unix)]
fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A folder symlink to its own parent, and two symlinks to each other, end the walk
/// instead of looping; each file is read once.
#[cfg(unix)]
#[test]
fn symlink_loops_end_the_walk() {
    let dir = project(&[("db/grant.sql", format!("{TABLE}{TO_PUBLIC}").as_bytes())]);
    std::os::unix::fs::symlink("..", dir.path().join("db/up")).expect("symlink");
    std::os::unix::fs::symlink("b.sql", dir.path().join("db/a.sql")).expect("symlink");
    std::os::unix::fs::symlink("a.sql", dir.path().join("db/b.sql")).expect("symlink");
    let (run, found) = check_json(dir.path(), &[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(
        places(&found),
        vec![
            ("SQL004", "db/a.sql", 1),
            ("SQL004", "db/b.sql", 1),
            ("PRM005", "db/grant.sql", 3)
        ]
    );
    for f in &found[..2] {
        assert_eq!(
            f.message,
            format!(
                "{} is a link that cannot be followed: Too many levels of symbolic links (os error 40)",
                f.file
            )
        );
    }
}

/// A path that does not exist stops the run with status 2 and names the path.
#[test]
fn a_path_that_does_not_exist_is_status_2_and_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = program().run(dir.path(), &["check", "no/such/place.sqlproj"]);
    assert_no_panic(&run);
    assert_eq!(run.status, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr.trim_end(),
        "sqlwarden: error: cannot read `no/such/place.sqlproj`: No such file or directory (os error 2)"
    );
}
