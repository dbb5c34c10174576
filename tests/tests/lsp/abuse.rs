//! The language server under abuse: thousands of random and malformed messages, requests
//! before `initialize`, edits past the end of a document, a client that disappears
//! mid-request, files deleted, renamed or replaced by a folder while open, and the exit
//! status over real stdio: 0 after `shutdown` and `exit` or when the input closes, 1 on
//! `exit` without `shutdown`, as the protocol asks.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};

use super::client::{Client, url};
use super::{capabilities, change, payroll, started, uri};

/// A small deterministic generator (xorshift64*), so that a failure can be rerun.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A JSON value of at most `depth` levels, often of the shapes LSP params have.
    fn value(&mut self, depth: u32, uris: &[String]) -> Value {
        let keys = [
            "textDocument",
            "uri",
            "position",
            "line",
            "character",
            "range",
            "start",
            "end",
            "text",
            "contentChanges",
            "version",
            "query",
            "context",
            "diagnostics",
            "settings",
            "select",
            "changes",
            "id",
            "rangeLength",
        ];
        match self.below(if depth == 0 { 6 } else { 9 }) {
            0 => Value::Null,
            1 => json!(self.below(3) == 0),
            2 => match self.below(4) {
                0 => json!(-1),
                1 => json!(u32::MAX as u64 + 7),
                2 => json!(1e300),
                _ => json!(self.below(50)),
            },
            3 => json!(self.pick(uris)),
            4 => json!(
                [
                    "",
                    "GRANT SELECT ON dbo.x TO public;",
                    "CREATE PROCEDURE",
                    "\u{0}\u{FEFF}é𝄞",
                    "$(Var) :r x.sql\nGO\n",
                    "file:///",
                    "not a uri"
                ][self.below(7)]
            ),
            5 => {
                let line = self.below(40) as i64 - 2;
                let character = self.below(200) as i64 - 2;
                json!({ "line": line, "character": character })
            }
            6 | 7 => {
                let mut object = serde_json::Map::new();
                for _ in 0..self.below(5) {
                    let key = self.pick(&keys).to_string();
                    object.insert(key, self.value(depth - 1, uris));
                }
                Value::Object(object)
            }
            _ => Value::Array(
                (0..self.below(4))
                    .map(|_| self.value(depth - 1, uris))
                    .collect(),
            ),
        }
    }
}

const METHODS: &[&str] = &[
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didClose",
    "textDocument/didSave",
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/documentSymbol",
    "textDocument/codeAction",
    "workspace/symbol",
    "workspace/didChangeWatchedFiles",
    "workspace/didChangeConfiguration",
    "$/cancelRequest",
    "$/setTrace",
    "initialize",
    "initialized",
    "textDocument/formatting",
    "sqlwarden/unknown",
    "",
];

/// 10,000 messages of random methods and params (requests, notifications and stray
/// responses) never stop the server: every request gets exactly one answer, and after
/// them it still reports the project's findings and shuts down cleanly.
#[test]
fn ten_thousand_random_messages_are_answered_and_the_server_lives_on() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let uris = vec![
        uri(root, "Security/Grants.sql"),
        uri(root, "Procedures/Search.sql"),
        uri(root, "Procedures/RaiseSalary.sql"),
        uri(root, "Nope/Missing.sql"),
        "file:///etc/hostname".to_owned(),
        "untitled:Untitled-1".to_owned(),
        "http://example.com/x.sql".to_owned(),
    ];
    let before = client.codes(&uri(root, "Procedures/RaiseSalary.sql"));
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15);
    let mut asked = Vec::new();
    for i in 0..10_000 {
        let method = dice.pick(METHODS).to_string();
        let params = dice.value(3, &uris);
        match dice.below(10) {
            0..=4 => {
                client.notify(&method, params);
            }
            5..=8 => asked.push(client.send_request(&method, params)),
            _ => client.send(Message::Response(Response::new_ok(
                RequestId::from(100_000 + i),
                params,
            ))),
        }
    }
    for id in &asked {
        // `response` waits for the answer and fails the test if none comes.
        let _ = client.response(id);
    }
    // Random settings may have changed the selection: back to the defaults.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": {} }),
    );
    // The random edits may have opened and changed the project's files in the editor's
    // memory (never on disk); closing them brings back the files on disk.
    for target in &uris[..3] {
        client.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": target } }),
        );
    }
    let raise = uri(root, "Procedures/RaiseSalary.sql");
    client.wait_until("the findings of the files on disk", |c| {
        c.codes(&raise) == before
    });
    let symbols = client.request("workspace/symbol", json!({ "query": "RaiseSalary" }));
    assert!(symbols.error.is_none(), "{symbols:?}");
    assert!(
        symbols
            .result
            .expect("symbols")
            .to_string()
            .contains("RaiseSalary"),
        "the index still answers"
    );
    client.shutdown();
}

/// Edits whose ranges lie past the end of the document, reversed, or on lines that do
/// not exist are clamped to the text, as editors do; the document stays usable.
#[test]
fn edits_past_the_end_of_the_document_are_clamped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("a.sql");
    std::fs::write(&path, "CREATE TABLE dbo.t (id int);\nGO\n").expect("file");
    let mut client = Client::start(dir.path(), capabilities(), json!({}));
    let target = url(&path);
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": target, "languageId": "sql", "version": 1,
                "text": "CREATE TABLE dbo.t (id int);\nGO\n" } }),
    );
    let edit = |start: (i64, i64), end: (i64, i64), text: &str| {
        json!([{ "range": { "start": { "line": start.0, "character": start.1 },
                            "end": { "line": end.0, "character": end.1 } }, "text": text }])
    };
    // Appended past the last line: lands at the end of the text.
    change(
        &mut client,
        &target,
        2,
        edit((500, 3), (900, 0), "GRANT SELECT ON dbo.t TO public;\n"),
    );
    client.wait_until("PRM005 at the end", |c| {
        c.codes(&target) == vec![("PRM005".to_owned(), 2)]
    });
    // A reversed range and a character past the end of its line.
    change(&mut client, &target, 3, edit((2, 400), (0, 9999), ""));
    change(&mut client, &target, 4, edit((-1, -1), (-1, -1), "-- x\n"));
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": target }, "position": { "line": 0, "character": 0 } }),
    );
    assert!(hover.error.is_none(), "{hover:?}");
    client.shutdown();
    assert_eq!(
        std::fs::read_to_string(&path).expect("file"),
        "CREATE TABLE dbo.t (id int);\nGO\n",
        "the file on disk is never written"
    );
}

/// Requests before `initialize` are answered `ServerNotInitialized` (-32002),
/// notifications before it are dropped, a second `initialize` is `InvalidRequest`, and
/// messages sent before `initialized` are handled as after it.
#[test]
fn before_initialize_requests_get_server_not_initialized() {
    let project = payroll();
    let root = project.path();
    let (server_side, mut client_side) = Connection::memory();
    let server = std::thread::spawn(move || sqlwarden::lsp::serve(server_side));
    let send = |c: &mut Connection, m: Message| c.sender.send(m).expect("running");
    send(
        &mut client_side,
        Message::Request(Request::new(
            RequestId::from(1),
            "workspace/symbol".into(),
            json!({ "query": "" }),
        )),
    );
    send(
        &mut client_side,
        Message::Notification(Notification::new("textDocument/didOpen".into(), json!({}))),
    );
    send(
        &mut client_side,
        Message::Response(Response::new_ok(RequestId::from(77), Value::Null)),
    );
    let early = client_side
        .receiver
        .recv_timeout(Duration::from_secs(30))
        .expect("an answer");
    match early {
        Message::Response(response) => {
            assert_eq!(response.id, RequestId::from(1));
            let error = response.error.expect("an error");
            assert_eq!(error.code, -32002, "ServerNotInitialized");
            assert_eq!(error.message, "workspace/symbol before initialize");
        }
        other => panic!("not a response: {other:?}"),
    }
    let mut client = Client::from_connection(
        client_side,
        server,
        json!({ "processId": null, "rootUri": url(root), "capabilities": capabilities() }),
    );
    let again = client.request("initialize", json!({ "capabilities": {} }));
    let error = again.error.expect("an error");
    assert_eq!(error.code, -32600, "InvalidRequest");
    assert_eq!(error.message, "initialize was already sent");
    client.shutdown();
}

/// A client that disappears while a request is on a worker: the server ends cleanly
/// instead of failing to send the answer.
#[test]
fn a_client_that_disappears_mid_request_ends_the_server_cleanly() {
    let project = payroll();
    let root = project.path();
    let mut client = Client::start(root, capabilities(), json!({ "testWorkerDelayMs": 300 }));
    client.wait_until("the first diagnostics", |c| !c.diagnostics.is_empty());
    let _ = client.send_request("workspace/symbol", json!({ "query": "Salar" }));
    let _ = client.send_request(
        "textDocument/references",
        json!({ "textDocument": { "uri": uri(root, "Procedures/Search.sql") },
                "position": { "line": 0, "character": 20 }, "context": { "includeDeclaration": true } }),
    );
    assert_eq!(client.close(), Ok(()));
}

/// Files deleted, renamed, replaced by a folder, or made unreadable on disk while they
/// are open: the open buffer is what counts while it is open; when it closes, the disk
/// decides, and a path that is no file any more loses its findings.
#[test]
fn files_deleted_renamed_or_made_a_folder_while_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    let grant = "CREATE TABLE dbo.t (id int);\nGO\nGRANT SELECT ON dbo.t TO public;\n";
    let paths: Vec<_> = ["gone.sql", "moved.sql", "folder.sql"]
        .iter()
        .map(|name| dir.path().join(name))
        .collect();
    for path in &paths {
        std::fs::write(path, grant).expect("file");
    }
    let mut client = Client::start(dir.path(), capabilities(), json!({}));
    let targets: Vec<String> = paths.iter().map(|p| url(p)).collect();
    client.wait_until("PRM005 in each file", |c| {
        targets
            .iter()
            .all(|t| c.codes(t) == vec![("PRM005".to_owned(), 2)])
    });
    for target in &targets {
        client.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": target, "languageId": "sql", "version": 1, "text": grant } }),
        );
    }
    std::fs::remove_file(&paths[0]).expect("delete");
    let renamed = dir.path().join("renamed.sql");
    std::fs::rename(&paths[1], &renamed).expect("rename");
    std::fs::remove_file(&paths[2]).expect("delete");
    std::fs::create_dir(&paths[2]).expect("a folder in its place");
    let changes: Vec<Value> = vec![
        json!({ "uri": targets[0], "type": 3 }),
        json!({ "uri": targets[1], "type": 3 }),
        json!({ "uri": url(&renamed), "type": 1 }),
        json!({ "uri": targets[2], "type": 2 }),
    ];
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": changes }),
    );
    // While open, each buffer still has its finding.
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": targets[2] }, "position": { "line": 2, "character": 8 } }),
    );
    assert!(hover.error.is_none(), "{hover:?}");
    let renamed_uri = url(&renamed);
    client.wait_until("the renamed file's finding", |c| {
        c.codes(&renamed_uri) == vec![("PRM005".to_owned(), 2)]
    });
    for target in &targets {
        client.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": target } }),
        );
    }
    client.wait_until("no findings for paths that are no files", |c| {
        targets.iter().all(|t| c.codes(t).is_empty())
    });
    assert!(paths[2].is_dir(), "the folder is left alone");
    assert!(!paths[0].exists(), "nothing is written back");
    client.shutdown();
}

/// The server binary over real stdio.
struct Process {
    child: std::process::Child,
}

fn frame(body: &Value) -> Vec<u8> {
    let body = body.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

impl Process {
    fn start(dir: &std::path::Path) -> Process {
        let child = Command::new(env!("CARGO_BIN_EXE_sqlwarden-under-test"))
            .arg("server")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server starts");
        Process { child }
    }

    fn write(&mut self, bytes: &[u8]) {
        let stdin = self.child.stdin.as_mut().expect("stdin");
        stdin.write_all(bytes).expect("written");
        stdin.flush().expect("flushed");
    }

    fn send(&mut self, message: Value) {
        self.write(&frame(&message));
    }

    /// Closes stdin and waits: (exit status, stdout, stderr).
    fn finish(mut self) -> (i32, String, String) {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().expect("waits") {
                let mut out = String::new();
                let mut err = String::new();
                let _ = self
                    .child
                    .stdout
                    .take()
                    .expect("stdout")
                    .read_to_string(&mut out);
                let _ = self
                    .child
                    .stderr
                    .take()
                    .expect("stderr")
                    .read_to_string(&mut err);
                assert!(!err.contains("panicked"), "{err}");
                return (status.code().unwrap_or(-1), out, err);
            }
            assert!(Instant::now() < deadline, "the server did not end");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn initialize(id: i64, dir: &std::path::Path) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "method": "initialize",
            "params": { "processId": null, "rootUri": url(dir), "capabilities": {} } })
}

fn exit() -> Value {
    json!({ "jsonrpc": "2.0", "method": "exit" })
}

/// The bodies of the messages the server wrote.
fn bodies(out: &str) -> Vec<Value> {
    out.split("Content-Length: ")
        .filter_map(|frame| frame.split_once("\r\n\r\n"))
        .map(|(_, body)| serde_json::from_str(body).expect("JSON from the server"))
        .collect()
}

#[test]
fn over_stdio_exit_after_shutdown_is_0_and_without_it_1() {
    let dir = tempfile::tempdir().expect("temp dir");

    let mut server = Process::start(dir.path());
    server.send(initialize(1, dir.path()));
    server.send(json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));
    server.send(json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }));
    server.send(exit());
    let (status, out, _) = server.finish();
    assert_eq!(status, 0);
    let answered: Vec<Value> = bodies(&out).into_iter().filter(|b| b["id"] == 2).collect();
    assert_eq!(
        answered,
        vec![json!({ "jsonrpc": "2.0", "id": 2, "result": null })]
    );

    let mut server = Process::start(dir.path());
    server.send(initialize(1, dir.path()));
    server.send(exit());
    assert_eq!(server.finish().0, 1, "exit without shutdown");

    let mut server = Process::start(dir.path());
    server.send(exit());
    assert_eq!(server.finish().0, 1, "exit before initialize");

    let mut server = Process::start(dir.path());
    server.send(initialize(1, dir.path()));
    assert_eq!(server.finish().0, 0, "the input closed");
}

/// Frames that are not JSON, not JSON-RPC, without a length, with a 1 MB header line or
/// cut short are skipped; a request whose id can be read gets an error; the server then
/// initializes as if nothing had happened.
#[test]
fn over_stdio_malformed_frames_are_skipped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = Process::start(dir.path());
    server.write(b"Content-Length: 5\r\n\r\nhello");
    server.write(b"Content-Length: nine\r\n\r\n");
    server.write(&frame(&json!({ "jsonrpc": "2.0", "id": 9, "method": 42 })));
    server.write(&frame(&json!([1, 2, 3])));
    server.write(format!("{}\r\n\r\n", "H".repeat(1 << 20)).as_bytes());
    server.write(b"Content-Length: 3\r\n\r\n\xFF\xFE\xFD");
    server
        .send(json!({ "jsonrpc": "2.0", "id": 10, "method": "textDocument/hover", "params": {} }));
    server.send(initialize(11, dir.path()));
    server.send(json!({ "jsonrpc": "2.0", "id": 12, "method": "shutdown" }));
    server.send(exit());
    let (status, out, err) = server.finish();
    assert_eq!(status, 0, "{err}");
    let by_id = |id: i64| -> Value {
        bodies(&out)
            .into_iter()
            .find(|b| b["id"] == id)
            .unwrap_or_else(|| panic!("no answer to {id}: {out}"))
    };
    assert_eq!(by_id(9)["error"]["code"], -32600, "InvalidRequest");
    assert_eq!(by_id(10)["error"]["code"], -32002, "ServerNotInitialized");
    assert_eq!(by_id(11)["result"]["serverInfo"]["name"], "sqlwarden");
    assert_eq!(by_id(12)["result"], Value::Null);
    assert!(err.contains("was skipped"), "{err}");
}
