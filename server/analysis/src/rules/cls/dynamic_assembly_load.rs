//! CLS005 dynamic-assembly-load: `Assembly.Load` from bytes or `System.Reflection.Emit`,
//! in any assembly.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

use super::code::Need;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Cls005,
        name: "dynamic-assembly-load",
        severity: Severity::Error,
        summary: "Assembly.Load from bytes or System.Reflection.Emit, which SQL Server refuses at run time",
        doc: r#"## What it does
Reports, in the C# of any SQLCLR assembly, a call of `Assembly.Load` whose argument is a
byte array (a parameter or field declared `byte[]`, or the result of `ReadAllBytes`,
`FromBase64String`, `ToArray` or `GetBytes`), and the use of `System.Reflection.Emit`
(`AssemblyBuilder`, `DynamicMethod`, `AppDomain.DefineDynamicAssembly`).

## Why is this bad?
SQL Server loads only the assemblies registered in the database with `CREATE ASSEMBLY`.
Loading one from bytes or emitting code at run time fails with a security exception,
whatever the permission set: the code would run without the review that `CREATE
ASSEMBLY` and its trust checks stand for.

## Example
```sql
CREATE ASSEMBLY Plugins FROM 0x4D5A900003 WITH PERMISSION_SET = UNSAFE;
```
```csharp
public static class Loader
{
    public static int Load(byte[] bits)
    {
        return System.Reflection.Assembly.Load(bits).GetTypes().Length;
    }
}
```

## How to fix
Register the code as an assembly of its own with `CREATE ASSEMBLY` (signed, with a trust
path) and call it directly.

## References
- [CLR integration programming model restrictions](https://learn.microsoft.com/sql/relational-databases/clr-integration/database-objects/clr-integration-programming-model-restrictions)
- [CLR integration code access security](https://learn.microsoft.com/sql/relational-databases/clr-integration/security/clr-integration-code-access-security)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for source in context.sources() {
        for site in source.code.all_sites() {
            let what = match site.need {
                Need::DynamicLoad => "loads an assembly from bytes",
                Need::Emit => "emits code with System.Reflection.Emit",
                _ => continue,
            };
            out.push(super::finding(
                &RULE.meta,
                RULE.meta.severity,
                site.file,
                site.range,
                format!(
                    "{} {what}, in assembly '{}': SQL Server refuses it at run time with a security exception, whatever the permission set. Register the code with CREATE ASSEMBLY and call it directly.",
                    site.what, source.name
                ),
                source,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    #[test]
    fn loading_bytes_and_emitting_are_reported_and_loading_by_name_is_not() {
        testing::check_rule(
            &super::RULE,
            "=== file: a.sql\n\
             CREATE ASSEMBLY Plugins FROM 0x4D5A WITH PERMISSION_SET = UNSAFE;\n\
             GO\n\
             CREATE PROCEDURE dbo.P AS EXTERNAL NAME Plugins.[Plugins.Loader].Run;\n\
             === file: src/Loader.cs\n\
             using System;\n\
             using System.IO;\n\
             using System.Reflection;\n\
             using System.Reflection.Emit;\n\
             namespace Plugins {\n\
             public static class Loader {\n\
               static readonly byte[] Image = null;\n\
               public static int Run(byte[] bits) {\n\
                 var a = Assembly.Load(bits); --! CLS005: Assembly.Load loads an assembly from bytes, in assembly 'Plugins': SQL Server refuses it at run time with a security exception, whatever the permission set. Register the code with CREATE ASSEMBLY and call it directly.\n\
                 Assembly.Load(Image); --! CLS005\n\
                 Assembly.Load(File.ReadAllBytes(\"p.dll\")); --! CLS005\n\
                 Assembly.Load(\"System.Xml\");\n\
                 var m = new DynamicMethod(\"f\", null, null); --! CLS005\n\
                 AppDomain.CurrentDomain.DefineDynamicAssembly(null, 0); --! CLS005\n\
                 return 0;\n\
               }\n\
             } }\n",
        );
    }
}
