//! CLR002 external-access-assembly: an assembly declared `PERMISSION_SET = EXTERNAL_ACCESS`.

use syntax::ast::PermissionSet;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Clr002,
        name: "external-access-assembly",
        severity: Severity::Warning,
        summary: "An assembly is created or altered with PERMISSION_SET = EXTERNAL_ACCESS",
        doc: r#"## What it does
Reports `CREATE ASSEMBLY` and `ALTER ASSEMBLY` with `WITH PERMISSION_SET = EXTERNAL_ACCESS`;
a `<PermissionSet>EXTERNAL_ACCESS</PermissionSet>` property of a `.sqlproj` (the set of
the assembly it builds from its `Compile` items); and a `<Reference>`d `.dll` that SSDT
deploys with `<SqlPermissionSet>EXTERNAL_ACCESS</SqlPermissionSet>`.

## Why is this bad?
EXTERNAL_ACCESS code reaches files, the network, environment variables and the registry
as the SQL Server service account. From a security perspective EXTERNAL_ACCESS and UNSAFE
are identical: under `clr strict security` (on by default since SQL Server 2017) both need
the same trust, and both act outside the server with the service account's rights.

## Example
```sql
CREATE ASSEMBLY Mailer FROM 0x4D5A900003000000 WITH PERMISSION_SET = EXTERNAL_ACCESS;
```

## How to fix
Use `PERMISSION_SET = SAFE` when the code does not reach outside the server. Otherwise
sign the assembly with a certificate or asymmetric key and grant `EXTERNAL ACCESS
ASSEMBLY` to a login created from that key, and review what the code reaches.

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
        PermissionSet::ExternalAccess,
        "its code reaches files, network and registry as the SQL Server service account, which is as much trust as UNSAFE.",
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::testing::check;

    #[test]
    fn external_access_assemblies_are_reported() {
        check(
            "-- sqlwarden-ignore-file CLR008: trust paths have their own tests\n\
             CREATE ASSEMBLY Mailer FROM 0x4D5A WITH PERMISSION_SET = EXTERNAL_ACCESS; --! CLR002: Assembly 'Mailer' is created WITH PERMISSION_SET = EXTERNAL_ACCESS: its code reaches files, network and registry as the SQL Server service account, which is as much trust as UNSAFE. Use PERMISSION_SET = SAFE unless the code needs more, and sign the assembly with a certificate or asymmetric key whose login holds only the permission it needs.\n\
             ALTER ASSEMBLY Mailer WITH PERMISSION_SET = SAFE;\n",
        );
    }

    #[test]
    fn an_external_access_property_is_reported_at_its_element() {
        check(
            "=== file: Db.sqlproj\n\
             <Project Sdk=\"Microsoft.Build.Sql\"><PropertyGroup>\n\
             <PermissionSet>EXTERNAL_ACCESS</PermissionSet> --! CLR002\n\
             </PropertyGroup><ItemGroup><Compile Include=\"F.cs\" /></ItemGroup></Project> --! CLR008\n\
             === file: F.cs\n\
             class F {}\n",
        );
    }
}
