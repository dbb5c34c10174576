//! The language server writes nothing into the project: a session that opens a file,
//! types into it, asks for hovers, references, symbols and quick fixes (whose edits it
//! only offers to the client), saves and closes leaves every file on disk as it was.
//! (`tests/tests/safety.rs` checks the same of `check`.)

use serde_json::{Value, json};
use sqlwarden_tests::disk_state;

use super::{change, insert, open, payroll, started, uri};

#[test]
fn a_language_server_session_writes_nothing_into_the_project() {
    let project = payroll();
    let root = project.path();
    let before = disk_state(root);
    let mut client = started(root);
    let search = uri(root, "Procedures/Search.sql");
    open(&mut client, root, "Procedures/Search.sql", 1);
    change(
        &mut client,
        &search,
        2,
        insert(0, 0, "-- typed in the editor\n"),
    );
    // Until the first analysis the server has nothing to offer and answers null.
    client.wait_until("the edit's findings", |c| c.version(&search) == Some(2));
    let position =
        json!({ "textDocument": { "uri": search }, "position": { "line": 3, "character": 10 } });
    let mut references = position.clone();
    references["context"] = json!({ "includeDeclaration": true });
    for (method, params) in [
        ("textDocument/hover", position),
        ("textDocument/references", references),
        ("workspace/symbol", json!({ "query": "" })),
    ] {
        let response = client.request(method, params);
        assert!(response.error.is_none(), "{method}: {response:?}");
    }
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": search },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 60, "character": 0 } },
                "context": { "diagnostics": [] } }),
    );
    assert!(
        actions.result.as_ref().is_some_and(Value::is_array),
        "{actions:?}"
    );
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": search } }),
    );
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": search } }),
    );
    client.shutdown();
    assert_eq!(disk_state(root), before);
}
