//! CLS008 permission-set-exceeds-need: an EXTERNAL_ACCESS or UNSAFE assembly whose code
//! needs none of what that trust allows.

use syntax::ast::PermissionSet;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::walk;
use crate::rules::{Context, Rule};

use super::Tie;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Cls008,
        name: "permission-set-exceeds-need",
        severity: Severity::Warning,
        summary: "An EXTERNAL_ACCESS or UNSAFE assembly whose code needs none of that trust: it should be SAFE",
        doc: r#"## What it does
Reports, at its `PERMISSION_SET` clause or `<PermissionSet>` element, an assembly
declared EXTERNAL_ACCESS or UNSAFE whose whole C# source is in the project (its
`Compile` items, or the `.csproj` that builds it) and needs none of what that trust
allows: no files, network, registry, environment variables or processes, and for UNSAFE
also no unmanaged or `unsafe` code, no member of a disallowed host protection category,
no writable static field, no finalizer and no disallowed attribute. An assembly known
only through the classes `EXTERNAL NAME` points at is not judged, since the rest of its
code is unknown; neither is one whose source the C# grammar could not read in full.

## Why is this bad?
From a security perspective EXTERNAL_ACCESS and UNSAFE are alike: the code runs outside
the server's sandbox as the service account. Trust that the code does not use is attack
surface a reviewer can take away, and it needs a trust path (signing, or TRUSTWORTHY)
that SAFE code under strict security also needs but that reviewers then read as needed.

## Example
```sql
CREATE ASSEMBLY Strings FROM 0x4D5A900003 WITH PERMISSION_SET = UNSAFE;
```
```csharp
public static class Text
{
    public static string Upper(string s) { return s.ToUpperInvariant(); }
}
```

## How to fix
Declare `PERMISSION_SET = SAFE` (or `<PermissionSet>SAFE</PermissionSet>`).

## References
- [CREATE ASSEMBLY: PERMISSION_SET](https://learn.microsoft.com/sql/t-sql/statements/create-assembly-transact-sql)
- [CLR integration code access security](https://learn.microsoft.com/sql/relational-databases/clr-integration/security/clr-integration-code-access-security)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for source in context.sources() {
        if source.permission_set == PermissionSet::Safe
            || source.tie == Tie::ExternalName
            || source.code.has_errors
            || source.code.types.is_empty()
        {
            continue;
        }
        let code = &source.code;
        let mut needs_external = false;
        let mut needs_unsafe = false;
        for site in code.all_sites() {
            needs_external |= site.need.is_external();
            needs_unsafe |= site.need.is_unmanaged()
                || site.need.host_protection().is_some()
                || matches!(
                    site.need,
                    super::code::Need::DynamicLoad
                        | super::code::Need::Emit
                        | super::code::Need::FullTrust
                );
        }
        if source.permission_set == PermissionSet::Unsafe {
            needs_unsafe |= code.types.iter().any(|(_, ty)| {
                !ty.finalizers.is_empty()
                    || ty.fields.iter().any(|f| f.is_mutable_static())
                    || ty
                        .fields
                        .iter()
                        .flat_map(|f| &f.attributes)
                        .chain(&ty.attributes)
                        .chain(ty.methods.iter().flat_map(|m| &m.attributes))
                        .any(|a| {
                            matches!(
                                a.short_name(),
                                "ThreadStatic"
                                    | "ContextStatic"
                                    | "DllImport"
                                    | "MethodImpl"
                                    | "SuppressUnmanagedCodeSecurity"
                                    | "UnverifiableCode"
                                    | "STAThread"
                                    | "MTAThread"
                                    | "Synchronization"
                            )
                        })
            });
        }
        // EXTERNAL_ACCESS code that needs what only UNSAFE allows needs more, not less:
        // CLS006 and CLS007 say so, and SAFE would not be the fix.
        if needs_external || needs_unsafe {
            continue;
        }
        let set = super::permission_set_name(source.permission_set);
        let mut diagnostic = walk::finding(
            &RULE.meta,
            source.declared_at.file,
            source.declared_at.range,
            format!(
                "Assembly '{}' is declared {set}, but its code reaches no file, network, registry, environment variable or process{}: it should be SAFE. Declare PERMISSION_SET = SAFE to take away trust the code does not use.",
                source.name,
                if source.permission_set == PermissionSet::Unsafe {
                    ", and needs no unmanaged code, threads, locks or static state"
                } else {
                    ""
                }
            ),
        );
        if let Some((file, ty)) = code.types.first() {
            diagnostic.related.push(walk::related(
                *file,
                ty.name_range,
                format!("the assembly's source: {}", ty.full_name),
            ));
        }
        out.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    #[test]
    fn trust_the_code_does_not_use_is_reported_at_the_declaration() {
        testing::check_rule(
            &super::RULE,
            "=== file: a.sql\n\
             CREATE ASSEMBLY Strings FROM 0x4D5A WITH PERMISSION_SET = UNSAFE; --! CLS008: Assembly 'Strings' is declared UNSAFE, but its code reaches no file, network, registry, environment variable or process, and needs no unmanaged code, threads, locks or static state: it should be SAFE. Declare PERMISSION_SET = SAFE to take away trust the code does not use.\n\
             GO\n\
             CREATE FUNCTION dbo.Upper (@s nvarchar(100)) RETURNS nvarchar(100) AS EXTERNAL NAME Strings.[Strings.Text].Upper;\n\
             === file: clr/Strings.csproj\n\
             <Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><AssemblyName>Strings</AssemblyName></PropertyGroup></Project>\n\
             === file: clr/Text.cs\n\
             namespace Strings { public static class Text { public static string Upper(string s) { return s.ToUpperInvariant(); } } }\n",
        );
    }

    #[test]
    fn code_that_uses_the_trust_is_not_reported() {
        testing::check_rule(
            &super::RULE,
            "=== file: a.sql\n\
             CREATE ASSEMBLY Files FROM 0x4D5A WITH PERMISSION_SET = EXTERNAL_ACCESS;\n\
             GO\n\
             CREATE ASSEMBLY Locks FROM 0x4D5A WITH PERMISSION_SET = UNSAFE;\n\
             GO\n\
             CREATE FUNCTION dbo.Read (@p nvarchar(100)) RETURNS nvarchar(max) AS EXTERNAL NAME Files.[Files.Io].Read;\n\
             GO\n\
             CREATE FUNCTION dbo.Next () RETURNS int AS EXTERNAL NAME Locks.[Locks.Counter].Next;\n\
             === file: files/Files.csproj\n\
             <Project Sdk=\"Microsoft.NET.Sdk\"></Project>\n\
             === file: files/Io.cs\n\
             namespace Files { public static class Io { public static string Read(string p) { return Helper(p); } static string Helper(string p) { return System.IO.File.ReadAllText(p); } } }\n\
             === file: locks/Locks.csproj\n\
             <Project Sdk=\"Microsoft.NET.Sdk\"></Project>\n\
             === file: locks/Counter.cs\n\
             namespace Locks { public static class Counter { static int n; public static int Next() { return ++n; } } }\n",
        );
    }

    // Only the classes EXTERNAL NAME names are known: the rest of the code may need the
    // trust, so nothing is said.
    #[test]
    fn a_partial_source_is_not_judged() {
        testing::check_rule(
            &super::RULE,
            "=== file: a.sql\n\
             CREATE ASSEMBLY Strings FROM 0x4D5A WITH PERMISSION_SET = EXTERNAL_ACCESS;\n\
             GO\n\
             CREATE FUNCTION dbo.Upper (@s nvarchar(100)) RETURNS nvarchar(100) AS EXTERNAL NAME Strings.[Strings.Text].Upper;\n\
             === file: src/Text.cs\n\
             namespace Strings { public static class Text { public static string Upper(string s) { return s; } } }\n",
        );
    }
}
