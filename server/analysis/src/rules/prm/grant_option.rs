//! PRM007 grant-option: a GRANT … WITH GRANT OPTION.

use std::collections::BTreeMap;

use syntax::ast::{PermissionAction, StatementKind};

use super::{and_list, finding, securable_phrase};
use crate::diagnostic::{Code, Diagnostic, Location, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Prm007,
        name: "grant-option",
        severity: Severity::Note,
        summary: "A permission is granted WITH GRANT OPTION",
        doc: r#"## What it does
Reports every `GRANT … WITH GRANT OPTION`.

## Why is this bad?
The grantee may grant the permission on to any other principal, so who holds it is no
longer decided by the project's scripts alone. Revoking it later needs `CASCADE` to take
it back from everyone it was passed to.

## Example
```sql
CREATE TABLE dbo.audit_log (id int PRIMARY KEY);
CREATE ROLE auditors;
GO
GRANT SELECT ON dbo.audit_log TO auditors WITH GRANT OPTION;
```

## How to fix
Grant without `WITH GRANT OPTION`, and let the project's scripts grant the permission to
each principal that needs it.

## References
- [GRANT (Transact-SQL)](https://learn.microsoft.com/sql/t-sql/statements/grant-transact-sql)
- [REVOKE: CASCADE](https://learn.microsoft.com/sql/t-sql/statements/revoke-transact-sql)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let mut statements: BTreeMap<Location, (Vec<syntax::Name>, Vec<String>, String)> =
        BTreeMap::new();
    for change in model.permission_changes() {
        if change.action != PermissionAction::Grant || !change.with_grant_option {
            continue;
        }
        let entry = statements.entry(change.location).or_insert_with(|| {
            (
                Vec::new(),
                Vec::new(),
                securable_phrase(model, &change.scope),
            )
        });
        if !entry.0.contains(&change.permission) {
            entry.0.push(change.permission.clone());
        }
        let who = format!("`{}`", model.principal_name(change.principal));
        if !entry.1.contains(&who) {
            entry.1.push(who);
        }
    }
    // The same in another database (after `USE`), judged from the statement as written.
    for (location, statement, database) in super::other_database_statements(model) {
        let StatementKind::Permission(permission) = &statement.kind else {
            continue;
        };
        if permission.action != PermissionAction::Grant || !permission.with_grant_option {
            continue;
        }
        let securable = permission
            .securable
            .as_ref()
            .map_or_else(|| "the database".to_owned(), super::written_securable);
        statements.insert(
            location,
            (
                permission
                    .permissions
                    .iter()
                    .map(|p| p.name.as_str().into())
                    .collect(),
                permission
                    .principals
                    .iter()
                    .map(|p| format!("`{}`", p.value))
                    .collect(),
                format!("{securable} in database `{database}`"),
            ),
        );
    }
    for (location, (permissions, principals, securable)) in statements {
        let mut diagnostic = finding(
            &RULE.meta,
            location,
            format!(
                "{} may grant {} on {securable} to anyone (WITH GRANT OPTION): who holds it is no longer decided by the project",
                and_list(&principals),
                and_list(&permissions)
            ),
        );
        diagnostic.fix = Some("remove WITH GRANT OPTION".to_owned());
        out.push(diagnostic);
    }
}
