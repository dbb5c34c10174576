//! IMP003 missing-revert: `EXECUTE AS USER/LOGIN` in a script that no `REVERT` undoes
//! before the script ends, and `EXECUTE AS … WITH NO REVERT`.

use syntax::ast::{ExecuteAsKind, ExecuteAsStatement, StatementKind};

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::walk::{self, Stmt};
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Imp003,
        name: "missing-revert",
        severity: Severity::Warning,
        summary: "EXECUTE AS in a script is not undone by REVERT",
        doc: r#"## What it does
Reports an `EXECUTE AS USER` or `EXECUTE AS LOGIN` statement in a script (outside any
module) that no `REVERT` undoes before the script ends, and every `EXECUTE AS … WITH NO
REVERT`. A script is one file with its `:r` includes expanded. `EXECUTE AS` and `REVERT`
pair like a stack, across `GO` batches, because the execution context belongs to the
session and outlives the batch. Inside a procedure, function or trigger the context ends
when the module returns, so modules are not reported.

## Why is this bad?
Everything after the statement runs as the impersonated principal: the rest of the
deployment script, the post-deployment steps, and whatever else the session runs. Steps
that should fail for lack of permission succeed, or steps that need the deployer's rights
fail in a confusing way. `WITH NO REVERT` makes the switch permanent for the session.

## Example
```sql
EXECUTE AS USER = 'loader';
INSERT INTO dbo.flags (name) VALUES (N'ready');
GO
```

## How to fix
Add `REVERT;` after the statements that need the other context (in the same script), and
do not use `WITH NO REVERT` in deployment scripts.

## References
- [EXECUTE AS](https://learn.microsoft.com/sql/t-sql/statements/execute-as-transact-sql)
- [REVERT](https://learn.microsoft.com/sql/t-sql/statements/revert-transact-sql)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let statements = walk::statements(context);
    let mut open: Vec<(Stmt<'_>, &ExecuteAsStatement)> = Vec::new();
    let mut script = None;
    for stmt in statements {
        if script != Some(stmt.root) {
            report_open(&mut open, out);
            script = Some(stmt.root);
        }
        // Inside dynamic SQL the context ends with the dynamic batch, as it ends when a
        // module returns ("Changes in database context last only until the end of the
        // EXECUTE statement", and a context switched there is popped with it).
        if stmt.module.is_some() || stmt.dynamic.is_some() {
            continue;
        }
        match &stmt.statement.kind {
            StatementKind::ExecuteAs(execute_as) if execute_as.kind != ExecuteAsKind::Caller => {
                if execute_as.no_revert {
                    let who = describe(execute_as);
                    out.push(walk::finding(
                        &RULE.meta,
                        stmt.file,
                        stmt.statement.range,
                        format!(
                            "EXECUTE AS {who} WITH NO REVERT can never be undone: the session keeps that context until it ends. Remove NO REVERT and add REVERT after the statements that need the context."
                        ),
                    ));
                } else {
                    open.push((stmt, execute_as));
                }
            }
            StatementKind::Revert => {
                open.pop();
            }
            _ => {}
        }
    }
    report_open(&mut open, out);
}

fn report_open(open: &mut Vec<(Stmt<'_>, &ExecuteAsStatement)>, out: &mut Vec<Diagnostic>) {
    for (stmt, execute_as) in open.drain(..) {
        let who = describe(execute_as);
        out.push(walk::with_fix(
            walk::finding(
                &RULE.meta,
                stmt.file,
                stmt.statement.range,
                format!(
                    "EXECUTE AS {who} is not undone by a REVERT before the script ends: the rest of the deployment runs in that context. Add REVERT after the statements that need it."
                ),
            ),
            "REVERT;",
        ));
    }
}

/// `USER = 'name'` or `LOGIN = 'name'`, as the statement says it.
fn describe(execute_as: &ExecuteAsStatement) -> String {
    let kind = match execute_as.kind {
        ExecuteAsKind::User => "USER",
        ExecuteAsKind::Login => "LOGIN",
        ExecuteAsKind::Caller => "CALLER",
    };
    match execute_as.name.as_ref().and_then(|n| n.literal_text()) {
        Some(name) => format!("{kind} = '{name}'"),
        None => kind.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::testing::check;

    #[test]
    fn an_execute_as_without_revert_is_reported() {
        check(
            "EXECUTE AS USER = 'loader'; --! IMP003: EXECUTE AS USER = 'loader' is not undone by a REVERT before the script ends: the rest of the deployment runs in that context. Add REVERT after the statements that need it.\n\
             INSERT INTO dbo.flags (name) VALUES (N'ready');\n\
             GO\n",
        );
    }

    #[test]
    fn a_revert_in_a_later_batch_undoes_it() {
        check(
            "EXECUTE AS USER = 'loader';\n\
             GO\n\
             INSERT INTO dbo.flags (name) VALUES (N'ready');\n\
             GO\n\
             REVERT;\n\
             GO\n",
        );
    }

    #[test]
    fn nested_contexts_pair_as_a_stack() {
        check(
            "EXECUTE AS USER = 'outer'; --! IMP003\n\
             EXECUTE AS USER = 'inner';\n\
             REVERT;\n\
             GO\n\
             EXECUTE AS LOGIN = 'svc'; --! IMP003 | IMP008\n\
             EXECUTE AS USER = 'x';\n\
             REVERT;\n",
        );
    }

    #[test]
    fn cookies_case_and_caller_are_understood() {
        check(
            "DECLARE @c varbinary(8000);\n\
             execute as user = N'loader' with cookie into @c;\n\
             revert with cookie = @c;\n\
             GO\n\
             EXECUTE AS CALLER;\n",
        );
    }

    #[test]
    fn a_revert_before_any_execute_as_undoes_nothing_later() {
        check(
            "REVERT;\n\
             EXECUTE AS USER = 'late'; --! IMP003\n",
        );
    }

    #[test]
    fn no_revert_is_always_reported() {
        check(
            "EXECUTE AS USER = 'loader' WITH NO REVERT; --! IMP003: EXECUTE AS USER = 'loader' WITH NO REVERT can never be undone: the session keeps that context until it ends. Remove NO REVERT and add REVERT after the statements that need the context.\n\
             REVERT;\n",
        );
    }

    #[test]
    fn modules_are_not_reported() {
        check(
            "CREATE PROCEDURE dbo.p AS\n\
             BEGIN\n\
                 EXECUTE AS USER = 'loader';\n\
                 SELECT 1;\n\
             END\n\
             GO\n",
        );
    }

    #[test]
    fn each_script_is_judged_on_its_own_and_includes_belong_to_their_script() {
        check(
            "=== file: a.sql\n\
             EXECUTE AS USER = 'a'; --! IMP003\n\
             === file: b.sql\n\
             REVERT;\n\
             === file: c.sql\n\
             :r inc/switch.sql\n\
             SELECT 1;\n\
             :r inc/back.sql\n\
             === file: inc/switch.sql\n\
             EXECUTE AS USER = 'c';\n\
             === file: inc/back.sql\n\
             REVERT;\n",
        );
    }

    #[test]
    fn an_include_that_is_never_reverted_is_reported_in_the_included_file() {
        check(
            "=== file: Script.PostDeployment.sql\n\
             :r .\\switch.sql\n\
             SELECT 1;\n\
             === file: switch.sql\n\
             EXECUTE AS USER = 'loader'; --! IMP003\n",
        );
    }
}
