//! Go to definition, find references, document and workspace symbols over the protocol,
//! on the Payroll example and on small fixtures of their own.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::client::{Client, url};
use super::{capabilities, open, payroll, started, uri};

/// A folder of plain scripts (no `.sqlproj`): `(relative path, text)` pairs.
pub(crate) fn fixture(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (rel, text) in files {
        let path = dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("a folder");
        }
        std::fs::write(&path, text).expect("a fixture file");
    }
    dir
}

/// Asks until the answer is not `null`: the first analysis of a fixture without findings
/// has no diagnostics to wait for.
pub(crate) fn answered(client: &mut Client, method: &str, params: Value) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let response = client.request(method, params.clone());
        assert!(response.error.is_none(), "{method} failed: {response:?}");
        let result = response.result.unwrap_or(Value::Null);
        if !result.is_null() {
            return result;
        }
        assert!(Instant::now() < deadline, "no answer to {method}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub(crate) fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

/// `(relative path, start line, start character, end character)` of each location.
fn places(root: &Path, locations: &Value) -> Vec<(String, u64, u64, u64)> {
    let base = url(root);
    let list = match locations {
        Value::Array(list) => list.clone(),
        one => vec![one.clone()],
    };
    list.iter()
        .map(|l| {
            let rel = l["uri"]
                .as_str()
                .unwrap_or("")
                .trim_start_matches(&base)
                .trim_start_matches('/')
                .to_owned();
            let r = &l["range"];
            (
                rel,
                r["start"]["line"].as_u64().unwrap_or(999),
                r["start"]["character"].as_u64().unwrap_or(999),
                r["end"]["character"].as_u64().unwrap_or(999),
            )
        })
        .collect()
}

fn place(rel: &str, line: u64, start: u64, end: u64) -> (String, u64, u64, u64) {
    (rel.to_owned(), line, start, end)
}

#[test]
fn definition_of_a_table_in_an_included_script_goes_to_its_create() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let seed = uri(root, "Scripts/Seed.sql");
    // `INSERT INTO hr.Salaries`: "Salaries" starts at character 15.
    let found = answered(&mut client, "textDocument/definition", at(&seed, 0, 16));
    assert_eq!(
        places(root, &found),
        vec![place("Tables/Salaries.sql", 0, 16, 24)]
    );
    // The schema part goes to the CREATE SCHEMA.
    let schema = answered(&mut client, "textDocument/definition", at(&seed, 0, 13));
    assert_eq!(
        places(root, &schema),
        vec![place("Security/Schemas.sql", 0, 14, 16)]
    );
    // A principal whose name comes from a SQLCMD variable still resolves.
    let grants = uri(root, "Security/Grants.sql");
    let role = answered(&mut client, "textDocument/definition", at(&grants, 0, 36));
    assert_eq!(
        places(root, &role),
        vec![place("Security/Principals.sql", 1, 12, 23)]
    );
    // Nothing is known on a keyword.
    let nothing = client.request("textDocument/definition", at(&seed, 0, 2));
    assert_eq!(nothing.result, Some(Value::Null));
    client.shutdown();
}

#[test]
fn references_of_a_user_span_every_file_that_names_it() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let principals = uri(root, "Security/Principals.sql");
    let mut params = at(&principals, 3, 14);
    params["context"] = json!({ "includeDeclaration": true });
    let found = answered(&mut client, "textDocument/references", params.clone());
    assert_eq!(
        places(root, &found),
        vec![
            place("Scripts/Script.PostDeployment.sql", 3, 19, 27),
            place("Security/Grants.sql", 2, 27, 35),
            place("Security/Principals.sql", 3, 12, 20),
            place("Security/Schemas.sql", 0, 31, 39),
        ]
    );
    params["context"] = json!({ "includeDeclaration": false });
    let without = answered(&mut client, "textDocument/references", params);
    assert_eq!(places(root, &without).len(), 3, "{without}");
    client.shutdown();
}

#[test]
fn references_of_a_table_include_module_bodies_and_dynamic_free_text_is_left_out() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let table = uri(root, "Tables/Salaries.sql");
    let mut params = at(&table, 0, 18);
    params["context"] = json!({ "includeDeclaration": true });
    let found = answered(&mut client, "textDocument/references", params);
    assert_eq!(
        places(root, &found),
        vec![
            place("Procedures/RaiseSalary.sql", 8, 14, 22),
            place("Scripts/Seed.sql", 0, 15, 23),
            place("Tables/Salaries.sql", 0, 16, 24),
        ]
    );
    client.shutdown();
}

#[test]
fn document_symbols_list_the_definitions_of_a_file() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let search = uri(root, "Procedures/Search.sql");
    let symbols = answered(
        &mut client,
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": search } }),
    );
    assert_eq!(
        symbols,
        json!([{
            "name": "dbo.SearchSalaries",
            "detail": "procedure",
            "kind": 12,
            "range": { "start": { "line": 1, "character": 0 }, "end": { "line": 8, "character": 3 } },
            "selectionRange": { "start": { "line": 1, "character": 17 }, "end": { "line": 1, "character": 35 } }
        }])
    );
    let principals = uri(root, "Security/Principals.sql");
    let symbols = answered(
        &mut client,
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": principals } }),
    );
    let names: Vec<(&str, &str, u64)> = symbols
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or(""),
                s["detail"].as_str().unwrap_or(""),
                s["kind"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        names,
        vec![
            ("payroll_app", "role", 5),
            ("hr_owner", "user", 19),
            ("report_runner", "user", 19),
            ("support", "user", 19),
        ]
    );
    client.shutdown();
}

#[test]
fn workspace_symbols_filter_by_a_case_insensitive_substring() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let found = answered(&mut client, "workspace/symbol", json!({ "query": "salar" }));
    let names: Vec<(&str, Option<&str>)> = found
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or(""),
                s["containerName"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        names,
        vec![
            ("dbo.RaiseSalary", Some("dbo")),
            ("dbo.SearchSalaries", Some("dbo")),
            ("hr.Salaries", Some("hr")),
        ]
    );
    assert_eq!(
        places(root, &found[2]["location"]),
        vec![place("Tables/Salaries.sql", 0, 13, 24)]
    );
    let all = answered(&mut client, "workspace/symbol", json!({ "query": "" }));
    assert_eq!(all.as_array().map(Vec::len), Some(8), "{all}");
    client.shutdown();
}

#[test]
fn a_name_after_non_ascii_text_is_found_in_utf16_columns() {
    // "é" is one UTF-16 unit, "𝄞" two: `Tab` starts at UTF-16 column 30 of line 0.
    let dir = fixture(&[(
        "script.sql",
        "/* é𝄞 */ GRANT SELECT ON dbo.Tab TO public;\nGO\nCREATE TABLE dbo.Tab (id int);\nGO\n",
    )]);
    let root = dir.path();
    let mut client = Client::start(root, capabilities(), json!({}));
    let script = uri(root, "script.sql");
    let found = answered(&mut client, "textDocument/definition", at(&script, 0, 31));
    assert_eq!(places(root, &found), vec![place("script.sql", 2, 17, 20)]);
    let mut params = at(&script, 0, 30);
    params["context"] = json!({ "includeDeclaration": true });
    let references = answered(&mut client, "textDocument/references", params);
    assert_eq!(
        places(root, &references),
        vec![
            place("script.sql", 0, 30, 33),
            place("script.sql", 2, 17, 20)
        ]
    );
    client.shutdown();
}

#[test]
fn roles_schemas_and_assemblies_resolve_across_files() {
    let dir = fixture(&[
        (
            "a_security.sql",
            "CREATE ROLE readers;\nGO\nCREATE ROLE analysts;\nGO\nALTER ROLE readers ADD MEMBER analysts;\nGO\n",
        ),
        (
            "b_objects.sql",
            "CREATE SCHEMA sales AUTHORIZATION readers;\nGO\nCREATE TABLE Sales.Orders (id int);\nGO\nGRANT SELECT ON SCHEMA::SALES TO [Analysts];\nGO\n",
        ),
        (
            "c_clr.sql",
            "CREATE ASSEMBLY Tools FROM 0x4D5A WITH PERMISSION_SET = SAFE;\nGO\nCREATE PROCEDURE dbo.Fetch AS EXTERNAL NAME Tools.[Acme.Net].Fetch;\nGO\n",
        ),
    ]);
    let root = dir.path();
    let mut client = Client::start(root, capabilities(), json!({}));
    let objects = uri(root, "b_objects.sql");
    // `[Analysts]` in the GRANT goes to `CREATE ROLE analysts`, whatever the case.
    let role = answered(&mut client, "textDocument/definition", at(&objects, 4, 35));
    assert_eq!(
        places(root, &role),
        vec![place("a_security.sql", 2, 12, 20)]
    );
    // `SALES` goes to the schema.
    let schema = answered(&mut client, "textDocument/definition", at(&objects, 4, 26));
    assert_eq!(
        places(root, &schema),
        vec![place("b_objects.sql", 0, 14, 19)]
    );
    let mut params = at(&objects, 0, 15);
    params["context"] = json!({ "includeDeclaration": false });
    let uses = answered(&mut client, "textDocument/references", params);
    assert_eq!(
        places(root, &uses),
        vec![
            place("b_objects.sql", 2, 13, 18),
            place("b_objects.sql", 4, 24, 29)
        ]
    );
    let clr = uri(root, "c_clr.sql");
    let assembly = answered(&mut client, "textDocument/definition", at(&clr, 2, 46));
    assert_eq!(places(root, &assembly), vec![place("c_clr.sql", 0, 16, 21)]);
    client.shutdown();
}

#[test]
fn an_open_buffer_is_read_as_edited() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    open(&mut client, root, "Scripts/Seed.sql", 1);
    let seed = uri(root, "Scripts/Seed.sql");
    let found = answered(&mut client, "textDocument/definition", at(&seed, 0, 16));
    assert_eq!(
        places(root, &found),
        vec![place("Tables/Salaries.sql", 0, 16, 24)]
    );
    let bad = client.request(
        "textDocument/definition",
        at("file:///nowhere/at/all.sql", 0, 0),
    );
    assert_eq!(bad.error.expect("an error").code, -32602);
    client.shutdown();
}
