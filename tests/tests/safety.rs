//! sqlwarden never writes into the project it reads (only the files a user names with
//! `--output`, `--write-baseline` or a step summary, and, in the editor, edits the user
//! accepts, which the client applies), never runs anything it reads, and never opens a
//! network connection. The first is checked here by comparing every file of a project,
//! byte for byte with its modification time, before and after `check` in every format and
//! after a language server session that edits, asks for fixes and saves; the other two by
//! a tidy check that the shipped code names no process or socket API.

use sqlwarden_tests::{Program, copy_dir, disk_state, workspace_root};

fn program() -> Program {
    Program::new(env!("CARGO_BIN_EXE_sqlwarden-under-test"))
}

/// A copy of the README's example project with a configuration file beside it.
fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = workspace_root().join("examples/Payroll");
    copy_dir(&source, dir.path());
    std::fs::write(
        dir.path().join("sqlwarden.toml"),
        "default-schema = \"dbo\"\n",
    )
    .expect("config");
    dir
}

#[test]
fn check_in_every_format_writes_nothing_into_the_project() {
    let project = example();
    let baseline = tempfile::tempdir().expect("temp dir");
    let written = baseline.path().join("baseline.json");
    let run = program().run(
        project.path(),
        &[
            "check",
            ".",
            "--write-baseline",
            written.to_str().expect("a path"),
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let before = disk_state(project.path());
    assert!(before.len() > 10, "the example is there: {before:?}");
    for format in ["text", "json", "sarif", "github", "junit"] {
        let run = program().run(project.path(), &["check", ".", "--format", format]);
        assert!(
            run.status == 0 || run.status == 1,
            "{format}: {}",
            run.stderr
        );
        assert!(!run.stdout.is_empty(), "{format} printed its report");
    }
    let run = program().run(
        project.path(),
        &[
            "check",
            ".",
            "--baseline",
            written.to_str().expect("a path"),
            "--statistics",
            "-v",
        ],
    );
    assert!(run.status == 0 || run.status == 1, "{}", run.stderr);
    assert_eq!(disk_state(project.path()), before);
}

/// The code that ships (`server/`) names no API that starts a process or opens a
/// socket: what sqlwarden reads is only ever parsed.
#[test]
fn shipped_code_neither_runs_programs_nor_opens_connections() {
    // Rust paths, not words: the C# rules name .NET's `TcpListener` in strings.
    let forbidden = [
        "process::Command",
        "Command::new",
        "std::net",
        "TcpStream::",
        "UdpSocket::",
        "TcpListener::",
        "unix::net",
        "libc::exec",
        "libc::system",
        "libc::fork",
    ];
    let mut seen = 0;
    let mut found = Vec::new();
    let mut todo = vec![workspace_root().join("server")];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).expect("a folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && path.file_name().is_some_and(|n| n != "tests.rs")
            {
                seen += 1;
                let text = std::fs::read_to_string(&path).expect("source");
                // Unit tests may run programs (`mkfifo`): they do not ship.
                let text = text.split("#[cfg(test)]").next().unwrap_or_default();
                for (n, line) in text.lines().enumerate() {
                    if forbidden.iter().any(|f| line.contains(f)) {
                        found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(seen > 50, "only {seen} sources found");
    assert!(found.is_empty(), "{found:#?}");
}
