//! CLS003 finalizer: a finalizer in a SAFE or EXTERNAL_ACCESS assembly.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Cls003,
        name: "finalizer",
        severity: Severity::Error,
        summary: "A finalizer, which CREATE ASSEMBLY refuses in a SAFE or EXTERNAL_ACCESS assembly",
        doc: r#"## What it does
Reports a finalizer (`~Name()`) in the C# of an assembly declared SAFE or
EXTERNAL_ACCESS: an error where the target server enforces the declared permission set,
a warning where `clr strict security` is on.

## Why is this bad?
`CREATE ASSEMBLY` refuses a SAFE or EXTERNAL_ACCESS assembly whose types have
finalizers: a finalizer runs on the runtime's own thread, outside the control of the
server, which may unload the application domain at any time.

## Example
```sql
CREATE ASSEMBLY Files FROM 0x4D5A900003 WITH PERMISSION_SET = EXTERNAL_ACCESS;
```
```csharp
public class Handle
{
    ~Handle() { }
}
```

## How to fix
Release resources deterministically with `IDisposable` and `using`, and remove the
finalizer.

## References
- [CLR integration programming model restrictions](https://learn.microsoft.com/sql/relational-databases/clr-integration/database-objects/clr-integration-programming-model-restrictions)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let severity = super::severity(context);
    for source in context.sources().iter().filter(|s| s.restricted()) {
        for (file, ty) in &source.code.types {
            for range in &ty.finalizers {
                out.push(super::finding(
                    &RULE.meta,
                    severity,
                    *file,
                    *range,
                    format!(
                        "{} has a finalizer, in assembly '{}' ({}): {}. Release resources with IDisposable and using instead.",
                        ty.full_name,
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

    #[test]
    fn a_finalizer_in_a_restricted_assembly_is_reported() {
        testing::check_rule(
            &super::RULE,
            "=== file: a.sql\n\
             CREATE ASSEMBLY Files FROM 0x4D5A WITH PERMISSION_SET = EXTERNAL_ACCESS;\n\
             GO\n\
             CREATE PROCEDURE dbo.P AS EXTERNAL NAME Files.[Files.Handle].Run;\n\
             === file: src/Handle.cs\n\
             namespace Files {\n\
             public class Handle {\n\
               ~Handle() { } --! CLS003\n\
               public static void Run() { }\n\
             } }\n",
        );
    }

    #[test]
    fn an_unsafe_assembly_may_have_one() {
        testing::check_rule(
            &super::RULE,
            "=== file: a.sql\n\
             CREATE ASSEMBLY Files FROM 0x4D5A WITH PERMISSION_SET = UNSAFE;\n\
             GO\n\
             CREATE PROCEDURE dbo.P AS EXTERNAL NAME Files.[Files.Handle].Run;\n\
             === file: src/Handle.cs\n\
             namespace Files { public class Handle { ~Handle() { } public static void Run() { } } }\n",
        );
    }
}
