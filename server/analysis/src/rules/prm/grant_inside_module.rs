//! PRM011 grant-inside-module: a GRANT/DENY/REVOKE inside a procedure, function or
//! trigger body.

use std::collections::BTreeSet;

use syntax::ast::{PermissionAction, StatementKind};

use super::{finding, related};
use crate::diagnostic::{Code, Diagnostic, Location, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Prm011,
        name: "grant-inside-module",
        severity: Severity::Warning,
        summary: "A GRANT, DENY or REVOKE is part of a module body",
        doc: r#"## What it does
Reports a `GRANT`, `DENY` or `REVOKE` inside the body of a procedure, function or
trigger.

## Why is this bad?
Almost always a `GO` is missing after the module: the permission statement became part
of the body, so it is not applied at deployment and instead runs every time the module
runs (and fails there unless the caller may grant).

## Example
```sql
CREATE ROLE app;
GO
CREATE PROCEDURE dbo.touch
AS
    SELECT 1;
GRANT EXECUTE ON dbo.touch TO app;
```

## How to fix
End the module with `GO` before the permission statement.

## References
- [CREATE PROCEDURE: the body ends at the end of the batch](https://learn.microsoft.com/sql/t-sql/statements/create-procedure-transact-sql)
- [GO (Transact-SQL)](https://learn.microsoft.com/sql/t-sql/language-elements/sql-server-utilities-statements-go)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let mut seen: BTreeSet<Location> = BTreeSet::new();
    for change in model.permission_changes() {
        if !change.in_module || !seen.insert(change.location) {
            continue;
        }
        let verb = match change.action {
            PermissionAction::Grant => "GRANT",
            PermissionAction::Deny => "DENY",
            PermissionAction::Revoke => "REVOKE",
        };
        let module = model.module_object_of(change.stmt);
        let name = module
            .map(|m| format!("`{}`", model.object_name(m)))
            .unwrap_or_else(|| "the module".to_owned());
        // A permission statement followed only by more of them ends the body: the
        // signature of a missing `GO`. One followed by other statements is deliberate,
        // and still applies at run time rather than at deployment.
        let trailing = module.and_then(|m| model.module(m)).is_some_and(|m| {
            m.body
                .iter()
                .skip_while(|s| s.range != change.location.range)
                .all(|s| matches!(s.kind, StatementKind::Permission(_)))
        });
        let message = if trailing {
            format!(
                "This {verb} is part of the body of {name}: it runs each time the module runs instead of once at deployment; a `GO` is probably missing before it"
            )
        } else {
            format!(
                "This {verb} runs each time {name} runs, not once at deployment: the permission changes at run time, outside what the deployment scripts show"
            )
        };
        let mut diagnostic = finding(&RULE.meta, change.location, message);
        diagnostic.fix = Some(if trailing {
            format!("add GO before the {verb}")
        } else {
            format!("move the {verb} to the deployment scripts")
        });
        if let Some(module) = module {
            diagnostic.related.push(related(
                model.object(module).location,
                format!("{name} is defined here"),
            ));
        }
        out.push(diagnostic);
    }
}
