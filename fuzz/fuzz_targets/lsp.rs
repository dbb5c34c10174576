//! The language server: a sequence of JSON-RPC messages (each arbitrary JSON, or one of
//! a few well-formed requests with arbitrary parameters) over an in-memory connection,
//! after a proper `initialize`. The server must answer or ignore each and never panic.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use lsp_server::{Connection, Message, Notification, Request, RequestId};

#[derive(Arbitrary, Debug)]
enum Step {
    Raw(String),
    Request { method: u8, params: String },
    Notify { method: u8, params: String },
}

const REQUESTS: &[&str] = &[
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/codeAction",
    "textDocument/documentSymbol",
    "workspace/symbol",
    "shutdown",
    "unknown/method",
];
const NOTIFICATIONS: &[&str] = &[
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didClose",
    "workspace/didChangeWatchedFiles",
    "workspace/didChangeConfiguration",
    "$/cancelRequest",
    "exit",
];

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or(serde_json::Value::String(text.to_owned()))
}

fuzz_target!(|steps: Vec<Step>| {
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let _ = std::fs::write(
        dir.path().join("a.sql"),
        "GRANT SELECT ON dbo.t TO public;\nGO\n",
    );
    let (server, client) = Connection::memory();
    let thread = std::thread::spawn(move || sqlwarden::lsp::serve(server));
    let root = format!("file://{}", dir.path().display());
    let init = Request::new(
        RequestId::from(0),
        "initialize".to_owned(),
        serde_json::json!({ "capabilities": {}, "rootUri": root }),
    );
    let _ = client.sender.send(Message::Request(init));
    let _ = client.receiver.recv();
    let _ = client.sender.send(Message::Notification(Notification::new(
        "initialized".to_owned(),
        serde_json::json!({}),
    )));
    for (i, step) in steps.into_iter().take(32).enumerate() {
        let message = match step {
            Step::Raw(text) => match serde_json::from_str::<Message>(&text) {
                Ok(message) => message,
                Err(_) => continue,
            },
            Step::Request { method, params } => Message::Request(Request::new(
                RequestId::from(i as i32 + 1),
                REQUESTS[method as usize % REQUESTS.len()].to_owned(),
                json(&params),
            )),
            Step::Notify { method, params } => Message::Notification(Notification::new(
                NOTIFICATIONS[method as usize % NOTIFICATIONS.len()].to_owned(),
                json(&params),
            )),
        };
        if client.sender.send(message).is_err() {
            break;
        }
    }
    // Closing the connection ends the server; it must end without a panic.
    drop(client);
    let outcome = thread.join();
    assert!(outcome.is_ok(), "the server panicked");
});
