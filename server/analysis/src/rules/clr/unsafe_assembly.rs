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
Reports `CREATE ASSEMBLY` and `ALTER ASSEMBLY` with `WITH PERMISSION_SET = UNSAFE`, and a
`<PermissionSet>UNSAFE</PermissionSet>` property in the `.sqlproj`.

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

    #[test]
    fn an_unsafe_permission_set_property_is_reported_at_its_element() {
        check(
            "=== file: Db.sqlproj\n\
             <Project Sdk=\"Microsoft.Build.Sql\">\n\
             <PropertyGroup>\n\
             <PermissionSet>UNSAFE</PermissionSet> --! CLR001\n\
             </PropertyGroup>\n\
             </Project>\n\
             === file: t.sql\n\
             CREATE TABLE dbo.t (id int);\n",
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
