//! PRM008 high-privilege-permission: CONTROL on the database or a schema, TAKE
//! OWNERSHIP, ALTER ANY USER/ROLE/SCHEMA/ASSEMBLY/LOGIN, CONTROL SERVER.

use std::collections::BTreeSet;

use syntax::ast::{PermissionAction, StatementKind};

use super::{finding, securable_phrase};
use crate::diagnostic::{Code, Diagnostic, Location, Severity};
use crate::model::Scope;
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Prm008,
        name: "high-privilege-permission",
        severity: Severity::Warning,
        summary: "A high-privilege permission is granted",
        doc: r#"## What it does
Reports a `GRANT` of `CONTROL` on the database or a schema, `TAKE OWNERSHIP`, `ALTER ANY
USER`, `ALTER ANY ROLE`, `ALTER ANY SCHEMA`, `ALTER ANY ASSEMBLY`, `CONTROL SERVER` or
`ALTER ANY LOGIN`.

## Why is this bad?
Each of these lets the grantee give itself, or others, far more than the permission's
name suggests: `CONTROL` on the database is close to `db_owner`, `TAKE OWNERSHIP` makes
the grantee the owner of the securable, `ALTER ANY USER`/`ROLE`/`SCHEMA` reshape who may
do what, `ALTER ANY ASSEMBLY` loads code into the server, and `CONTROL SERVER` is close to
`sysadmin`.

## Example
```sql
CREATE USER ops WITHOUT LOGIN;
GO
GRANT TAKE OWNERSHIP ON SCHEMA::dbo TO ops;
```

## How to fix
Grant the narrow permissions the principal needs on the objects it works with, or wrap
the privileged operation in a module signed with a certificate.

## References
- [Permissions (Database Engine)](https://learn.microsoft.com/sql/relational-databases/security/permissions-database-engine)
- [GRANT database permissions](https://learn.microsoft.com/sql/t-sql/statements/grant-database-permissions-transact-sql)
- [GRANT server permissions](https://learn.microsoft.com/sql/t-sql/statements/grant-server-permissions-transact-sql)
"#,
    },
    check,
};

/// Why a permission is high-privilege, when it is one at this scope.
fn danger(permission: &str, scope: &Scope) -> Option<&'static str> {
    Some(match (permission, scope) {
        ("CONTROL", Scope::Database) => "it grants every permission in the database",
        ("CONTROL", Scope::Schema(_)) => "it grants every permission on every object in the schema",
        ("TAKE OWNERSHIP", _) => {
            "the grantee can make itself the owner and then do anything with it"
        }
        ("ALTER ANY USER", _) => "the grantee can create, change and drop any user",
        ("ALTER ANY ROLE", _) => {
            "the grantee can create roles and change the membership of any role it owns"
        }
        ("ALTER ANY SCHEMA", _) => "the grantee can create, change and drop any schema",
        ("ALTER ANY ASSEMBLY", _) => "the grantee can load CLR code into the server",
        ("CONTROL SERVER", _) => "it is nearly equivalent to sysadmin",
        ("ALTER ANY LOGIN", _) => "the grantee can create logins and change any login's password",
        _ => return None,
    })
}

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let mut seen: BTreeSet<(Location, String)> = BTreeSet::new();
    for change in model.permission_changes() {
        if change.action != PermissionAction::Grant {
            continue;
        }
        let Some(why) = danger(&change.permission, &change.scope) else {
            continue;
        };
        let who = model.principal_name(change.principal);
        if !seen.insert((change.location, format!("{}/{who}", change.permission))) {
            continue;
        }
        let on = match &change.scope {
            Scope::Database | Scope::Server => String::new(),
            scope => format!(" on {}", securable_phrase(model, scope)),
        };
        let mut diagnostic = finding(
            &RULE.meta,
            change.location,
            format!("`{who}` is granted {}{on}: {why}", change.permission),
        );
        diagnostic.fix =
            Some("grant only the narrow permissions needed on the objects concerned".to_owned());
        out.push(diagnostic);
    }
    // The same in another database (after `USE`), judged from the statement as written.
    for (location, statement, database) in super::other_database_statements(model) {
        let StatementKind::Permission(permission) = &statement.kind else {
            continue;
        };
        if permission.action != PermissionAction::Grant {
            continue;
        }
        let class = permission.securable.as_ref().map(|s| s.class.as_deref());
        for p in &permission.permissions {
            let why = match (p.name.as_str(), class) {
                ("CONTROL", None | Some(Some("DATABASE"))) => danger("CONTROL", &Scope::Database),
                ("CONTROL", Some(Some("SCHEMA"))) => {
                    Some("it grants every permission on every object in the schema")
                }
                ("CONTROL", _) => None,
                (name, _) => danger(name, &Scope::Server),
            };
            let Some(why) = why else {
                continue;
            };
            let on = match &permission.securable {
                Some(securable) if class != Some(Some("DATABASE")) => {
                    format!(" on {}", super::written_securable(securable))
                }
                _ => String::new(),
            };
            for who in &permission.principals {
                if !seen.insert((location, format!("{}/{}", p.name, who.value))) {
                    continue;
                }
                let mut diagnostic = finding(
                    &RULE.meta,
                    location,
                    format!(
                        "`{}` is granted {}{on} in database `{database}`: {why}",
                        who.value, p.name
                    ),
                );
                diagnostic.fix = Some(
                    "grant only the narrow permissions needed on the objects concerned".to_owned(),
                );
                out.push(diagnostic);
            }
        }
    }
}
