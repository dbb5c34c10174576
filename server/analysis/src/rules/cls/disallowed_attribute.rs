//! CLS004 disallowed-attribute: a custom attribute that `CREATE ASSEMBLY` refuses in a
//! SAFE or EXTERNAL_ACCESS assembly.

use syntax::csharp::CsAttribute;

use crate::diagnostic::{Code, Diagnostic, FileId, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Cls004,
        name: "disallowed-attribute",
        severity: Severity::Error,
        summary: "A custom attribute that CREATE ASSEMBLY refuses in a SAFE or EXTERNAL_ACCESS assembly",
        doc: r#"## What it does
Reports, in the C# of an assembly declared SAFE or EXTERNAL_ACCESS, the custom
attributes that SQL Server refuses there, written with or without their namespace and
`Attribute` suffix: `ThreadStatic`, `ContextStatic`, `MTAThread`, `STAThread`,
`MethodImpl`, `CompilationRelaxations`, `DllImport`, `SuppressUnmanagedCodeSecurity`,
`UnverifiableCode`, the code access security attributes (`SecurityPermission`,
`FileIOPermission` and the other `…Permission` attributes, `PermissionSet`),
`Synchronization` and the remoting `Context` attribute. An attribute class that the
project declares itself with such a name is not one of them. It is an error where the
target server enforces the declared permission set, a warning where `clr strict
security` is on.

## Why is this bad?
`CREATE ASSEMBLY` verifies a SAFE or EXTERNAL_ACCESS assembly and refuses one that uses
these attributes: they change threading, code access security or unmanaged calls in
ways the server cannot control.

## Example
```sql
CREATE ASSEMBLY Cache FROM 0x4D5A900003 WITH PERMISSION_SET = SAFE;
```
```csharp
public static class Cache
{
    [System.ThreadStatic]
    private static readonly object Slot = null;
}
```

## How to fix
Remove the attribute; where the code really needs it, the assembly must be UNSAFE, with a
trust path and a review.

## References
- [CLR integration programming model restrictions](https://learn.microsoft.com/sql/relational-databases/clr-integration/database-objects/clr-integration-programming-model-restrictions)
"#,
    },
    check,
};

/// The refused attributes by short name.
const REFUSED: &[&str] = &[
    "ThreadStatic",
    "ContextStatic",
    "MTAThread",
    "STAThread",
    "MethodImpl",
    "CompilationRelaxations",
    "DllImport",
    "SuppressUnmanagedCodeSecurity",
    "UnverifiableCode",
    "Synchronization",
    "Context",
    "PermissionSet",
];

/// True for a refused attribute: one of the list, or a code access security attribute
/// (`…Permission`).
fn refused(attribute: &CsAttribute) -> bool {
    let name = attribute.short_name();
    REFUSED.contains(&name) || name.len() > "Permission".len() && name.ends_with("Permission")
}

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let severity = super::severity(context);
    for source in context.sources().iter().filter(|s| s.restricted()) {
        let code = &source.code;
        let declared = |name: &str| {
            code.types
                .iter()
                .any(|(_, t)| t.name == name || t.name == format!("{name}Attribute"))
        };
        let mut found: Vec<Diagnostic> = Vec::new();
        let mut report = |file: FileId, attribute: &CsAttribute, on: &str| {
            if !refused(attribute) || declared(attribute.short_name()) {
                return;
            }
            found.push(super::finding(
                &RULE.meta,
                severity,
                file,
                attribute.range,
                format!(
                    "[{}] on {on}, in assembly '{}' ({}): {}. Remove the attribute, or make the assembly UNSAFE with a trust path.",
                    attribute.name,
                    source.name,
                    super::permission_set_name(source.permission_set),
                    super::consequence(context, "CREATE ASSEMBLY refuses it")
                ),
                source,
            ));
        };
        for (file, parsed) in &code.file_attributes {
            for attribute in &parsed.attributes {
                report(*file, attribute, "the assembly");
            }
        }
        for (file, ty) in &code.types {
            for attribute in &ty.attributes {
                report(*file, attribute, &ty.full_name);
            }
            for field in &ty.fields {
                for attribute in &field.attributes {
                    report(
                        *file,
                        attribute,
                        &format!("{}.{}", ty.full_name, field.name),
                    );
                }
            }
            for method in &ty.methods {
                for attribute in &method.attributes {
                    report(
                        *file,
                        attribute,
                        &format!("{}.{}", ty.full_name, method.name),
                    );
                }
            }
        }
        out.extend(found);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    #[test]
    fn refused_attributes_in_any_spelling_are_reported() {
        testing::check_rule(
            &super::RULE,
            "=== file: a.sql\n\
             CREATE ASSEMBLY Cache FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
             GO\n\
             CREATE PROCEDURE dbo.P AS EXTERNAL NAME Cache.[Cache.Store].Run;\n\
             === file: src/Store.cs\n\
             using System.Runtime.InteropServices;\n\
             [assembly: System.Runtime.CompilerServices.CompilationRelaxations(8)] --! CLS004\n\
             namespace Cache {\n\
             public static class Store {\n\
               [ThreadStatic] static readonly object A = null; --! CLS004: [ThreadStatic] on Cache.Store.A, in assembly 'Cache' (SAFE): CREATE ASSEMBLY refuses it wherever the declared permission set is enforced (clr strict security off, or before SQL Server 2017); with strict security on, the declaration misstates what the code does. Remove the attribute, or make the assembly UNSAFE with a trust path.\n\
               [System.ContextStaticAttribute] static readonly object B = null; --! CLS004\n\
               [DllImport(\"kernel32.dll\")] static extern int GetTickCount(); --! CLS004\n\
               [System.Security.Permissions.FileIOPermission(SecurityAction.Demand)] public static void Run() { } --! CLS004\n\
               [Microsoft.SqlServer.Server.SqlProcedure, System.Obsolete] public static void Other() { }\n\
             } }\n",
        );
    }

    #[test]
    fn an_attribute_the_project_declares_is_its_own() {
        testing::check_rule(
            &super::RULE,
            "=== file: a.sql\n\
             CREATE ASSEMBLY Cache FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
             GO\n\
             CREATE PROCEDURE dbo.P AS EXTERNAL NAME Cache.[Cache.Store].Run;\n\
             === file: src/Store.cs\n\
             namespace Cache {\n\
             public class AuditPermissionAttribute : System.Attribute { }\n\
             public static class Store { [AuditPermission] public static void Run() { } }\n\
             }\n",
        );
    }

    #[test]
    fn unsafe_assemblies_may_use_them() {
        testing::check_rule(
            &super::RULE,
            "=== file: a.sql\n\
             CREATE ASSEMBLY Cache FROM 0x4D5A WITH PERMISSION_SET = UNSAFE;\n\
             GO\n\
             CREATE PROCEDURE dbo.P AS EXTERNAL NAME Cache.[Cache.Store].Run;\n\
             === file: src/Store.cs\n\
             namespace Cache { public static class Store { [ThreadStatic] static object A; public static void Run() { } } }\n",
        );
    }
}
