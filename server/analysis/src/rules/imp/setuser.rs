//! IMP006 setuser: the deprecated `SETUSER` statement with a user name.

use syntax::ast::StatementKind;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::walk;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Imp006,
        name: "setuser",
        severity: Severity::Warning,
        summary: "The deprecated SETUSER statement impersonates a user",
        doc: r#"## What it does
Reports `SETUSER 'name'`. A bare `SETUSER`, which returns to the original identity, is
not reported.

## Why is this bad?
`SETUSER` is kept only for backward compatibility and may be removed from SQL Server. It
lets a `db_owner` or sysadmin take on another user's identity with none of the rules
that `EXECUTE AS` enforces: no `IMPERSONATE` permission is checked, it cannot be limited
to a module, and it is easy to forget to undo.

## Example
```sql
SETUSER 'loader';
```

## How to fix
Use `EXECUTE AS USER = 'name'` followed by `REVERT`, or better, a module with `WITH
EXECUTE AS` or signed with a certificate that holds only the permissions the task needs.

## References
- [SETUSER](https://learn.microsoft.com/sql/t-sql/statements/setuser-transact-sql)
- [EXECUTE AS](https://learn.microsoft.com/sql/t-sql/statements/execute-as-transact-sql)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for stmt in walk::statements(context) {
        if let StatementKind::SetUser { user: Some(user) } = &stmt.statement.kind {
            out.push(walk::finding(
                &RULE.meta,
                stmt.file,
                stmt.statement.range,
                format!(
                    "SETUSER '{user}' is deprecated and impersonates '{user}' without the checks of EXECUTE AS. Use EXECUTE AS USER = '{user}' with a REVERT, or a module that runs with only the permissions it needs."
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::testing::check;

    #[test]
    fn setuser_with_a_name_is_reported() {
        check(
            "SETUSER 'loader'; --! IMP006: SETUSER 'loader' is deprecated and impersonates 'loader' without the checks of EXECUTE AS. Use EXECUTE AS USER = 'loader' with a REVERT, or a module that runs with only the permissions it needs.\n\
             SETUSER;\n\
             GO\n\
             setuser N'Loader' --! IMP006\n\
             GO\n",
        );
    }
}
