//! SQL003 unused-suppression: a suppression comment that suppressed nothing, names an
//! unknown code, or gives no reason. Reported by
//! [`suppression::apply`](crate::suppression::apply), which runs after every rule.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Sql003,
        name: "unused-suppression",
        severity: Severity::Note,
        summary: "A suppression comment suppresses nothing or names an unknown code",
        doc: r#"## What it does
Reports a `-- sqlwarden-ignore CODE: reason` or `-- sqlwarden-ignore-file CODE: reason`
comment that silenced no finding, that names something that is neither a code nor a
group prefix, that names no code, or that gives no reason (a suppression without a reason
silences nothing).

## Why is this bad?
A stale suppression hides the next real finding of that code at that place, and a
misspelt one silences nothing while looking as if it did. The reason is what tells the
next reviewer why the finding was accepted.

## Example
```sql
-- sqlwarden-ignore CLR001: the vendor's assembly is reviewed yearly
CREATE TABLE dbo.t (id int);
```

## How to fix
Remove the suppression (or the codes in it that no longer apply), correct the code, or
add the reason after a colon.

## References
- [Comments (`--`) in Transact-SQL](https://learn.microsoft.com/sql/t-sql/language-elements/comment-transact-sql)
- [Slash star comment (`/* */`)](https://learn.microsoft.com/sql/t-sql/language-elements/slash-star-comment-transact-sql)
"#,
    },
    check,
};

/// Suppressions are judged after every rule has run, in `suppression::apply`.
fn check(_context: &Context<'_>, _out: &mut Vec<Diagnostic>) {}
