//! CLR001 unsafe-assembly: an assembly declared `PERMISSION_SET = UNSAFE`.

use syntax::ast::PermissionSet;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Clr001,
        name: "unsafe-assembly",
        severity: Severity::Warning,
        summary: "An assembly is created or altered with PERMISSION_SET = UNSAFE",
        doc: r#"## What it does
Reports `CREATE ASSEMBLY` and `ALTER ASSEMBLY` with `WITH PERMISSION_SET = UNSAFE`; a
`<PermissionSet>UNSAFE</PermissionSet>` (or the older `Unrestricted`) property of a
`.sqlproj`, the set of the assembly it builds from its C# sources (`Compile` items; a
project without them gets it as soon as C# is added); and a `<Reference>`d `.dll` that
SSDT deploys with `<SqlPermissionSet>UNSAFE</SqlPermissionSet>`.

## Why is this bad?
UNSAFE code is unrestricted: it can call unmanaged code, start threads and reach files,
the network and the registry as the SQL Server service account. A flaw or a malicious
change in the assembly compromises the whole instance, not only the database.

## Example
```sql
CREATE ASSEMBLY Interop FROM 0x4D5A900003000000 WITH PERMISSION_SET = UNSAFE;
```

## How to fix
Use `PERMISSION_SET = SAFE` whenever the code only computes and reads data. When it
really needs more, sign the assembly with a certificate or asymmetric key, create a login
from that key and grant it `UNSAFE ASSEMBLY`, instead of trusting the database.

## References
- [CREATE ASSEMBLY](https://learn.microsoft.com/sql/t-sql/statements/create-assembly-transact-sql)
- [CLR integration code access security](https://learn.microsoft.com/sql/relational-databases/clr-integration/security/clr-integration-code-access-security)
- [Server configuration: clr strict security](https://learn.microsoft.com/sql/database-engine/configure-windows/clr-strict-security)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    super::report_permission_set(
        context,
        out,
        &RULE.meta,
        PermissionSet::Unsafe,
        "its code runs unrestricted, with the rights of the SQL Server service account.",
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::testing::check;

    #[test]
    fn unsafe_assemblies_are_reported_at_the_permission_set() {
        check(
            "-- sqlwarden-ignore-file CLR008: trust paths have their own tests\n\
             CREATE ASSEMBLY Interop FROM 0x4D5A WITH PERMISSION_SET = UNSAFE; --! CLR001: Assembly 'Interop' is created WITH PERMISSION_SET = UNSAFE: its code runs unrestricted, with the rights of the SQL Server service account. Use PERMISSION_SET = SAFE unless the code needs more, and sign the assembly with a certificate or asymmetric key whose login holds only the permission it needs.\n\
             GO\n\
             create assembly [Lower] authorization dbo\n\
             from 0x4D5A\n\
             with permission_set = unsafe --! CLR001\n\
             GO\n\
             ALTER ASSEMBLY Interop WITH PERMISSION_SET = UNSAFE; --! CLR001\n\
             CREATE ASSEMBLY Safe1 FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
             CREATE ASSEMBLY Default1 FROM 0x4D5A;\n\
             CREATE ASSEMBLY Ext FROM 0x4D5A WITH PERMISSION_SET = EXTERNAL_ACCESS; --! CLR002\n",
        );
    }

    // The assembly the project builds from its `Compile` items deploys with
    // `<PermissionSet>`: one finding at the element, not one more for the assembly, and
    // none from CLR007 for the entry point bound to it.
    #[test]
    fn an_unsafe_permission_set_property_is_reported_at_its_element() {
        check(
            "=== file: Db.sqlproj\n\
             <Project Sdk=\"Microsoft.Build.Sql\">\n\
             <PropertyGroup>\n\
             <PermissionSet>UNSAFE</PermissionSet> --! CLR001: The project deploys its assembly 'Db' with <PermissionSet>UNSAFE</PermissionSet>: its code runs unrestricted, with the rights of the SQL Server service account. Set <PermissionSet>SAFE</PermissionSet> unless the code needs more, and sign the assembly with a certificate or asymmetric key.\n\
             </PropertyGroup>\n\
             <ItemGroup><Compile Include=\"F.cs\" /></ItemGroup> --! CLR008\n\
             </Project>\n\
             === file: F.cs\n\
             class F {}\n\
             === file: t.sql\n\
             CREATE PROCEDURE dbo.p AS EXTERNAL NAME Db.[F].Run;\n",
        );
        // Older projects spell it `Unrestricted`.
        check(
            "=== file: Db.sqlproj\n\
             <Project Sdk=\"Microsoft.Build.Sql\"><PropertyGroup>\n\
             <PermissionSet>Unrestricted</PermissionSet> --! CLR001\n\
             </PropertyGroup><ItemGroup><Compile Include=\"F.cs\" /></ItemGroup></Project> --! CLR008\n\
             === file: F.cs\n\
             class F {}\n",
        );
    }

    // A project without `Compile` items builds no assembly yet, but the catalogue reports
    // `<PermissionSet>UNSAFE</PermissionSet>` in any `.sqlproj`: it is the set the
    // project's assembly gets as soon as C# is added.
    #[test]
    fn a_permission_set_property_without_sources_is_still_reported() {
        check(
            "=== file: Db.sqlproj\n\
             <Project Sdk=\"Microsoft.Build.Sql\"><PropertyGroup>\n\
             <AssemblyName>Db</AssemblyName><PermissionSet>UNSAFE</PermissionSet> --! CLR001\n\
             </PropertyGroup></Project>\n\
             === file: t.sql\n\
             CREATE TABLE dbo.t (id int);\n",
        );
    }

    // SSDT deploys a referenced `.dll` with its `<SqlPermissionSet>` metadata.
    #[test]
    fn a_referenced_dll_deployed_unsafe_is_reported_at_its_metadata() {
        check(
            "=== file: Db.sqlproj\n\
             <Project xmlns=\"http://schemas.microsoft.com/developer/msbuild/2003\"><ItemGroup>\n\
             <Reference Include=\"Interop\"><HintPath>lib\\Interop.dll</HintPath> --! CLR008\n\
             <SqlPermissionSet>UNSAFE</SqlPermissionSet> --! CLR001: The project deploys referenced assembly 'Interop' with <SqlPermissionSet>UNSAFE</SqlPermissionSet>: its code runs unrestricted, with the rights of the SQL Server service account. Set <SqlPermissionSet>SAFE</SqlPermissionSet> unless the code needs more, and sign the assembly with a certificate or asymmetric key.\n\
             </Reference>\n\
             <Reference Include=\"Quiet\"><HintPath>lib\\Quiet.dll</HintPath><SqlPermissionSet>SAFE</SqlPermissionSet></Reference> --! CLR008\n\
             </ItemGroup></Project>\n",
        );
    }

    #[test]
    fn a_safe_permission_set_property_is_not_reported() {
        check(
            "=== file: Db.sqlproj\n\
             <Project Sdk=\"Microsoft.Build.Sql\"><PropertyGroup><PermissionSet>SAFE</PermissionSet></PropertyGroup></Project>\n\
             === file: t.sql\n\
             CREATE TABLE dbo.t (id int);\n",
        );
    }
}
