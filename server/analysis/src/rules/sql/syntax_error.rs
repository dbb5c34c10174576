//! SQL001 syntax-error: text that the grammar cannot parse, one finding per error region.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::walk;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Sql001,
        name: "syntax-error",
        severity: Severity::Error,
        summary: "Text that the T-SQL grammar cannot parse",
        doc: r#"## What it does
Reports each region of a script that the T-SQL grammar cannot parse: one finding per
region (neighbouring errors merge), never a cascade of follow-on errors.

## Why is this bad?
sqlwarden cannot see what the text does: the statement, and whatever depends on it
(grants, ownership chains and dynamic SQL inside it), are not analysed, so other findings
may be missing until it parses. Where the text is not valid T-SQL the deployment fails
too; where SQL Server accepts it and only sqlwarden's grammar does not, it is a gap in
sqlwarden.

## Example
```sql
SELECT * FROM WHERE id = 1;
```

## How to fix
Correct the statement. When the text is valid T-SQL that sqlwarden does not understand,
report it as a grammar bug and suppress the finding with `-- sqlwarden-ignore SQL001:
reason` meanwhile.

## References
- [Transact-SQL syntax conventions](https://learn.microsoft.com/sql/t-sql/language-elements/transact-sql-syntax-conventions-transact-sql)
- [SQL Server utilities statements (GO)](https://learn.microsoft.com/sql/t-sql/language-elements/sql-server-utilities-statements-go)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for file in walk::files(context.workspace, context.project) {
        let Some(parsed) = context.workspace.scripts.get(&file) else {
            continue;
        };
        for error in &parsed.errors {
            out.push(walk::finding(
                &RULE.meta,
                file,
                error.range,
                format!(
                    "sqlwarden could not parse this statement ({}), so it and what depends on it were not analysed.",
                    error.message
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::testing::check;

    #[test]
    fn each_error_region_is_reported_once_and_the_rest_is_analysed() {
        check(
            "SELECT * FROM dbo.t WHERE; --! SQL001: sqlwarden could not parse this statement (unexpected `WHERE`), so it and what depends on it were not analysed.\n\
             GO\n\
             CREATE USER helper WITHOUT LOGIN;\n\
             GO\n\
             SELECT FROM FROM; --! SQL001\n\
             GO\n\
             CREATE PROCEDURE dbo.p AS\n\
             BEGIN\n\
                 SELECT 1 +; --! SQL001\n\
             END\n\
             GO\n\
             GRANT IMPERSONATE ON USER::dbo TO helper; --! IMP002\n",
        );
    }

    // The shape of the shared example p10: the error must stay inside the procedure.
    // An error in one batch no longer hides the later ones (the syntax layer parses each
    // batch on its own when a file has an error), so the IMP002 two batches later is found;
    // and it is reported at the statement the grammar cannot read.
    #[test]
    fn an_error_in_a_batch_leaves_the_later_batches_alone() {
        check(
            "CREATE PROCEDURE dbo.half_written @id int\n\
             AS\n\
             BEGIN\n\
                 SELECT * FROM WHERE id = @id; --! SQL001\n\
             END\n\
             GO\n\
             CREATE USER helper WITHOUT LOGIN;\n\
             GO\n\
             GRANT IMPERSONATE ON USER::dbo TO helper; --! IMP002\n",
        );
    }

    #[test]
    fn valid_text_has_no_syntax_error() {
        check("CREATE TABLE dbo.t (id int PRIMARY KEY);\nGO\nSELECT id FROM dbo.t;\n");
    }

    #[test]
    fn errors_in_included_files_point_into_them() {
        check(
            "=== file: main.sql\n\
             :r part.sql\n\
             === file: part.sql\n\
             SELECT FROM FROM; --! SQL001\n",
        );
    }
}
