//! CLR006 trusted-assembly-list: `sp_add_trusted_assembly`.

use syntax::ast::StatementKind;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::walk;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Clr006,
        name: "trusted-assembly-list",
        severity: Severity::Note,
        summary: "sp_add_trusted_assembly adds an assembly hash to the server's trusted list",
        doc: r#"## What it does
Reports calls to `sys.sp_add_trusted_assembly`.

## Why is this bad?
An assembly whose SHA2_512 hash is on the server's trusted list loads under `clr strict
security` even when it is unsigned and the database is not TRUSTWORTHY. The list is
server-wide, nothing ties the hash to one database, and the entry outlives the assembly
unless someone removes it with `sp_drop_trusted_assembly`.

## Example
```sql
EXEC sys.sp_add_trusted_assembly
    @hash = 0x8893AD6D78D14EE43DF482E2EAD44123E3A0B684A8873C3F7BF3B5E8D8F09503,
    @description = N'pointudt, version=0.0.0.0, culture=neutral, publickeytoken=null, processorarchitecture=msil';
```

## How to fix
Prefer signing the assembly with a certificate or asymmetric key and granting `UNSAFE
ASSEMBLY` to a login created from that key. When the trusted list is the right tool,
record the assembly's canonical name in `@description` and drop the entry when the
assembly is dropped.

## References
- [sys.sp_add_trusted_assembly](https://learn.microsoft.com/sql/relational-databases/system-stored-procedures/sys-sp-add-trusted-assembly-transact-sql)
- [sys.trusted_assemblies](https://learn.microsoft.com/sql/relational-databases/system-catalog-views/sys-trusted-assemblies-transact-sql)
- [Server configuration: clr strict security](https://learn.microsoft.com/sql/database-engine/configure-windows/clr-strict-security)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for stmt in walk::statements(context) {
        let StatementKind::Exec(exec) = &stmt.statement.kind else {
            continue;
        };
        let Some(arguments) = walk::system_call(exec, "sp_add_trusted_assembly") else {
            continue;
        };
        let described = walk::argument(arguments, 1, "@description")
            .and_then(|a| walk::literal(&a.value))
            .map(|d| format!(" ('{d}')"))
            .unwrap_or_default();
        out.push(walk::finding(
            &RULE.meta,
            stmt.file,
            stmt.statement.range,
            format!(
                "sp_add_trusted_assembly adds an assembly{described} to the server's trusted list: it then loads without a signature, in any database, even under clr strict security. Prefer signing the assembly with a certificate or asymmetric key, and drop the entry with sp_drop_trusted_assembly when the assembly goes."
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::testing::check;

    #[test]
    fn trusted_list_additions_are_reported() {
        check(
            "EXEC sys.sp_add_trusted_assembly 0x8893AD, N'pointudt, version=0.0.0.0'; --! CLR006: sp_add_trusted_assembly adds an assembly ('pointudt, version=0.0.0.0') to the server's trusted list: it then loads without a signature, in any database, even under clr strict security. Prefer signing the assembly with a certificate or asymmetric key, and drop the entry with sp_drop_trusted_assembly when the assembly goes.\n\
             EXEC sp_add_trusted_assembly @hash = 0x8893AD; --! CLR006\n\
             EXEC sys.sp_drop_trusted_assembly 0x8893AD;\n",
        );
    }
}
