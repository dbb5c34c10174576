//! CLS007 permission-set-too-low: SAFE code that reaches outside the server, or
//! EXTERNAL_ACCESS code that calls unmanaged code or has `unsafe` code.

use syntax::ast::PermissionSet;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Cls007,
        name: "permission-set-too-low",
        severity: Severity::Error,
        summary: "Code that needs more than its assembly's declared permission set",
        doc: r#"## What it does
Reports, at the C# line, what an assembly's code does beyond its declared permission set:
in a SAFE assembly, reaching files, the network (also a `SqlConnection` to a server rather
than the context connection), the registry, environment variables or processes; in a
SAFE or EXTERNAL_ACCESS assembly, calling unmanaged code (`extern` methods with
`[DllImport]`, `Marshal`) or holding `unsafe` code. A helper counts wherever it is: the
finding is at the call of the framework member. It is an error where the target server
enforces the declared permission set (before SQL Server 2017, or with `clr strict
security` off), a warning where strict security is on.

## Why is this bad?
Where the permission set is enforced, the call fails with a `SecurityException` (and
unverifiable code is refused by `CREATE ASSEMBLY`). Where strict security is on, the
server treats every assembly as UNSAFE, so the code works, but the declaration tells
reviewers the assembly cannot do what it does.

## Example
```sql
CREATE ASSEMBLY Exporter FROM 0x4D5A900003 WITH PERMISSION_SET = SAFE;
```
```csharp
public static class Export
{
    public static void Write(string path)
    {
        System.IO.File.WriteAllText(path, "x");
    }
}
```

## How to fix
Declare the permission set the code needs (EXTERNAL_ACCESS for files and the network,
UNSAFE for unmanaged code), sign the assembly and give it a trust path; or move the access
out of the database.

## References
- [CLR integration code access security](https://learn.microsoft.com/sql/relational-databases/clr-integration/security/clr-integration-code-access-security)
- [CREATE ASSEMBLY: PERMISSION_SET](https://learn.microsoft.com/sql/t-sql/statements/create-assembly-transact-sql)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let severity = super::severity(context);
    for source in context.sources() {
        let mut seen = Vec::new();
        for site in source.code.all_sites() {
            let needed = match source.permission_set {
                PermissionSet::Safe if site.need.is_external() => "EXTERNAL_ACCESS",
                PermissionSet::Safe | PermissionSet::ExternalAccess if site.need.is_unmanaged() => {
                    "UNSAFE"
                }
                _ => continue,
            };
            if seen.contains(&(site.file, site.range)) {
                continue;
            }
            seen.push((site.file, site.range));
            out.push(super::finding(
                &RULE.meta,
                severity,
                site.file,
                site.range,
                format!(
                    "{} reaches {}, which needs PERMISSION_SET = {needed}, but assembly '{}' is declared {}: {}. Declare {needed} (signed, with a trust path), or move the access out of the database.",
                    site.what,
                    site.need.describe(),
                    source.name,
                    super::permission_set_name(source.permission_set),
                    super::consequence(context, "the call fails with a SecurityException")
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
    fn safe_code_that_reaches_out_is_reported_in_helpers_too() {
        testing::check_rule(
            &super::RULE,
            "=== file: a.sql\n\
             CREATE ASSEMBLY Exporter FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
             GO\n\
             CREATE PROCEDURE dbo.P @p nvarchar(260) AS EXTERNAL NAME Exporter.[Exporter.Export].Write;\n\
             === file: src/Export.cs\n\
             using System;\n\
             using System.IO;\n\
             using System.Net;\n\
             using System.Data.SqlClient;\n\
             using Microsoft.Win32;\n\
             namespace Exporter {\n\
             public static class Export {\n\
               public static void Write(string p) { Save(p); }\n\
               static void Save(string p) {\n\
                 File.WriteAllText(p, \"x\"); --! CLS007: File.WriteAllText reaches the file system, which needs PERMISSION_SET = EXTERNAL_ACCESS, but assembly 'Exporter' is declared SAFE: the call fails with a SecurityException wherever the declared permission set is enforced (clr strict security off, or before SQL Server 2017); with strict security on, the declaration misstates what the code does. Declare EXTERNAL_ACCESS (signed, with a trust path), or move the access out of the database.\n\
                 using (var s = new FileStream(p, FileMode.Open)) { } --! CLS007\n\
                 var r = WebRequest.Create(\"http://x\"); --! CLS007\n\
                 var k = Registry.LocalMachine; --! CLS007\n\
                 var e = Environment.GetEnvironmentVariable(\"PATH\"); --! CLS007\n\
                 var m = Environment.MachineName;\n\
                 using (var c = new SqlConnection(\"context connection=true\")) { }\n\
                 using (var c = new SqlConnection(\"Data Source=other;Integrated Security=true\")) { } --! CLS007\n\
                 var q = Path.Combine(p, \"x\");\n\
               }\n\
             } }\n",
        );
    }

    #[test]
    fn external_access_code_may_not_call_unmanaged_code() {
        testing::check_rule(
            &super::RULE,
            "=== file: a.sql\n\
             CREATE ASSEMBLY Native FROM 0x4D5A WITH PERMISSION_SET = EXTERNAL_ACCESS;\n\
             GO\n\
             CREATE PROCEDURE dbo.P AS EXTERNAL NAME Native.[Native.Calls].Run;\n\
             === file: src/Calls.cs\n\
             using System.IO;\n\
             using System.Runtime.InteropServices;\n\
             namespace Native {\n\
             public static class Calls {\n\
               [DllImport(\"kernel32.dll\")] static extern int GetTickCount(); --! CLS007\n\
               public static unsafe void Run() { --! CLS007\n\
                 File.Delete(\"x\");\n\
                 GetTickCount();\n\
                 Marshal.AllocHGlobal(10); --! CLS007\n\
               }\n\
             } }\n",
        );
    }
}
