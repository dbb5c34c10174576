//! Quick fixes over the protocol: each finding's actions are asked for with the published
//! diagnostic in the context, their exact edits are checked, applied to the text here as
//! a client would, and sent back; the finding must go and nothing new may appear.

use std::path::Path;

use serde_json::{Value, json};

use super::client::{Client, url};
use super::{capabilities, change, open, payroll, started, uri};

/// The published diagnostic of a file with this code.
fn published(client: &Client, uri: &str, code: &str) -> Value {
    client.diagnostics[uri]["diagnostics"]
        .as_array()
        .expect("published diagnostics")
        .iter()
        .find(|d| d["code"] == code)
        .cloned()
        .unwrap_or_else(|| panic!("{code} is published for {uri}"))
}

/// The code actions for a diagnostic's range, with it in the context.
fn actions(client: &mut Client, uri: &str, diagnostic: &Value) -> Vec<Value> {
    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": diagnostic["range"],
            "context": { "diagnostics": [diagnostic] }
        }),
    );
    assert!(response.error.is_none(), "{response:?}");
    let actions = response
        .result
        .and_then(|r| r.as_array().cloned())
        .unwrap_or_default();
    for action in &actions {
        assert_eq!(action["kind"], "quickfix", "{action}");
        assert_eq!(action["diagnostics"], json!([diagnostic]), "{action}");
    }
    actions
}

fn titles(actions: &[Value]) -> Vec<&str> {
    actions
        .iter()
        .map(|a| a["title"].as_str().unwrap_or(""))
        .collect()
}

/// The action with this title.
fn action<'a>(actions: &'a [Value], title: &str) -> &'a Value {
    actions
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("no action {title:?} in {:?}", titles(actions)))
}

/// An LSP text edit inserting or replacing at UTF-16 positions.
fn edit(start: (u32, u32), end: (u32, u32), text: &str) -> Value {
    json!({
        "range": {
            "start": { "line": start.0, "character": start.1 },
            "end": { "line": end.0, "character": end.1 }
        },
        "newText": text
    })
}

/// The byte offset of a UTF-16 position, as a client computes it.
fn offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().expect("a line") as usize;
    let character = position["character"].as_u64().expect("a character") as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' || c == '\r' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// A file's text after a list of text edits (applied from the last, as they do not
/// overlap).
fn applied(text: &str, edits: &Value) -> String {
    let mut edits: Vec<(usize, usize, &str)> = edits
        .as_array()
        .expect("edits")
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().expect("a new text"),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_owned();
    for (start, end, new) in edits {
        out.replace_range(start..end, new);
    }
    out
}

/// Applies an action's edit to its one file the way a client does: opening the file
/// when it is not open, then sending the whole new text. Returns the file's URI.
fn apply(client: &mut Client, root: &Path, rel: &str, action: &Value, version: i64) -> String {
    let target = uri(root, rel);
    let changes = action["edit"]["changes"].as_object().expect("changes");
    assert_eq!(
        changes.keys().collect::<Vec<_>>(),
        vec![&target],
        "{action}"
    );
    let text = open(client, root, rel, version);
    let new = applied(&text, &changes[&target]);
    change(client, &target, version + 1, json!([{ "text": new }]));
    target
}

fn codes(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(c, l)| ((*c).to_owned(), *l)).collect()
}

#[test]
fn imp003_gets_a_revert_after_the_include_and_before_go() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let post = uri(root, "Scripts/Script.PostDeployment.sql");
    let finding = published(&client, &post, "IMP003");
    let found = actions(&mut client, &post, &finding);
    assert_eq!(
        titles(&found),
        vec![
            "Add REVERT after :r .\\Seed.sql",
            "Suppress IMP003 on this statement",
            "Suppress IMP003 in this file",
        ]
    );
    let revert = action(&found, "Add REVERT after :r .\\Seed.sql");
    assert_eq!(revert["isPreferred"], true);
    assert_eq!(
        revert["edit"]["changes"],
        json!({ post.clone(): [edit((5, 0), (5, 0), "REVERT;\n")] })
    );
    assert_eq!(
        action(&found, "Suppress IMP003 on this statement")["edit"]["changes"],
        json!({ post.clone(): [edit((3, 0), (3, 0), "-- sqlwarden-ignore IMP003: TODO: why this is safe\n")] })
    );
    apply(
        &mut client,
        root,
        "Scripts/Script.PostDeployment.sql",
        revert,
        1,
    );
    client.wait_until("IMP003 to clear", |c| {
        c.codes(&post).is_empty() && c.version(&post) == Some(2)
    });
    client.shutdown();
}

#[test]
fn prm002_gets_the_grant_in_the_grants_file_spelled_with_its_sqlcmd_variable() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let raise = uri(root, "Procedures/RaiseSalary.sql");
    let grants = uri(root, "Security/Grants.sql");
    let finding = published(&client, &raise, "PRM002");
    let found = actions(&mut client, &raise, &finding);
    let title = "Add GRANT SELECT, UPDATE ON hr.Salaries TO [$(AppRole)];";
    assert_eq!(
        titles(&found),
        vec![
            title,
            "Suppress PRM002 on this statement",
            "Suppress PRM002 in this file",
        ]
    );
    // After the last grant to the role (line 1), inside the grants' batch.
    assert_eq!(
        action(&found, title)["edit"]["changes"],
        json!({ grants.clone(): [edit((2, 0), (2, 0), "GRANT SELECT, UPDATE ON hr.Salaries TO [$(AppRole)];\n")] })
    );
    let before = client.codes(&grants);
    apply(
        &mut client,
        root,
        "Security/Grants.sql",
        action(&found, title),
        1,
    );
    client.wait_until("PRM002 to clear", |c| c.codes(&raise).is_empty());
    client.drain(std::time::Duration::from_millis(300));
    // The grant's line moves IMP002 down by one; nothing else changes.
    assert_eq!(before, codes(&[("IMP002", 2)]));
    assert_eq!(client.codes(&grants), codes(&[("IMP002", 3)]));
    assert!(client.codes(&raise).is_empty());
    client.shutdown();
}

#[test]
fn a_statement_suppression_silences_the_finding_and_is_used() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let raise = uri(root, "Procedures/RaiseSalary.sql");
    let finding = published(&client, &raise, "PRM002");
    let found = actions(&mut client, &raise, &finding);
    let suppress = action(&found, "Suppress PRM002 on this statement");
    assert_eq!(suppress["isPreferred"], false);
    // Above the UPDATE inside the procedure, indented like it.
    assert_eq!(
        suppress["edit"]["changes"],
        json!({ raise.clone(): [edit((8, 0), (8, 0), "    -- sqlwarden-ignore PRM002: TODO: why this is safe\n")] })
    );
    apply(&mut client, root, "Procedures/RaiseSalary.sql", suppress, 1);
    client.wait_until("PRM002 to be silenced", |c| c.version(&raise) == Some(2));
    assert_eq!(client.codes(&raise), vec![], "no SQL003 either");
    client.shutdown();
}

#[test]
fn a_file_suppression_silences_the_finding_everywhere_in_the_file() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let search = uri(root, "Procedures/Search.sql");
    let finding = published(&client, &search, "IMP001");
    let found = actions(&mut client, &search, &finding);
    assert_eq!(
        titles(&found),
        vec![
            "Suppress IMP001 on this statement",
            "Suppress IMP001 in this file",
        ]
    );
    let suppress = action(&found, "Suppress IMP001 in this file");
    assert_eq!(
        suppress["edit"]["changes"],
        json!({ search.clone(): [edit((0, 0), (0, 0), "-- sqlwarden-ignore-file IMP001: TODO: why this is safe\n")] })
    );
    apply(&mut client, root, "Procedures/Search.sql", suppress, 1);
    client.wait_until("IMP001 to be silenced", |c| c.version(&search) == Some(2));
    // IMP004 moves down a line with the comment; nothing new appears.
    assert_eq!(client.codes(&search), codes(&[("IMP004", 8)]));
    client.shutdown();
}

#[test]
fn clr003_in_the_sqlproj_turns_the_property_off() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let sqlproj = uri(root, "Payroll.sqlproj");
    let search = uri(root, "Procedures/Search.sql");
    client.wait_until("CLR003", |c| {
        c.codes(&sqlproj).iter().any(|(code, _)| code == "CLR003")
    });
    let finding = published(&client, &sqlproj, "CLR003");
    let found = actions(&mut client, &sqlproj, &finding);
    // A `.sqlproj` takes no SQL comment, so no suppression is offered there.
    assert_eq!(titles(&found), vec!["Set <Trustworthy>False</Trustworthy>"]);
    assert_eq!(
        found[0]["edit"]["changes"],
        json!({ sqlproj.clone(): [edit((6, 17), (6, 21), "False")] })
    );
    apply(&mut client, root, "Payroll.sqlproj", &found[0], 1);
    // The server reads a project's properties when it loads it, which a saved `.sqlproj`
    // triggers: the user accepts the edit and saves.
    let text = std::fs::read_to_string(root.join("Payroll.sqlproj")).expect("the project");
    let saved = applied(&text, &found[0]["edit"]["changes"][&sqlproj]);
    std::fs::write(root.join("Payroll.sqlproj"), saved).expect("save");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": sqlproj, "type": 2 }] }),
    );
    // IMP001 needed the TRUSTWORTHY database too.
    client.wait_until("CLR003 and IMP001 to clear", |c| {
        c.codes(&sqlproj).is_empty() && c.codes(&search) == codes(&[("IMP004", 7)])
    });
    client.shutdown();
}

/// A folder of loose scripts (no `.sqlproj`) with these files.
fn scripts(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a folder");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("a fixture file");
    }
    dir
}

fn start(root: &Path, wait_for: &[(&str, &str)]) -> Client {
    let mut client = Client::start(root, capabilities(), json!({}));
    let wanted: Vec<(String, String)> = wait_for
        .iter()
        .map(|(rel, code)| (uri(root, rel), (*code).to_owned()))
        .collect();
    client.wait_until("the first findings", |c| {
        wanted
            .iter()
            .all(|(u, code)| c.codes(u).iter().any(|(found, _)| found == code))
    });
    client
}

#[test]
fn clr001_becomes_safe_with_utf16_columns_after_non_ascii_names() {
    // "é" is one UTF-16 unit (two bytes) and "𝄞" two (four bytes): `UNSAFE` starts at
    // UTF-16 column 58, byte 61.
    let text = "-- sqlwarden-ignore-file CLR008: trust paths are tested elsewhere\n\
                CREATE ASSEMBLY [Géo𝄞] FROM 0x4D5A WITH PERMISSION_SET = UNSAFE;\n\
                GO\n";
    let dir = scripts(&[("Assemblies.sql", text)]);
    let root = dir.path();
    let mut client = start(root, &[("Assemblies.sql", "CLR001")]);
    let target = uri(root, "Assemblies.sql");
    let finding = published(&client, &target, "CLR001");
    let found = actions(&mut client, &target, &finding);
    assert_eq!(
        titles(&found),
        vec![
            "Set PERMISSION_SET = SAFE",
            "Suppress CLR001 on this statement",
            "Suppress CLR001 in this file",
        ]
    );
    assert_eq!(
        found[0]["edit"]["changes"],
        json!({ target.clone(): [edit((1, 58), (1, 64), "SAFE")] })
    );
    apply(&mut client, root, "Assemblies.sql", &found[0], 1);
    client.wait_until("CLR001 to clear", |c| c.version(&target) == Some(2));
    assert_eq!(client.codes(&target), vec![]);
    client.shutdown();
}

#[test]
fn a_crlf_script_gets_its_revert_and_suppressions_with_crlf() {
    let text = "EXECUTE AS USER = 'loader';\r\n\
                INSERT INTO dbo.flags (name) VALUES (N'ready');\r\n\
                GO\r\n\
                SELECT 1;\r\n\
                GO\r\n";
    let dir = scripts(&[("Deploy.sql", text)]);
    let root = dir.path();
    let mut client = start(root, &[("Deploy.sql", "IMP003")]);
    let target = uri(root, "Deploy.sql");
    let finding = published(&client, &target, "IMP003");
    let found = actions(&mut client, &target, &finding);
    let title = "Add REVERT after INSERT INTO dbo.flags (name) VALUES (N'ready');";
    assert_eq!(
        titles(&found),
        vec![
            title,
            "Suppress IMP003 on this statement",
            "Suppress IMP003 in this file",
        ]
    );
    // After the statements of its batch, before that batch's GO.
    assert_eq!(
        action(&found, title)["edit"]["changes"],
        json!({ target.clone(): [edit((2, 0), (2, 0), "REVERT;\r\n")] })
    );
    assert_eq!(
        action(&found, "Suppress IMP003 in this file")["edit"]["changes"],
        json!({ target.clone(): [edit((0, 0), (0, 0), "-- sqlwarden-ignore-file IMP003: TODO: why this is safe\r\n")] })
    );
    apply(&mut client, root, "Deploy.sql", action(&found, title), 1);
    client.wait_until("IMP003 to clear", |c| c.version(&target) == Some(2));
    assert_eq!(client.codes(&target), vec![]);
    client.shutdown();
}

#[test]
fn a_crlf_statement_suppression_is_accepted() {
    let text = "EXECUTE AS USER = 'loader';\r\nSELECT 1;\r\n";
    let dir = scripts(&[("Deploy.sql", text)]);
    let root = dir.path();
    let mut client = start(root, &[("Deploy.sql", "IMP003")]);
    let target = uri(root, "Deploy.sql");
    let finding = published(&client, &target, "IMP003");
    let found = actions(&mut client, &target, &finding);
    let suppress = action(&found, "Suppress IMP003 on this statement");
    assert_eq!(
        suppress["edit"]["changes"],
        json!({ target.clone(): [edit((0, 0), (0, 0), "-- sqlwarden-ignore IMP003: TODO: why this is safe\r\n")] })
    );
    apply(&mut client, root, "Deploy.sql", suppress, 1);
    client.wait_until("IMP003 to be silenced", |c| c.version(&target) == Some(2));
    assert_eq!(client.codes(&target), vec![], "no SQL003 either");
    client.shutdown();
}

#[test]
fn a_grantee_without_grants_gets_its_grant_beside_the_table() {
    let dir = scripts(&[
        (
            "Security.sql",
            "CREATE ROLE app;\nCREATE USER worker WITHOUT LOGIN;\nCREATE USER t_owner WITHOUT LOGIN;\nGO\nCREATE SCHEMA hr AUTHORIZATION t_owner;\nGO\n",
        ),
        (
            "Tables.sql",
            "CREATE TABLE hr.t (id int);\nGO\nCREATE TABLE hr.u (id int);\nGO\n",
        ),
        (
            "Proc.sql",
            "CREATE PROCEDURE dbo.p WITH EXECUTE AS 'worker' AS SELECT id FROM hr.t;\nGO\nGRANT EXECUTE ON dbo.p TO app;\nGO\n",
        ),
    ]);
    let root = dir.path();
    let mut client = start(root, &[("Proc.sql", "PRM002")]);
    let proc = uri(root, "Proc.sql");
    let tables = uri(root, "Tables.sql");
    let finding = published(&client, &proc, "PRM002");
    let found = actions(&mut client, &proc, &finding);
    let title = "Add GRANT SELECT ON hr.t TO worker;";
    assert_eq!(titles(&found)[0], title);
    // A batch of its own after the one that creates the table.
    assert_eq!(
        action(&found, title)["edit"]["changes"],
        json!({ tables.clone(): [edit((2, 0), (2, 0), "GRANT SELECT ON hr.t TO worker;\nGO\n")] })
    );
    apply(&mut client, root, "Tables.sql", action(&found, title), 1);
    client.wait_until("PRM002 to clear", |c| c.codes(&proc).is_empty());
    client.drain(std::time::Duration::from_millis(300));
    assert_eq!(client.codes(&tables), vec![]);
    client.shutdown();
}

#[test]
fn only_other_kinds_or_stale_ranges_get_no_quick_fix() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let post = uri(root, "Scripts/Script.PostDeployment.sql");
    let finding = published(&client, &post, "IMP003");
    let refactor = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": post },
            "range": finding["range"],
            "context": { "diagnostics": [finding], "only": ["refactor"] }
        }),
    );
    assert_eq!(refactor.result, Some(Value::Null));
    // A range with no finding in it gets no action.
    let elsewhere = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": post },
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 1 } },
            "context": { "diagnostics": [] }
        }),
    );
    assert_eq!(elsewhere.result, Some(json!([])));
    let unknown = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": url(&root.join("nowhere.sql")) },
            "range": finding["range"],
            "context": { "diagnostics": [] }
        }),
    );
    assert_eq!(unknown.result, Some(Value::Null));
    client.shutdown();
}

#[test]
fn trustworthy_on_turns_off_and_external_access_becomes_safe_in_tsql() {
    let text = "-- sqlwarden-ignore-file CLR008: trust paths are tested elsewhere\n\
                alter database current set trustworthy on;\n\
                GO\n\
                CREATE ASSEMBLY Files FROM 0x4D5A WITH PERMISSION_SET = EXTERNAL_ACCESS;\n\
                GO\n";
    let dir = scripts(&[("Options.sql", text)]);
    let root = dir.path();
    let mut client = start(
        root,
        &[("Options.sql", "CLR003"), ("Options.sql", "CLR002")],
    );
    let target = uri(root, "Options.sql");
    let trustworthy = published(&client, &target, "CLR003");
    let found = actions(&mut client, &target, &trustworthy);
    // The value keeps the statement's lower case.
    let off = action(&found, "Set TRUSTWORTHY OFF");
    assert_eq!(
        off["edit"]["changes"],
        json!({ target.clone(): [edit((1, 39), (1, 41), "off")] })
    );
    let external = published(&client, &target, "CLR002");
    let found = actions(&mut client, &target, &external);
    let safe = action(&found, "Set PERMISSION_SET = SAFE");
    assert_eq!(
        safe["edit"]["changes"],
        json!({ target.clone(): [edit((3, 56), (3, 71), "SAFE")] })
    );
    // Both edits at once, as a client applying two accepted fixes in turn would.
    let mut edits = off["edit"]["changes"][&target]
        .as_array()
        .cloned()
        .unwrap_or_default();
    edits.extend(
        safe["edit"]["changes"][&target]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    );
    let new = applied(text, &Value::Array(edits));
    open(&mut client, root, "Options.sql", 1);
    change(&mut client, &target, 2, json!([{ "text": new }]));
    client.wait_until("CLR002 and CLR003 to clear", |c| {
        c.version(&target) == Some(2)
    });
    assert_eq!(client.codes(&target), vec![]);
    client.shutdown();
}

#[test]
fn a_csharp_finding_is_suppressed_with_a_csharp_comment_above_its_line() {
    let sql = "-- sqlwarden-ignore-file CLR008: trust paths are tested elsewhere\n\
               CREATE ASSEMBLY Counters FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
               GO\n\
               CREATE FUNCTION dbo.NextId () RETURNS bigint AS EXTERNAL NAME Counters.[Counters.Ids].Next;\n";
    let cs = "namespace Counters {\n    public static class Ids {\n        private static long last;\n        public static long Next() { return ++last; }\n    }\n}\n";
    let dir = scripts(&[("clr.sql", sql), ("Ids.cs", cs)]);
    let root = dir.path();
    let mut client = start(root, &[("Ids.cs", "CLS002")]);
    let target = uri(root, "Ids.cs");
    let finding = published(&client, &target, "CLS002");
    let found = actions(&mut client, &target, &finding);
    assert_eq!(
        titles(&found),
        vec![
            "Suppress CLS002 on this line",
            "Suppress CLS002 in this file"
        ]
    );
    // Above the field, indented like it, with `//`.
    assert_eq!(
        found[0]["edit"]["changes"],
        json!({ target.clone(): [edit((2, 0), (2, 0), "        // sqlwarden-ignore CLS002: TODO: why this is safe\n")] })
    );
    apply(&mut client, root, "Ids.cs", &found[0], 1);
    client.wait_until("CLS002 to be silenced", |c| c.version(&target) == Some(2));
    assert_eq!(client.codes(&target), vec![], "no SQL003 either");
    client.shutdown();
}
