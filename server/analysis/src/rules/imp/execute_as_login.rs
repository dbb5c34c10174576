//! IMP008 execute-as-login: `EXECUTE AS LOGIN`, impersonation at server scope.

use syntax::ast::{ExecuteAsKind, StatementKind};

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::walk;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Imp008,
        name: "execute-as-login",
        severity: Severity::Warning,
        summary: "EXECUTE AS LOGIN impersonates a login at server scope",
        doc: r#"## What it does
Reports the `EXECUTE AS LOGIN = 'name'` statement, in a script or in a module body.

## Why is this bad?
Impersonating a login is server-scoped: the session takes on the login's server
permissions and its identity in every database the login can reach. `EXECUTE AS USER` is
limited to the current database and is enough for almost every deployment or module task.

## Example
```sql
EXECUTE AS LOGIN = 'etl_service';
EXEC dbo.load_staging;
REVERT;
```

## How to fix
Use `EXECUTE AS USER = 'name'` for work inside the database. When server-level rights are
really needed, sign the module with a certificate and grant the permission to a login
created from that certificate.

## References
- [EXECUTE AS](https://learn.microsoft.com/sql/t-sql/statements/execute-as-transact-sql)
- [Extending database impersonation by using EXECUTE AS](https://learn.microsoft.com/sql/relational-databases/security/authentication-access/extending-database-impersonation-by-using-execute-as)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for stmt in walk::statements(context) {
        let StatementKind::ExecuteAs(execute_as) = &stmt.statement.kind else {
            continue;
        };
        if execute_as.kind != ExecuteAsKind::Login {
            continue;
        }
        let login = execute_as
            .name
            .as_ref()
            .and_then(|n| n.literal_text())
            .map_or_else(|| "a login".to_owned(), |n| format!("'{n}'"));
        out.push(walk::finding(
            &RULE.meta,
            stmt.file,
            stmt.statement.range,
            format!(
                "EXECUTE AS LOGIN impersonates {login} at server scope, with its server permissions and its access to every database. Use EXECUTE AS USER for work inside this database, or a module signed with a certificate for server-level rights."
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::testing::check;

    #[test]
    fn login_impersonation_is_reported_in_scripts_and_modules() {
        check(
            "EXECUTE AS LOGIN = 'etl_service'; --! IMP008: EXECUTE AS LOGIN impersonates 'etl_service' at server scope, with its server permissions and its access to every database. Use EXECUTE AS USER for work inside this database, or a module signed with a certificate for server-level rights.\n\
             REVERT;\n\
             GO\n\
             CREATE PROCEDURE dbo.p AS\n\
             BEGIN\n\
                 execute as login = N'agent'; --! IMP008\n\
                 REVERT;\n\
             END\n\
             GO\n\
             EXECUTE AS USER = 'loader';\n\
             REVERT;\n",
        );
    }
}
