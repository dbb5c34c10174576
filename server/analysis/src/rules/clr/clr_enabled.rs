//! CLR010 clr-enabled: `sp_configure 'clr enabled', 1`.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::walk;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Clr010,
        name: "clr-enabled",
        severity: Severity::Note,
        summary: "sp_configure enables CLR integration",
        doc: r#"## What it does
Reports `sp_configure 'clr enabled', 1` in any spelling (with or without `EXEC`, `sys.`,
named or positional arguments).

## Why is this bad?
It is often needed, but it is a server-wide decision: once CLR is enabled, user
assemblies in every database on the instance can run. A database project that turns it
on decides for every other database on the server.

## Example
```sql
EXEC sp_configure 'clr enabled', 1;
RECONFIGURE;
```

## How to fix
Enable CLR in the server's configuration, reviewed by whoever owns the instance, rather
than in a database deployment; keep `clr strict security` on and every assembly signed and
as restricted as it can be.

## References
- [Server configuration: clr enabled](https://learn.microsoft.com/sql/database-engine/configure-windows/clr-enabled-server-configuration-option)
- [sp_configure](https://learn.microsoft.com/sql/relational-databases/system-stored-procedures/sp-configure-transact-sql)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for stmt in walk::statements(context) {
        if let Some(call) = walk::sp_configure(stmt.statement)
            && call.option == "clr enabled"
            && call.value == Some(1)
        {
            out.push(walk::finding(
                &RULE.meta,
                stmt.file,
                stmt.statement.range,
                "sp_configure enables 'clr enabled': user assemblies in every database on the instance can then run. Make it a reviewed server setting, keep 'clr strict security' on, and sign every assembly.".to_owned(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::testing::check;

    #[test]
    fn enabling_clr_is_reported() {
        check(
            "EXEC sp_configure 'clr enabled', 1; --! CLR010: sp_configure enables 'clr enabled': user assemblies in every database on the instance can then run. Make it a reviewed server setting, keep 'clr strict security' on, and sign every assembly.\n\
             exec SYS.sp_configure @configname='clr enabled', @configvalue=1 --! CLR010\n\
             EXEC sp_configure 'clr enab', '1'; --! CLR010\n\
             EXEC sp_configure 'clr enabled', 0;\n\
             EXEC sp_configure 'clr enabled';\n\
             GO\n\
             CREATE PROCEDURE dbo.enable_clr AS\n\
                 EXEC sp_configure 'clr enabled', 1; --! CLR010\n\
             GO\n",
        );
    }
}
