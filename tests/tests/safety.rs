//! sqlwarden never writes into the project it reads (only the files a user names with
//! `--output`, `--write-baseline` or a step summary, and, in the editor, edits the user
//! accepts, which the client applies), never runs anything it reads, and never opens a
//! network connection. The first is checked here by comparing every file of a project,
//! byte for byte with its modification time, before and after `check` in every format and
//! after a language server session that edits, asks for fixes and saves; the other two by
//! a tidy check that the shipped code names no process or socket API.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::{Value, json};
use sqlwarden_tests::Program;

fn program() -> Program {
    Program::new(env!("CARGO_BIN_EXE_sqlwarden-under-test"))
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace root")
        .to_path_buf()
}

/// Every entry under `root`: its bytes (none for a folder) and modification time.
type Snapshot = BTreeMap<PathBuf, (Option<Vec<u8>>, SystemTime)>;

fn snapshot(root: &Path) -> Snapshot {
    let mut out = BTreeMap::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).expect("a folder") {
            let path = entry.expect("an entry").path();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            let modified = meta.modified().expect("a time");
            if meta.is_dir() {
                todo.push(path.clone());
                out.insert(path, (None, modified));
            } else {
                let bytes = std::fs::read(&path).ok();
                out.insert(path, (bytes, modified));
            }
        }
    }
    out
}

/// A copy of the README's example project, with a suppression comment, a baseline and a
/// configuration file beside it, so that every input kind is present.
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

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder");
    for entry in std::fs::read_dir(from).expect("the example") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("a copy");
        }
    }
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
    let before = snapshot(project.path());
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
    assert_eq!(snapshot(project.path()), before);
}

/// A language server session that opens files, types into them, asks for hovers,
/// references and quick fixes (whose edits it only offers), saves and closes: the files
/// on disk are as they were.
#[test]
fn a_language_server_session_writes_nothing_into_the_project() {
    use lsp_server::{Connection, Message, Notification, Request, RequestId};
    let project = example();
    let before = snapshot(project.path());
    let root = std::fs::canonicalize(project.path()).expect("canonical");
    let url = |rel: &str| format!("file://{}", root.join(rel).display());
    let (server_side, client) = Connection::memory();
    let server = std::thread::spawn(move || sqlwarden::lsp::serve(server_side));
    let mut id = 0;
    let mut request = |client: &Connection, method: &str, params: Value| -> Value {
        id += 1;
        let request_id = RequestId::from(id);
        client
            .sender
            .send(Message::Request(Request::new(
                request_id.clone(),
                method.to_owned(),
                params,
            )))
            .expect("sent");
        loop {
            match client
                .receiver
                .recv_timeout(std::time::Duration::from_secs(60))
                .expect("an answer")
            {
                Message::Response(r) if r.id == request_id => {
                    assert!(r.error.is_none(), "{method}: {r:?}");
                    return r.result.unwrap_or(Value::Null);
                }
                Message::Request(r) => client
                    .sender
                    .send(Message::Response(lsp_server::Response::new_ok(
                        r.id,
                        Value::Null,
                    )))
                    .expect("sent"),
                _ => {}
            }
        }
    };
    let notify = |client: &Connection, method: &str, params: Value| {
        client
            .sender
            .send(Message::Notification(Notification::new(
                method.to_owned(),
                params,
            )))
            .expect("sent");
    };
    request(
        &client,
        "initialize",
        json!({ "processId": null, "rootUri": format!("file://{}", root.display()),
                "capabilities": { "workspace": { "applyEdit": true } } }),
    );
    notify(&client, "initialized", json!({}));
    // The first findings say the workspace is loaded.
    loop {
        match client
            .receiver
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the first findings")
        {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => break,
            Message::Request(r) => client
                .sender
                .send(Message::Response(lsp_server::Response::new_ok(
                    r.id,
                    Value::Null,
                )))
                .expect("sent"),
            _ => {}
        }
    }
    let search = url("Procedures/Search.sql");
    let text = std::fs::read_to_string(root.join("Procedures/Search.sql")).expect("the file");
    notify(
        &client,
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": search, "languageId": "sql", "version": 1, "text": text } }),
    );
    notify(
        &client,
        "textDocument/didChange",
        json!({ "textDocument": { "uri": search, "version": 2 },
                "contentChanges": [{ "range": { "start": { "line": 0, "character": 0 },
                                                "end": { "line": 0, "character": 0 } },
                                     "text": "-- typed in the editor\n" }] }),
    );
    let position =
        json!({ "textDocument": { "uri": search }, "position": { "line": 3, "character": 10 } });
    request(&client, "textDocument/hover", position.clone());
    let mut references = position.clone();
    references["context"] = json!({ "includeDeclaration": true });
    request(&client, "textDocument/references", references);
    request(&client, "workspace/symbol", json!({ "query": "" }));
    let actions = request(
        &client,
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": search },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 60, "character": 0 } },
                "context": { "diagnostics": [] } }),
    );
    assert!(actions.is_array(), "{actions}");
    notify(
        &client,
        "textDocument/didSave",
        json!({ "textDocument": { "uri": search } }),
    );
    notify(
        &client,
        "textDocument/didClose",
        json!({ "textDocument": { "uri": search } }),
    );
    request(&client, "shutdown", Value::Null);
    notify(&client, "exit", Value::Null);
    assert_eq!(server.join().expect("no panic"), Ok(()));
    assert_eq!(snapshot(project.path()), before);
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
