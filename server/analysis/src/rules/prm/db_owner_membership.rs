//! PRM009 db-owner-membership: adding a member to `db_owner` or `sysadmin`.

use super::{finding, related};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use syntax::ast::StatementKind;

use crate::rules::walk;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Prm009,
        name: "db-owner-membership",
        severity: Severity::Warning,
        summary: "A member is added to db_owner or sysadmin",
        doc: r#"## What it does
Reports `ALTER ROLE db_owner ADD MEMBER`, `sp_addrolemember 'db_owner', …`, `ALTER SERVER
ROLE sysadmin ADD MEMBER` and `sp_addsrvrolemember …, 'sysadmin'`.

## Why is this bad?
A `db_owner` member can do anything in the database, including changing permissions,
altering any module and dropping the database; in a TRUSTWORTHY database it can reach
server scope. A `sysadmin` member can do anything on the server. Such membership should
be granted by an administrator outside the application's deployment.

## Example
```sql
CREATE USER ops WITHOUT LOGIN;
GO
ALTER ROLE db_owner ADD MEMBER ops;
```

## How to fix
Grant the permissions the principal needs (or membership in narrower roles such as
`db_datareader`), instead of `db_owner`.

## References
- [Database-level roles](https://learn.microsoft.com/sql/relational-databases/security/authentication-access/database-level-roles)
- [Server-level roles](https://learn.microsoft.com/sql/relational-databases/security/authentication-access/server-level-roles)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for change in model.membership_changes() {
        if !change.add || (change.role != model.db_owner() && change.role != model.sysadmin()) {
            continue;
        }
        let role = model.principal_name(change.role);
        let member = model.principal_name(change.member);
        let scope = if change.role == model.sysadmin() {
            "anything on the server"
        } else {
            "anything in the database, including changing permissions and dropping it"
        };
        let mut diagnostic = finding(
            &RULE.meta,
            change.location,
            format!("`{member}` is added to `{role}`: it can do {scope}"),
        );
        diagnostic.fix = Some(format!(
            "grant `{member}` the specific permissions it needs instead of membership in `{role}`"
        ));
        if let Some(location) = model.principal(change.member).location {
            diagnostic
                .related
                .push(related(location, format!("`{member}` is created here")));
        }
        out.push(diagnostic);
    }
    // The same in another database (after `USE`), judged from the statement as written:
    // `ALTER ROLE db_owner ADD MEMBER x` or `sp_addrolemember 'db_owner', 'x'`.
    for (location, statement, database) in super::other_database_statements(model) {
        let (role, member) = match &statement.kind {
            StatementKind::RoleMembership(m) if m.add && !m.server => {
                (m.role.value.clone(), m.member.value.clone())
            }
            StatementKind::Exec(exec) => {
                let Some(arguments) = walk::system_call(exec, "sp_addrolemember") else {
                    continue;
                };
                let text = |index: usize, name: &str| {
                    walk::argument(arguments, index, name)
                        .and_then(|a| walk::literal(&a.value))
                        .map(syntax::Name::from)
                };
                match (text(0, "@rolename"), text(1, "@membername")) {
                    (Some(role), Some(member)) => (role, member),
                    _ => continue,
                }
            }
            _ => continue,
        };
        if !role.trim().eq_ignore_ascii_case("db_owner") {
            continue;
        }
        let mut diagnostic = finding(
            &RULE.meta,
            location,
            format!(
                "`{member}` is added to `db_owner` in database `{database}`: it can do anything in that database, including changing permissions and dropping it"
            ),
        );
        diagnostic.fix = Some(format!(
            "grant `{member}` the specific permissions it needs instead of membership in `db_owner`"
        ));
        out.push(diagnostic);
    }
}
