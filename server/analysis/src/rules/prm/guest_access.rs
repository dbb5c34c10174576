//! PRM010 guest-access: `GRANT CONNECT TO guest`.

use syntax::ast::PermissionAction;

use super::finding;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::Scope;
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Prm010,
        name: "guest-access",
        severity: Severity::Warning,
        summary: "The guest user is enabled with GRANT CONNECT",
        doc: r#"## What it does
Reports `GRANT CONNECT TO guest`.

## Why is this bad?
With `CONNECT` granted, `guest` lets every login of the server that has no user in the
database enter it, with the permissions of `guest` and `public`. Nobody reviews who those
logins are.

## Example
```sql
GRANT CONNECT TO guest;
```

## How to fix
Create users for the logins that need the database and `REVOKE CONNECT FROM guest`.

## References
- [guest user](https://learn.microsoft.com/sql/relational-databases/policy-based-management/guest-permissions-on-user-databases)
- [GRANT database permissions](https://learn.microsoft.com/sql/t-sql/statements/grant-database-permissions-transact-sql)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let Some(guest) = model.database_principal("guest") else {
        return;
    };
    for change in model.permission_changes() {
        if change.action == PermissionAction::Grant
            && change.principal == guest
            && change.permission == "CONNECT"
            && change.scope == Scope::Database
        {
            let mut diagnostic = finding(
                &RULE.meta,
                change.location,
                "CONNECT is granted to `guest`: every login of the server without a user here can enter the database as `guest`".to_owned(),
            );
            diagnostic.fix = Some("REVOKE CONNECT FROM guest".to_owned());
            out.push(diagnostic);
        }
    }
}
