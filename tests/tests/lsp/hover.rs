//! Hover over the protocol: objects with their owners and effective permissions,
//! principals with their roles and grants, findings with their rule's documentation,
//! `EXTERNAL NAME` with its assembly, in UTF-16 columns.

use serde_json::{Value, json};

use super::client::Client;
use super::navigation::{answered, at, fixture};
use super::{capabilities, payroll, started, uri};

/// The markdown of a hover and its range as `(line, start, end)`.
fn hover(client: &mut Client, uri: &str, line: u32, character: u32) -> (String, (u64, u64, u64)) {
    let found = answered(client, "textDocument/hover", at(uri, line, character));
    assert_eq!(found["contents"]["kind"], "markdown", "{found}");
    let text = found["contents"]["value"].as_str().unwrap_or("").to_owned();
    let r = &found["range"];
    let range = (
        r["start"]["line"].as_u64().unwrap_or(999),
        r["start"]["character"].as_u64().unwrap_or(999),
        r["end"]["character"].as_u64().unwrap_or(999),
    );
    (text, range)
}

#[test]
fn a_table_shows_its_owner_through_its_schema_and_that_nobody_can_read_it() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let raise = uri(root, "Procedures/RaiseSalary.sql");
    let (text, range) = hover(&mut client, &raise, 8, 16);
    assert_eq!(range, (8, 14, 22));
    let expected = "\
**table** `hr.Salaries`

Defined at Tables/Salaries.sql:1.

**Owner**: `hr_owner`, through schema `hr`'s AUTHORIZATION (Security/Schemas.sql:1).

**SELECT**:
- nobody is granted it; only the owner `hr_owner`, `dbo` and `db_owner` members hold it.

**INSERT**:
- nobody is granted it; only the owner `hr_owner`, `dbo` and `db_owner` members hold it.

**UPDATE**:
- nobody is granted it; only the owner `hr_owner`, `dbo` and `db_owner` members hold it.

**DELETE**:
- nobody is granted it; only the owner `hr_owner`, `dbo` and `db_owner` members hold it.

**Reached through modules**:
- `payroll_app` through `dbo.RaiseSalary` (SELECT, Procedures/RaiseSalary.sql:9): the ownership chain breaks (`dbo` owns the module, `hr_owner` the object); the context `payroll_app` lacks SELECT
- `payroll_app` through `dbo.RaiseSalary` (UPDATE, Procedures/RaiseSalary.sql:9): the ownership chain breaks (`dbo` owns the module, `hr_owner` the object); the context `payroll_app` lacks UPDATE";
    let mut sections = text.split("\n\n---\n\n");
    assert_eq!(sections.next(), Some(expected));
    // The name is also where PRM002 points: its documentation follows.
    assert!(
        sections
            .next()
            .is_some_and(|s| s.starts_with("**PRM002** missing-object-permission (error)")),
        "{text}"
    );
    client.shutdown();
}

#[test]
fn a_procedure_shows_its_execution_context_and_who_may_execute_it() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let search = uri(root, "Procedures/Search.sql");
    let (text, range) = hover(&mut client, &search, 1, 25);
    assert_eq!(range, (1, 21, 35));
    assert!(
        text.starts_with("**procedure** `dbo.SearchSalaries`"),
        "{text}"
    );
    assert!(
        text.contains("**Runs as** `dbo` (EXECUTE AS OWNER)."),
        "{text}"
    );
    assert!(
        text.contains(
            "**EXECUTE**:\n- `payroll_app` (role): GRANT EXECUTE on `dbo.SearchSalaries` (Security/Grants.sql:2)"
        ),
        "{text}"
    );
    client.shutdown();
}

#[test]
fn a_role_shows_its_kind_roles_and_grants() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let principals = uri(root, "Security/Principals.sql");
    let (text, range) = hover(&mut client, &principals, 1, 15);
    assert_eq!(range, (1, 12, 23));
    let expected = "\
**role** `payroll_app`

Defined at Security/Principals.sql:2.

**Member of**:
- `public`

**Permissions**:
- GRANT EXECUTE on `dbo.RaiseSalary` (Security/Grants.sql:1)
- GRANT EXECUTE on `dbo.SearchSalaries` (Security/Grants.sql:2)";
    assert_eq!(text, expected);
    // A user others may impersonate says so.
    let (owner, _) = hover(&mut client, &principals, 3, 14);
    assert!(
        owner.starts_with("**user** `hr_owner`\n\nWithout login."),
        "{owner}"
    );
    assert!(owner.contains("**Owns**: schema `hr`."), "{owner}");
    assert!(
        owner.contains(
            "**Permissions on it**:\n- GRANT IMPERSONATE to `support` (Security/Grants.sql:3)"
        ),
        "{owner}"
    );
    client.shutdown();
}

#[test]
fn a_finding_shows_its_rule_documentation() {
    let project = payroll();
    let root = project.path();
    let mut client = started(root);
    let post = uri(root, "Scripts/Script.PostDeployment.sql");
    // On `EXECUTE` of `EXECUTE AS USER = 'hr_owner'`, which only the finding covers.
    let (text, range) = hover(&mut client, &post, 3, 2);
    assert_eq!(range.0, 3);
    assert!(
        text.starts_with("**IMP003** missing-revert (warning)"),
        "{text}"
    );
    assert!(text.contains("\n**Why is this bad?**\n"), "{text}");
    assert!(text.contains("\n**How to fix**\n"), "{text}");
    assert!(!text.contains("## "), "no headings in a hover: {text}");
    // On the user's name: the user and the finding.
    let (both, range) = hover(&mut client, &post, 3, 21);
    assert_eq!(range, (3, 19, 27));
    assert!(both.starts_with("**user** `hr_owner`"), "{both}");
    assert!(both.contains("\n\n---\n\n**IMP003**"), "{both}");
    client.shutdown();
}

#[test]
fn roles_through_roles_schema_grants_and_denies_make_the_path() {
    let dir = fixture(&[(
        "security.sql",
        "\
CREATE ROLE readers;
GO
CREATE ROLE analysts;
GO
ALTER ROLE readers ADD MEMBER analysts;
GO
CREATE USER ana WITHOUT LOGIN;
GO
ALTER ROLE analysts ADD MEMBER ana;
GO
CREATE USER eve WITHOUT LOGIN;
GO
ALTER ROLE analysts ADD MEMBER eve;
GO
CREATE SCHEMA sales;
GO
CREATE TABLE sales.Orders (id int);
GO
GRANT SELECT ON SCHEMA::sales TO readers;
GO
DENY SELECT ON sales.Orders TO eve;
GO
",
    )]);
    let root = dir.path();
    let mut client = Client::start(root, capabilities(), json!({}));
    let script = uri(root, "security.sql");
    // `Orders` in the DENY.
    let (table, _) = hover(&mut client, &script, 20, 22);
    let select = "\
**SELECT**:
- `readers` (role): GRANT SELECT on schema `sales` (security.sql:19); members: `analysts` (security.sql:5), `ana` (security.sql:9 → security.sql:5), `eve` (security.sql:13 → security.sql:5)
- DENY SELECT on `sales.Orders` to `eve` (security.sql:21)";
    assert!(table.contains(select), "{table}");
    assert!(
        table.contains(
            "**Owner**: `dbo`, by default: schema `sales` has no AUTHORIZATION, so `dbo` owns it."
        ),
        "{table}"
    );
    // `ana` on its CREATE USER.
    let (ana, range) = hover(&mut client, &script, 6, 13);
    assert_eq!(range, (6, 12, 15));
    let expected = "\
**user** `ana`

Without login.

Defined at security.sql:7.

**Member of**:
- `analysts` (security.sql:9)
- `public`
- `readers` (security.sql:9 → security.sql:5)

**Permissions**:
- GRANT SELECT on schema `sales`, through `readers` (security.sql:19)";
    assert_eq!(ana, expected);
    let (eve, _) = hover(&mut client, &script, 10, 13);
    assert!(
        eve.contains("- DENY SELECT on `sales.Orders` (security.sql:21)"),
        "{eve}"
    );
    client.shutdown();
}

#[test]
fn an_external_name_shows_its_assembly_permission_set_and_owner() {
    let dir = fixture(&[(
        "clr.sql",
        "\
CREATE ASSEMBLY Tools AUTHORIZATION dbo FROM 0x4D5A WITH PERMISSION_SET = EXTERNAL_ACCESS;
GO
CREATE PROCEDURE dbo.Fetch AS EXTERNAL NAME Tools.[Acme.Net].Fetch;
GO
",
    )]);
    let root = dir.path();
    let mut client = Client::start(root, capabilities(), json!({}));
    let script = uri(root, "clr.sql");
    // On the method part.
    let (text, range) = hover(&mut client, &script, 2, 63);
    assert_eq!(range, (2, 30, 66));
    let expected = "\
**CLR entry point** `dbo.Fetch`: assembly `Tools`, class `Acme.Net`, method `Fetch`

**assembly** `Tools`

Defined at clr.sql:1.

**Permission set**: EXTERNAL_ACCESS (clr.sql:1).

**Owner**: `dbo` (clr.sql:1).

**Entry points**: `dbo.Fetch` (clr.sql:3).";
    assert!(text.starts_with(expected), "{text}");
    // On the assembly part: the assembly alone.
    let (assembly, range) = hover(&mut client, &script, 2, 46);
    assert_eq!(range, (2, 44, 49));
    assert!(assembly.starts_with("**assembly** `Tools`"), "{assembly}");
    client.shutdown();
}

#[test]
fn a_hover_range_after_non_ascii_text_is_in_utf16_columns() {
    let dir = fixture(&[(
        "script.sql",
        "/* é𝄞 */ GRANT SELECT ON dbo.Tab TO public;\nGO\nCREATE TABLE dbo.Tab (id int);\nGO\n",
    )]);
    let root = dir.path();
    let mut client = Client::start(root, capabilities(), json!({}));
    let script = uri(root, "script.sql");
    let (text, range) = hover(&mut client, &script, 0, 32);
    assert_eq!(range, (0, 30, 33));
    assert!(text.starts_with("**table** `dbo.Tab`"), "{text}");
    assert!(
        text.contains("- `public` (role): GRANT SELECT on `dbo.Tab` (script.sql:1)"),
        "{text}"
    );
    // Nothing is known on a comment.
    let nothing = client.request("textDocument/hover", at(&script, 0, 4));
    assert_eq!(nothing.result, Some(Value::Null));
    client.shutdown();
}
