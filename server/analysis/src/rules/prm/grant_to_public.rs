//! PRM005 grant-to-public: a GRANT to `public` on a database object or schema.

use std::collections::BTreeMap;

use syntax::ast::{PermissionAction, StatementKind};

use super::{and_list, finding, securable_phrase};
use crate::diagnostic::{Code, Diagnostic, Location, Severity};
use crate::model::Scope;
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Prm005,
        name: "grant-to-public",
        severity: Severity::Warning,
        summary: "A permission on an object or schema is granted to public",
        doc: r#"## What it does
Reports every `GRANT … TO public` on a database object (table, view, procedure,
function, type, …) or a schema.

## Why is this bad?
Every database user belongs to `public` and cannot leave it, including users created
later and `guest` when it is enabled. A grant to `public` therefore reaches principals
nobody reviewed, and it cannot be taken away from one of them without a `DENY`.

## Example
```sql
CREATE TABLE dbo.audit_log (id int PRIMARY KEY, msg nvarchar(4000));
GO
GRANT SELECT ON dbo.audit_log TO public;
```

## How to fix
Create a role for the principals that need the permission, grant it to that role, add
them to it, and `REVOKE` the grant from `public`.

## References
- [Database-level roles: public](https://learn.microsoft.com/sql/relational-databases/security/authentication-access/database-level-roles)
- [GRANT object permissions](https://learn.microsoft.com/sql/t-sql/statements/grant-object-permissions-transact-sql)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let public = model.public();
    let mut statements: BTreeMap<Location, (Vec<syntax::Name>, String)> = BTreeMap::new();
    for change in model.permission_changes() {
        if change.action != PermissionAction::Grant || change.principal != public {
            continue;
        }
        let on_object_or_schema = match &change.scope {
            Scope::Object(_) | Scope::Schema(_) | Scope::Other(_) => true,
            Scope::Unresolved(unresolved) => {
                matches!(unresolved.class.as_str(), "OBJECT" | "SCHEMA" | "TYPE")
            }
            _ => false,
        };
        if !on_object_or_schema {
            continue;
        }
        let entry = statements
            .entry(change.location)
            .or_insert_with(|| (Vec::new(), securable_phrase(model, &change.scope)));
        if !entry.0.contains(&change.permission) {
            entry.0.push(change.permission.clone());
        }
    }
    // A GRANT that runs in another database (after `USE msdb`) is outside the model, so
    // it is not among the permission changes; it still gives `public` the permission
    // there, which is as much a risk: it is judged from the statement as written.
    for (location, statement, database) in super::other_database_statements(model) {
        let StatementKind::Permission(permission) = &statement.kind else {
            continue;
        };
        let Some(securable) = &permission.securable else {
            continue;
        };
        let on_object_or_schema = matches!(
            securable.class.as_deref(),
            None | Some("OBJECT" | "SCHEMA" | "TYPE")
        );
        let to_public = permission
            .principals
            .iter()
            .any(|p| p.value.eq_ignore_ascii_case("public"));
        if permission.action != PermissionAction::Grant || !on_object_or_schema || !to_public {
            continue;
        }
        let entry = statements.entry(location).or_insert_with(|| {
            (
                Vec::new(),
                format!(
                    "{} in database `{database}`",
                    super::written_securable(securable)
                ),
            )
        });
        for p in &permission.permissions {
            if !entry.0.contains(&p.name) {
                entry.0.push(p.name.clone());
            }
        }
    }
    for (location, (permissions, securable)) in statements {
        let mut diagnostic = finding(
            &RULE.meta,
            location,
            format!(
                "{} on {securable} is granted to `public`: every user of the database gets it, including users created later and `guest` when enabled",
                and_list(&permissions)
            ),
        );
        diagnostic.fix = Some(
            "grant the permission to a role whose members need it, and REVOKE it from public"
                .to_owned(),
        );
        out.push(diagnostic);
    }
}
