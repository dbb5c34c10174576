//! IMP007 external-access-under-impersonation: a CLR routine from an EXTERNAL_ACCESS or
//! UNSAFE assembly declared `WITH EXECUTE AS` other than `CALLER`.

use syntax::ast::{ExecutionContext, PermissionSet};

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::walk;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Imp007,
        name: "external-access-under-impersonation",
        severity: Severity::Warning,
        summary: "A CLR routine that reaches outside the server runs under EXECUTE AS",
        doc: r#"## What it does
Reports a procedure, function or trigger `AS EXTERNAL NAME` from an assembly declared
EXTERNAL_ACCESS or UNSAFE, when the routine is declared `WITH EXECUTE AS OWNER`, `SELF` or
`'name'`.

## Why is this bad?
CLR code reaches external resources as the SQL Server service account, or as the original
caller when it impersonates. When the execution context has been switched away from the
original caller, SQL Server refuses that access at run time: the routine deploys, and then
fails (or behaves differently) exactly when it tries to reach files, the network or other
servers.

## Example
```sql
CREATE ASSEMBLY Mailer FROM 0x4D5A900003000000 WITH PERMISSION_SET = EXTERNAL_ACCESS;
GO
CREATE PROCEDURE dbo.send_mail @to nvarchar(320)
WITH EXECUTE AS OWNER
AS EXTERNAL NAME Mailer.[Mailer.Procs].Send;
```

## How to fix
Declare the routine without `EXECUTE AS` (or `WITH EXECUTE AS CALLER`), and control who
may call it with `GRANT EXECUTE`. If the routine also needs database permissions the
caller lacks, sign it with a certificate instead of switching context.

## References
- [CLR integration security](https://learn.microsoft.com/sql/relational-databases/clr-integration/security/clr-integration-security)
- [Impersonation and credentials for connections](https://learn.microsoft.com/sql/relational-databases/clr-integration/data-access/impersonation-and-credentials-for-connections)
- [EXECUTE AS clause](https://learn.microsoft.com/sql/t-sql/statements/execute-as-clause-transact-sql)
- [CREATE PROCEDURE (EXTERNAL NAME)](https://learn.microsoft.com/sql/t-sql/statements/create-procedure-transact-sql)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for entry in model.entry_points() {
        let Some(clause) = model
            .module(entry.object)
            .and_then(|m| m.execute_as.as_ref())
        else {
            continue;
        };
        let written = match &clause.context {
            ExecutionContext::Caller => continue,
            ExecutionContext::Owner => "EXECUTE AS OWNER".to_owned(),
            ExecutionContext::SelfUser => "EXECUTE AS SELF".to_owned(),
            ExecutionContext::User(name) => format!("EXECUTE AS '{name}'"),
        };
        // The assembly may be the project's own build or a referenced `.dll`: the model
        // holds them all; one whose permission set is unknown is not judged.
        let Some(id) = entry.assembly else {
            continue;
        };
        let assembly = model.assembly(id);
        let Some(set) = assembly.permission_set else {
            continue;
        };
        let (assembly_name, declared_at) =
            (assembly.name.clone(), assembly.permission_set_location);
        let set = match set {
            PermissionSet::Safe => continue,
            PermissionSet::ExternalAccess => "EXTERNAL_ACCESS",
            PermissionSet::Unsafe => "UNSAFE",
        };
        let name = model.object_name(entry.object);
        let file = model.item(model.object(entry.object).statement).file;
        let mut diagnostic = walk::finding(
            &RULE.meta,
            file,
            clause.range,
            format!(
                "{name} is a CLR routine from the {set} assembly '{assembly_name}' declared {written}: when the context is not the original caller, SQL Server denies the routine's access to external resources at run time. Remove EXECUTE AS (or use EXECUTE AS CALLER) and control access with GRANT EXECUTE."
            ),
        );
        diagnostic.related.push(walk::related(
            entry.location.file,
            entry.location.range,
            format!("{name} is implemented by assembly '{assembly_name}'"),
        ));
        if let Some(location) = declared_at {
            diagnostic.related.push(walk::related(
                location.file,
                location.range,
                format!("'{assembly_name}' is declared {set} here"),
            ));
        }
        out.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::testing::check;

    #[test]
    fn external_access_routines_with_execute_as_are_reported() {
        check(
            "CREATE ASSEMBLY Mailer FROM 0x4D5A WITH PERMISSION_SET = EXTERNAL_ACCESS; --! CLR002 | CLR008\n\
             GO\n\
             CREATE PROCEDURE dbo.send_mail @to nvarchar(320) AS EXTERNAL NAME Mailer.[Mailer.Procs].Send;\n\
             GO\n\
             CREATE PROCEDURE dbo.send_mail_as_service @to nvarchar(320)\n\
             WITH EXECUTE AS OWNER --! IMP007: dbo.send_mail_as_service is a CLR routine from the EXTERNAL_ACCESS assembly 'Mailer' declared EXECUTE AS OWNER: when the context is not the original caller, SQL Server denies the routine's access to external resources at run time. Remove EXECUTE AS (or use EXECUTE AS CALLER) and control access with GRANT EXECUTE.\n\
             AS EXTERNAL NAME Mailer.[Mailer.Procs].Send;\n\
             GO\n\
             CREATE PROCEDURE dbo.send_as_caller @to nvarchar(320) WITH EXECUTE AS CALLER AS EXTERNAL NAME Mailer.[Mailer.Procs].Send;\n\
             GO\n",
        );
    }

    #[test]
    fn safe_assemblies_and_t_sql_modules_are_not_reported() {
        check(
            "CREATE ASSEMBLY Geo FROM 0x4D5A WITH PERMISSION_SET = SAFE; --! CLR008\n\
             GO\n\
             CREATE FUNCTION dbo.distance (@a float) RETURNS float WITH EXECUTE AS OWNER AS EXTERNAL NAME Geo.[Geo.F].Distance;\n\
             GO\n\
             CREATE PROCEDURE dbo.t WITH EXECUTE AS OWNER AS SELECT 1;\n\
             GO\n",
        );
    }

    #[test]
    fn unsafe_after_alter_assembly_counts() {
        check(
            "CREATE ASSEMBLY Io FROM 0x4D5A WITH PERMISSION_SET = SAFE; --! CLR008\n\
             GO\n\
             ALTER ASSEMBLY Io WITH PERMISSION_SET = UNSAFE; --! CLR001\n\
             GO\n\
             CREATE PROCEDURE dbo.io WITH EXECUTE AS SELF AS EXTERNAL NAME Io.[Io.P].Run; --! IMP007\n\
             GO\n",
        );
    }

    // The project's own build takes its `<PermissionSet>`; a referenced `.dll` that does
    // not state its set is not judged.
    #[test]
    fn the_projects_build_counts_and_an_unknown_set_does_not() {
        check(
            "=== file: Db.sqlproj\n\
             <Project xmlns=\"http://schemas.microsoft.com/developer/msbuild/2003\"><PropertyGroup>\n\
             <AssemblyName>Mailer</AssemblyName> --! CLR008\n\
             <PermissionSet>EXTERNAL_ACCESS</PermissionSet> --! CLR002\n\
             </PropertyGroup><ItemGroup><Compile Include=\"F.cs\" /><Build Include=\"p.sql\" />\n\
             <Reference Include=\"Other\"><HintPath>lib\\Other.dll</HintPath></Reference> --! CLR008\n\
             </ItemGroup></Project>\n\
             === file: F.cs\n\
             class F {}\n\
             === file: p.sql\n\
             CREATE PROCEDURE dbo.send WITH EXECUTE AS OWNER AS EXTERNAL NAME Mailer.[M].Send; --! IMP007\n\
             GO\n\
             CREATE PROCEDURE dbo.other WITH EXECUTE AS OWNER AS EXTERNAL NAME Other.[O].Run;\n\
             GO\n",
        );
    }
}
