//! The language server's protocol, tested over an in-memory connection with the messages
//! a client exchanges: diagnostics across files, stability while typing, cancellation,
//! stale answers, malformed messages, UTF-16 positions, watched files, progress and a
//! clean shutdown.

mod abuse;
mod actions;
mod client;
mod csharp;
mod hover;
mod navigation;
mod safety;

use std::path::{Path, PathBuf};
use std::time::Duration;

use client::{Client, url};
use serde_json::{Value, json};

/// A copy of the README's example project in a temporary folder (tests never touch the
/// repository's files).
fn payroll() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/Payroll");
    sqlwarden_tests::copy_dir(&source, dir.path());
    dir
}

fn capabilities() -> Value {
    json!({
        "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } },
        "window": { "workDoneProgress": true },
        "textDocument": { "publishDiagnostics": { "relatedInformation": true, "versionSupport": true } }
    })
}

fn file(root: &Path, rel: &str) -> PathBuf {
    root.join(rel)
}

fn uri(root: &Path, rel: &str) -> String {
    url(&file(root, rel))
}

/// Starts a server on the project and waits for the first findings of the three files
/// that have them.
fn started(root: &Path) -> Client {
    let mut client = Client::start(root, capabilities(), json!({}));
    let raise = uri(root, "Procedures/RaiseSalary.sql");
    let search = uri(root, "Procedures/Search.sql");
    let post = uri(root, "Scripts/Script.PostDeployment.sql");
    client.wait_until("the first diagnostics", |c| {
        !c.codes(&raise).is_empty() && !c.codes(&search).is_empty() && !c.codes(&post).is_empty()
    });
    client
}

fn open(client: &mut Client, root: &Path, rel: &str, version: i64) -> String {
    let path = file(root, rel);
    let text = std::fs::read_to_string(&path).expect("the fixture file");
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": url(&path), "languageId": "sql", "version": version, "text": text } }),
    );
    text
}

fn change(client: &mut Client, uri: &str, version: i64, changes: Value) {
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
    );
}

/// An edit that inserts `text` at a line and character.
fn insert(line: u32, character: u32, text: &str) -> Value {
    json!([{ "range": { "start": { "line": line, "character": character }, "end": { "line": line, "character": character } }, "text": text }])
}

#[test]
fn the_first_index_publishes_every_files_findings_with_code_link_source_and_related() {
    let project = payroll();
    let root = project.path();
    let client = started(root);
    assert_eq!(
        client.codes(&uri(root, "Procedures/RaiseSalary.sql")),
        vec![("PRM002".to_owned(), 8)]
    );
    assert_eq!(
        client.codes(&uri(root, "Procedures/Search.sql")),
        vec![("IMP001".to_owned(), 3), ("IMP004".to_owned(), 7)]
    );
    assert_eq!(
        client.codes(&uri(root, "Scripts/Script.PostDeployment.sql")),
        vec![("IMP003".to_owned(), 3)]
    );
    let published = &client.diagnostics[&uri(root, "Procedures/RaiseSalary.sql")];
    let first = &published["diagnostics"][0];
    assert_eq!(first["source"], "sqlwarden");
    assert_eq!(first["severity"], 1, "PRM002 is an error");
    assert!(
        first["codeDescription"]["href"]
            .as_str()
            .is_some_and(|h| h.starts_with("https://")),
        "{first}"
    );
    let related = first["relatedInformation"]
        .as_array()
        .expect("related locations");
    assert!(
        related
            .iter()
            .any(|r| r["location"]["uri"] == uri(root, "Security/Grants.sql")),
        "the grant is a related location: {related:?}"
    );
    // Not open, so no version.
    assert_eq!(published["version"], Value::Null);
    client.shutdown();
}

#[test]
fn the_server_offers_incremental_sync_and_utf16_by_default() {
    let project = payroll();
    let client = Client::start(project.path(), json!({}), json!({}));
    let capabilities = &client.initialize_result["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert_eq!(capabilities["textDocumentSync"]["change"], 2);
    assert_eq!(capabilities["hoverProvider"], true);
    client.shutdown();
}

#[test]
fn a_grant_added_in_one_file_clears_the_finding_in_another_without_touching_it() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let grants = uri(root, "Security/Grants.sql");
    let raise = uri(root, "Procedures/RaiseSalary.sql");
    open(&mut client, root, "Security/Grants.sql", 1);
    change(
        &mut client,
        &grants,
        2,
        insert(
            3,
            0,
            "GRANT SELECT, UPDATE ON hr.Salaries TO [$(AppRole)];\n",
        ),
    );
    client.wait_until("PRM002 to clear", |c| c.codes(&raise).is_empty());
    // Taking the grant out again brings the finding back.
    change(
        &mut client,
        &grants,
        3,
        json!([{ "range": { "start": { "line": 3, "character": 0 }, "end": { "line": 4, "character": 0 } }, "text": "" }]),
    );
    client.wait_until("PRM002 to return", |c| c.codes(&raise).len() == 1);
    client.shutdown();
}

#[test]
fn fixing_a_file_clears_its_findings_and_every_publish_carries_the_version() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let post = uri(root, "Scripts/Script.PostDeployment.sql");
    open(&mut client, root, "Scripts/Script.PostDeployment.sql", 7);
    // `REVERT;` after the `:r` line (line 4) ends the impersonation.
    change(&mut client, &post, 8, insert(5, 0, "REVERT;\n"));
    client.wait_until("IMP003 to clear", |c| {
        c.codes(&post).is_empty() && c.version(&post) == Some(8)
    });
    client.shutdown();
}

#[test]
fn closing_a_file_brings_back_the_findings_of_the_file_on_disk() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let post = uri(root, "Scripts/Script.PostDeployment.sql");
    open(&mut client, root, "Scripts/Script.PostDeployment.sql", 1);
    change(&mut client, &post, 2, insert(5, 0, "REVERT;\n"));
    client.wait_until("IMP003 to clear", |c| c.codes(&post).is_empty());
    // The edit was never saved: closing the buffer returns to the disk's text.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": post } }),
    );
    client.wait_until("IMP003 to return", |c| {
        c.codes(&post) == vec![("IMP003".to_owned(), 3)] && c.version(&post).is_none()
    });
    let on_disk =
        std::fs::read_to_string(file(root, "Scripts/Script.PostDeployment.sql")).expect("the file");
    assert!(
        !on_disk.contains("REVERT"),
        "the server never writes a file"
    );
    client.shutdown();
}

/// Types `text` one character at a time at the end of the document, as a user does, and
/// checks after every keystroke that nothing published for the other files changed, and
/// that the findings of the untouched part of this file never vanish.
fn type_slowly(client: &mut Client, uri: &str, start_line: u32, text: &str, version: &mut i64) {
    let (mut line, mut character) = (start_line, 0u32);
    for ch in text.chars() {
        *version += 1;
        change(
            client,
            uri,
            *version,
            insert(line, character, &ch.to_string()),
        );
        if ch == '\n' {
            line += 1;
            character = 0;
        } else {
            character += ch.len_utf16() as u32;
        }
        client.drain(Duration::from_millis(2));
    }
}

#[test]
fn findings_elsewhere_stay_put_while_a_grant_and_a_procedure_are_typed_one_character_at_a_time() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let post = uri(root, "Scripts/Script.PostDeployment.sql");
    let search = uri(root, "Procedures/Search.sql");
    let raise = uri(root, "Procedures/RaiseSalary.sql");
    let before_search = client.codes(&search);
    let before_raise = client.codes(&raise);
    let text = open(&mut client, root, "Procedures/Search.sql", 1);
    let lines = text.lines().count() as u32 + 1;
    let mut version = 1;
    let mut published_for_others = 0;
    let counted = client.notifications.len();
    // In the middle of the file, in the procedure's own batch: until it is complete the
    // GRANT does not parse, and the recovery swallows the procedure after it.
    type_slowly(
        &mut client,
        &search,
        1,
        "GRANT EXECUTE ON dbo.SearchSalaries TO support;\n",
        &mut version,
    );
    type_slowly(
        &mut client,
        &search,
        lines,
        "GRANT EXECUTE ON dbo.SearchSalaries TO support;\nGO\n",
        &mut version,
    );
    type_slowly(
        &mut client,
        &search,
        lines + 2,
        "CREATE PROCEDURE dbo.Audit\nAS\nBEGIN\n    SELECT COUNT(*) FROM hr.Salaries;\nEND\nGO\n",
        &mut version,
    );
    let final_version = version;
    client.wait_until("the typed text's analysis", |c| {
        c.version(&search) == Some(final_version)
    });
    for notification in &client.notifications[counted..] {
        if notification.method != "textDocument/publishDiagnostics" {
            continue;
        }
        let params = &notification.params;
        if params["uri"] == search {
            // The procedure's findings are in every publish of this file.
            let codes: Vec<&str> = params["diagnostics"]
                .as_array()
                .expect("a list")
                .iter()
                .filter_map(|d| d["code"].as_str())
                .collect();
            assert!(
                codes.contains(&"IMP004") && codes.contains(&"IMP001"),
                "a finding vanished while typing: {params}"
            );
        } else if params["uri"] == post || params["uri"] == raise {
            published_for_others += 1;
        }
    }
    assert_eq!(
        published_for_others, 0,
        "other files' findings were republished"
    );
    assert_eq!(client.codes(&raise), before_raise);
    // The new procedure reads hr.Salaries across the broken chain: support may execute
    // dbo.SearchSalaries (which has its own context), and Audit is granted to no one.
    let after: Vec<String> = client.codes(&search).into_iter().map(|(c, _)| c).collect();
    for (code, _) in &before_search {
        assert!(
            after.contains(code),
            "{code} is gone after typing: {after:?}"
        );
    }
    client.shutdown();
}

#[test]
fn malformed_messages_get_errors_and_the_server_lives_on() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let bad = client.request("textDocument/hover", json!({ "textDocument": 42 }));
    assert_eq!(bad.error.expect("an error").code, -32602, "InvalidParams");
    let unknown = client.request("sqlwarden/noSuchMethod", json!({}));
    assert_eq!(
        unknown.error.expect("an error").code,
        -32601,
        "MethodNotFound"
    );
    // Notifications cannot be answered; they are logged and ignored.
    client.notify("textDocument/didChange", json!({ "nonsense": true }));
    client.notify("textDocument/didOpen", json!([1, 2, 3]));
    change(&mut client, "file:///not/open.sql", 3, insert(0, 0, "x"));
    // A position far outside the file is clamped, not a crash.
    let post = uri(root, "Scripts/Script.PostDeployment.sql");
    let far = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": post }, "position": { "line": 9999, "character": 9999 } }),
    );
    assert!(far.error.is_none(), "{far:?}");
    let symbols = client.request("workspace/symbol", json!({ "query": "" }));
    assert!(
        symbols.error.is_none(),
        "the server still answers: {symbols:?}"
    );
    client.shutdown();
}

#[test]
fn a_cancelled_request_is_answered_request_cancelled() {
    let project = payroll();
    let root = project.path();
    let mut client = Client::start(root, capabilities(), json!({ "testWorkerDelayMs": 300 }));
    client.wait_until("the first diagnostics", |c| !c.diagnostics.is_empty());
    let id = client.send_request("workspace/symbol", json!({ "query": "Salar" }));
    client.notify(
        "$/cancelRequest",
        json!({ "id": id.to_string().trim_matches('"').parse::<i32>().expect("a number") }),
    );
    let response = client.response(&id);
    assert_eq!(
        response.error.expect("an error").code,
        -32800,
        "RequestCancelled"
    );
    client.shutdown();
}

#[test]
fn an_answer_computed_for_an_old_revision_is_dropped() {
    let project = payroll();
    let root = project.path();
    let mut client = Client::start(root, capabilities(), json!({ "testWorkerDelayMs": 300 }));
    client.wait_until("the first diagnostics", |c| !c.diagnostics.is_empty());
    let grants = uri(root, "Security/Grants.sql");
    open(&mut client, root, "Security/Grants.sql", 1);
    let id = client.send_request("workspace/symbol", json!({ "query": "Salar" }));
    change(&mut client, &grants, 2, insert(0, 0, "-- edited\n"));
    let response = client.response(&id);
    assert_eq!(
        response.error.expect("an error").code,
        -32801,
        "ContentModified"
    );
    client.shutdown();
}

#[test]
fn positions_are_utf16_by_default_and_utf8_when_negotiated() {
    let dir = tempfile::tempdir().expect("a folder");
    let script = dir.path().join("grants.sql");
    // "é" is 2 bytes and 1 UTF-16 unit, "𝄞" 4 bytes and 2 units: the GRANT to public
    // starts at UTF-16 column 16 and UTF-8 column 19 of line 0.
    std::fs::write(
        &script,
        "/* é𝄞 note */  GRANT SELECT ON dbo.t TO public;\nGO\nCREATE TABLE dbo.t (id int);\nGO\n",
    )
    .expect("write");
    let column = |encodings: Value| {
        let mut caps = capabilities();
        caps["general"] = json!({ "positionEncodings": encodings });
        let mut client = Client::start(dir.path(), caps, json!({}));
        let encoding = client.initialize_result["capabilities"]["positionEncoding"].clone();
        let target = url(&script);
        client.wait_until("PRM005", |c| {
            c.codes(&target).iter().any(|(code, _)| code == "PRM005")
        });
        let published = client.diagnostics[&target]["diagnostics"]
            .as_array()
            .expect("a list")
            .iter()
            .find(|d| d["code"] == "PRM005")
            .cloned()
            .expect("PRM005");
        client.shutdown();
        (encoding, published["range"]["start"]["character"].clone())
    };
    assert_eq!(column(json!(["utf-16"])), (json!("utf-16"), json!(16)));
    assert_eq!(
        column(json!(["utf-8", "utf-16"])),
        (json!("utf-8"), json!(19))
    );
}

#[test]
fn a_utf16_file_on_disk_gets_positions_in_its_decoded_text() {
    let dir = tempfile::tempdir().expect("a folder");
    let script = dir.path().join("grants.sql");
    let text = "-- Überprüfung\r\nGRANT SELECT ON dbo.t TO public;\r\nGO\r\nCREATE TABLE dbo.t (id int);\r\nGO\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    std::fs::write(&script, bytes).expect("write");
    let mut client = Client::start(dir.path(), capabilities(), json!({}));
    let target = url(&script);
    client.wait_until("PRM005", |c| {
        c.codes(&target).iter().any(|(code, _)| code == "PRM005")
    });
    assert_eq!(client.codes(&target), vec![("PRM005".to_owned(), 1)]);
    client.shutdown();
}

#[test]
fn watched_files_are_registered_and_a_file_written_on_disk_updates_the_findings() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let registration = client
        .server_requests
        .iter()
        .find(|r| r.method == "client/registerCapability")
        .expect("the watcher is registered dynamically");
    let globs: Vec<&str> = registration.params["registrations"][0]["registerOptions"]["watchers"]
        .as_array()
        .expect("watchers")
        .iter()
        .filter_map(|w| w["globPattern"].as_str())
        .collect();
    assert_eq!(
        globs,
        [
            "**/*.sql",
            "**/*.sqlproj",
            "**/*.cs",
            "**/*.csproj",
            "**/sqlwarden.toml"
        ]
    );
    // Another program changes a file that is not open.
    let post = file(root, "Scripts/Script.PostDeployment.sql");
    let mut text = std::fs::read_to_string(&post).expect("the file");
    text.push_str("REVERT;\nGO\n");
    std::fs::write(&post, text).expect("write");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": url(&post), "type": 2 }] }),
    );
    let post_uri = url(&post);
    client.wait_until("IMP003 to clear", |c| c.codes(&post_uri).is_empty());
    // A .sqlproj change reloads the project: dropping the grants file from the build
    // leaves the procedures granted to no one, so the chain finding goes.
    let sqlproj = file(root, "Payroll.sqlproj");
    let xml = std::fs::read_to_string(&sqlproj).expect("the project");
    std::fs::write(
        &sqlproj,
        xml.replace(r#"<Build Include="Security\Grants.sql" />"#, ""),
    )
    .expect("write");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": url(&sqlproj), "type": 2 }] }),
    );
    let raise = uri(root, "Procedures/RaiseSalary.sql");
    client.wait_until("PRM002 to clear after the reload", |c| {
        c.codes(&raise).is_empty()
    });
    client.shutdown();
}

#[test]
fn the_first_index_reports_progress_with_files_parsed() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    client.wait_until("the end of the progress", |c| {
        c.notifications
            .iter()
            .any(|n| n.method == "$/progress" && n.params["value"]["kind"] == "end")
    });
    assert!(
        client
            .server_requests
            .iter()
            .any(|r| r.method == "window/workDoneProgress/create"),
        "a progress token is created"
    );
    let kinds: Vec<String> = client
        .notifications
        .iter()
        .filter(|n| n.method == "$/progress")
        .map(|n| n.params["value"]["kind"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(kinds.first().map(String::as_str), Some("begin"));
    assert!(kinds.iter().any(|k| k == "report"), "{kinds:?}");
    assert_eq!(kinds.last().map(String::as_str), Some("end"));
    let parsed = client
        .notifications
        .iter()
        .rev()
        .find(|n| n.method == "$/progress" && n.params["value"]["kind"] == "report")
        .and_then(|n| n.params["value"]["message"].as_str().map(str::to_owned))
        .expect("a report");
    assert_eq!(parsed, "8/8 files parsed");
    client.shutdown();
}

#[test]
fn the_configuration_applies_as_in_check_and_a_settings_change_reloads() {
    let project = payroll();
    let root = project.path();
    let mut client = Client::start(root, capabilities(), json!({ "ignore": ["IMP"] }));
    let raise = uri(root, "Procedures/RaiseSalary.sql");
    let search = uri(root, "Procedures/Search.sql");
    client.wait_until("PRM002", |c| !c.codes(&raise).is_empty());
    assert!(client.codes(&search).is_empty(), "IMP is ignored");
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "sqlwarden": { "ignore": [] } } }),
    );
    client.wait_until("IMP findings after the change", |c| {
        !c.codes(&search).is_empty()
    });
    client.shutdown();
}

#[test]
fn a_client_that_closes_the_connection_ends_the_server_cleanly() {
    let project = payroll();
    let client = started(project.path());
    assert_eq!(client.close(), Ok(()));
}

#[test]
fn a_client_without_a_workspace_folder_gets_the_findings_of_the_opened_files_folder() {
    let project = payroll();
    let root = project.path();
    let (server_side, client_side) = lsp_server::Connection::memory();
    let server = std::thread::spawn(move || sqlwarden::lsp::serve(server_side));
    // The same handshake as `Client::start`, without rootUri or workspaceFolders.
    let mut client = Client::from_connection(
        client_side,
        server,
        json!({ "processId": null, "rootUri": null, "capabilities": {} }),
    );
    let search = uri(root, "Procedures/Search.sql");
    open(&mut client, root, "Procedures/Search.sql", 4);
    client.wait_until("the folder's findings", |c| !c.codes(&search).is_empty());
    assert_eq!(
        client.codes(&search),
        vec![("IMP001".to_owned(), 3), ("IMP004".to_owned(), 7)]
    );
    client.shutdown();
}

/// The editor and CI never disagree: after edits in the editor, saved to disk, the
/// published findings are exactly what `check` reports for the folder.
#[test]
fn after_edits_the_published_findings_equal_those_of_check_on_the_final_text() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let edits: &[(&str, u32, &str)] = &[
        (
            "Security/Grants.sql",
            3,
            "GRANT SELECT ON hr.Salaries TO public;\nGO\n",
        ),
        (
            "Procedures/Search.sql",
            0,
            "-- sqlwarden-ignore IMP004: reviewed\n",
        ),
        ("Scripts/Script.PostDeployment.sql", 5, "REVERT;\n"),
        (
            "Tables/Salaries.sql",
            7,
            "GRANT UPDATE ON hr.Salaries TO support WITH GRANT OPTION;\nGO\n",
        ),
    ];
    for (version, (rel, line, text)) in edits.iter().enumerate() {
        let version = version as i64 + 10;
        let before = open(&mut client, root, rel, version);
        change(
            &mut client,
            &uri(root, rel),
            version + 1,
            insert(*line, 0, text),
        );
        // Save what the editor holds, so that `check` reads the same text.
        let mut lines: Vec<&str> = before.split_inclusive('\n').collect();
        lines.insert(*line as usize, text);
        std::fs::write(file(root, rel), lines.concat()).expect("save");
        client.wait_until("the edit's analysis", |c| {
            c.version(&uri(root, rel)) == Some(version + 1)
        });
    }
    client.drain(Duration::from_millis(300));
    let outcome = analysis::run::run(
        &[root.to_path_buf()],
        &analysis::project::LoadOptions::default(),
    )
    .expect("check runs");
    let mut expected: Vec<(String, String, u64)> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let source = outcome.workspace.files.get(d.location.file);
            let line = source.line_index.utf8(d.location.range.start()).line;
            (
                url(&source.absolute),
                d.code.as_str().to_owned(),
                u64::from(line),
            )
        })
        .collect();
    expected.sort();
    let mut published: Vec<(String, String, u64)> = client
        .diagnostics
        .keys()
        .flat_map(|uri| {
            client
                .codes(uri)
                .into_iter()
                .map(move |(code, line)| (uri.clone(), code, line))
        })
        .collect();
    published.sort();
    assert!(
        expected.iter().any(|(_, code, _)| code == "PRM005"),
        "{expected:?}"
    );
    assert_eq!(published, expected);
    client.shutdown();
}

/// SSMS saves "ANSI" files in Windows-1252: each byte is one character, so the column of
/// a finding after `é` (one byte there, two in UTF-8) is the one an editor shows.
#[test]
fn a_windows_1252_file_on_disk_gets_positions_in_its_decoded_text() {
    let dir = tempfile::tempdir().expect("a folder");
    let script = dir.path().join("grants.sql");
    std::fs::write(
        &script,
        b"/* caf\xE9 \x80 */ GRANT SELECT ON dbo.t TO public;\r\nGO\r\nCREATE TABLE dbo.t (id int);\r\nGO\r\n",
    )
    .expect("write");
    let mut client = Client::start(dir.path(), capabilities(), json!({}));
    let target = url(&script);
    client.wait_until("PRM005", |c| {
        c.codes(&target).iter().any(|(code, _)| code == "PRM005")
    });
    let published = &client.diagnostics[&target]["diagnostics"][0];
    assert_eq!(published["code"], "PRM005");
    assert_eq!(
        published["range"]["start"],
        json!({ "line": 0, "character": 13 })
    );
    client.shutdown();
}

/// VS Code's client sends the whole `sqlwarden` section, defaults included, right after
/// `initialized`: empty strings mean "not set", and no error is shown.
#[test]
fn settings_with_empty_defaults_are_not_set_and_show_no_error() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "sqlwarden": {
            "path": "sqlwarden", "select": [], "ignore": [], "defaultSchema": "",
            "variables": {}, "configFile": "", "trace": { "server": "off" }
        } } }),
    );
    client.drain(Duration::from_millis(500));
    let shown: Vec<&Value> = client
        .notifications
        .iter()
        .filter(|n| n.method == "window/showMessage")
        .map(|n| &n.params)
        .collect();
    assert!(shown.is_empty(), "{shown:?}");
    assert_eq!(
        client.codes(&uri(root, "Scripts/Script.PostDeployment.sql")),
        vec![("IMP003".to_owned(), 3)]
    );
    client.shutdown();
}
