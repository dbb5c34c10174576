//! CLS002 mutable-static-field: a static field that is not `readonly` (or `const`) in a
//! SAFE or EXTERNAL_ACCESS assembly.

use syntax::csharp::FieldKind;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Cls002,
        name: "mutable-static-field",
        severity: Severity::Error,
        summary: "A static field that is not readonly, which CREATE ASSEMBLY refuses in a SAFE or EXTERNAL_ACCESS assembly",
        doc: r#"## What it does
Reports, in the C# of an assembly declared SAFE or EXTERNAL_ACCESS, a static field that
is neither `readonly` nor `const`, a static auto-property with a setter, and a static
field-like event (both have a compiler-made static field behind them). It is an error
where the target server enforces the declared permission set (before SQL Server 2017, or
with `clr strict security` off) and a warning where strict security is on.

## Why is this bad?
SQL Server verifies a SAFE or EXTERNAL_ACCESS assembly when `CREATE ASSEMBLY` runs, and
refuses one with a writable static field: static state is shared by every session in the
application domain, and the server may unload the domain at any time. The deployment
fails (error 6211 or 6212), or, under strict security, the assembly only loads as UNSAFE.

## Example
```sql
CREATE ASSEMBLY Counters FROM 0x4D5A900003 WITH PERMISSION_SET = SAFE;
```
```csharp
public static class Ids
{
    private static long last;
}
```

## How to fix
Make the field `readonly` (or `const`), or keep the state in a table. If the assembly must
keep state in memory, it must be UNSAFE, which needs a trust path and a review.

## References
- [CLR integration programming model restrictions](https://learn.microsoft.com/sql/relational-databases/clr-integration/database-objects/clr-integration-programming-model-restrictions)
- [CREATE ASSEMBLY](https://learn.microsoft.com/sql/t-sql/statements/create-assembly-transact-sql)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let severity = super::severity(context);
    for source in context.sources().iter().filter(|s| s.restricted()) {
        for (file, ty) in &source.code.types {
            for field in &ty.fields {
                if !field.is_mutable_static() {
                    continue;
                }
                let what = match field.kind {
                    FieldKind::Field => "static field",
                    FieldKind::AutoProperty { .. } => "static auto-property with a setter",
                    FieldKind::Event => "static event",
                };
                out.push(super::finding(
                    &RULE.meta,
                    severity,
                    *file,
                    field.name_range,
                    format!(
                        "{}.{} is a {what} that is not readonly, in assembly '{}' ({}): {}. Make it readonly or const, or keep the state in a table.",
                        ty.full_name,
                        field.name,
                        source.name,
                        super::permission_set_name(source.permission_set),
                        super::consequence(context, "CREATE ASSEMBLY refuses it")
                    ),
                    source,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    fn check(fixture: &str) {
        testing::check_rule(&super::RULE, fixture);
    }

    #[test]
    fn writable_statics_of_a_safe_assembly_are_reported() {
        check(
            "=== file: a.sql\n\
             CREATE ASSEMBLY Counters FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
             GO\n\
             CREATE FUNCTION dbo.NextId () RETURNS bigint AS EXTERNAL NAME Counters.[Counters.Ids].Next;\n\
             === file: src/Ids.cs\n\
             namespace Counters {\n\
             public static class Ids {\n\
               private static readonly object Gate = new object();\n\
               private static long last; --! CLS002: Counters.Ids.last is a static field that is not readonly, in assembly 'Counters' (SAFE): CREATE ASSEMBLY refuses it wherever the declared permission set is enforced (clr strict security off, or before SQL Server 2017); with strict security on, the declaration misstates what the code does. Make it readonly or const, or keep the state in a table.\n\
               const int K = 1;\n\
               public static int Count { get; set; } --! CLS002\n\
               public static int Fixed { get; } = 1;\n\
               public static event System.EventHandler Changed; --! CLS002\n\
               private long instance;\n\
               public static long Next() { return 0; }\n\
             } }\n",
        );
    }

    #[test]
    fn an_unsafe_assembly_may_keep_state() {
        check(
            "=== file: a.sql\n\
             CREATE ASSEMBLY Counters FROM 0x4D5A WITH PERMISSION_SET = UNSAFE;\n\
             GO\n\
             CREATE FUNCTION dbo.NextId () RETURNS bigint AS EXTERNAL NAME Counters.[Counters.Ids].Next;\n\
             === file: src/Ids.cs\n\
             namespace Counters { public static class Ids { static long last; public static long Next() { return ++last; } } }\n",
        );
    }

    // Where strict security is off, the declared set is enforced and the CREATE fails:
    // an error.
    #[test]
    fn it_is_an_error_where_the_permission_set_is_enforced() {
        let (workspace, _) = testing::load(
            "=== file: a.sql\n\
             EXEC sp_configure 'clr strict security', 0;\n\
             GO\n\
             CREATE ASSEMBLY Counters FROM 0x4D5A WITH PERMISSION_SET = EXTERNAL_ACCESS;\n\
             GO\n\
             CREATE FUNCTION dbo.NextId () RETURNS bigint AS EXTERNAL NAME Counters.[Counters.Ids].Next;\n\
             === file: src/Ids.cs\n\
             namespace Counters { public static class Ids { static long last; public static long Next() { return 0; } } }\n",
        );
        let found = testing::run(&workspace, std::iter::once(&super::RULE));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].severity, crate::diagnostic::Severity::Error);
        assert!(
            found[0]
                .message
                .contains("CREATE ASSEMBLY refuses it on the target server"),
            "{}",
            found[0].message
        );
        assert_eq!(
            found[0].related[0].message,
            "assembly 'Counters' is declared EXTERNAL_ACCESS here"
        );
    }
}
