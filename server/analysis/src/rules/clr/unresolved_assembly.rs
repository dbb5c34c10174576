//! CLR007 unresolved-assembly: `EXTERNAL NAME Asm.Class.Method` whose assembly the project
//! does not create.

use syntax::ast::StatementKind;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::walk;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Clr007,
        name: "unresolved-assembly",
        severity: Severity::Error,
        summary: "EXTERNAL NAME names an assembly that the project does not create",
        doc: r#"## What it does
Reports a procedure, function, trigger, type or aggregate declared `EXTERNAL NAME
Assembly.Class.Method` when the project neither creates the assembly (`CREATE ASSEMBLY`)
nor builds it from its own sources (a `.sqlproj` with `Compile` items builds an assembly
named by `<AssemblyName>` or after the project; without them it builds none), and
nothing else brings it in: a `<Reference>` (a `.dll`, by its
file name), an `<ArtifactReference>` (a `.dacpac`) or a `<ProjectReference>` of the
`.sqlproj`, a C# project (`.csproj`) in the same folder whose `<AssemblyName>` it is, or
another database project of the workspace that builds or creates it. Assembly names
compare case-insensitively.

## Why is this bad?
`CREATE PROCEDURE … AS EXTERNAL NAME` fails when the assembly does not exist in the
database, so the deployment stops here, or depends on an assembly that someone created by
hand and that nobody reviews with the project.

## Example
```sql
CREATE PROCEDURE dbo.send_mail @to nvarchar(320)
AS EXTERNAL NAME MailerLib.[Mailer.Procs].Send;
```

## How to fix
Add the `CREATE ASSEMBLY` to the project (or reference the assembly's project), or
correct the assembly's name in `EXTERNAL NAME`.

## References
- [CREATE PROCEDURE (EXTERNAL NAME)](https://learn.microsoft.com/sql/t-sql/statements/create-procedure-transact-sql)
- [CREATE ASSEMBLY](https://learn.microsoft.com/sql/t-sql/statements/create-assembly-transact-sql)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for entry in model.entry_points() {
        if entry.assembly.is_some() {
            continue;
        }
        let assembly = &entry.external.assembly.value;
        // An SSMS template's `<assembly_name, sysname, x>` is filled in before it runs.
        if syntax::names::is_placeholder(assembly) || elsewhere(context, assembly) {
            continue;
        }
        let name = model.object_name(entry.object);
        out.push(walk::finding(
            &RULE.meta,
            entry.location.file,
            entry.location.range,
            format!(
                "{name} is implemented by assembly '{assembly}', which the project does not create: the CREATE fails where the assembly does not exist. Add CREATE ASSEMBLY {assembly} to the project, or correct the name in EXTERNAL NAME."
            ),
        ));
    }
}

/// True when something the model does not hold brings the assembly into the database: a
/// reference of the `.sqlproj` that is not a `.dll` file (a GAC name, a referenced
/// project), a C# project in the same folder that builds it, or another project of the
/// workspace that builds it (its `Compile` items, named by its `<AssemblyName>`) or
/// creates it (`CREATE ASSEMBLY`). The project's own build and its `.dll` and `.dacpac`
/// references are assemblies of the model, which the entry point binds to.
fn elsewhere(context: &Context<'_>, assembly: &str) -> bool {
    let project = context.project;
    let named = |name: &String| name.trim().eq_ignore_ascii_case(assembly);
    if project.referenced_assemblies.iter().any(named)
        || project.sibling_assemblies.iter().any(named)
    {
        return true;
    }
    context
        .workspace
        .projects
        .iter()
        .filter(|other| !std::ptr::eq(*other, project))
        .any(|other| {
            other
                .built_assembly()
                .is_some_and(|name| name.eq_ignore_ascii_case(assembly))
                || walk::files(context.workspace, other).into_iter().any(|file| {
                    context.workspace.scripts.get(&file).is_some_and(|parsed| {
                        parsed.statements.iter().any(|statement| {
                            matches!(&statement.kind, StatementKind::CreateAssembly(create)
                                if !create.alter && create.name.value.eq_ignore_ascii_case(assembly))
                        })
                    })
                })
        })
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::testing::check;

    // SSMS templates name the assembly with a template parameter that SSMS replaces before
    // the script runs; it is not a missing assembly.
    #[test]
    fn a_template_parameter_is_not_an_assembly() {
        check(
            "CREATE PROCEDURE dbo.p @a int\n\
             AS EXTERNAL NAME <assembly_name, sysname, sample_assembly>.<class_name, sysname, Sample>.<method_name, sysname, Run>;\n\
             GO\n",
        );
    }

    #[test]
    fn a_missing_assembly_is_reported_at_the_external_name() {
        check(
            "CREATE PROCEDURE dbo.send_mail @to nvarchar(320)\n\
             AS EXTERNAL NAME MailerLib.[Mailer.Procs].Send; --! CLR007: dbo.send_mail is implemented by assembly 'MailerLib', which the project does not create: the CREATE fails where the assembly does not exist. Add CREATE ASSEMBLY MailerLib to the project, or correct the name in EXTERNAL NAME.\n\
             GO\n",
        );
    }

    #[test]
    fn an_assembly_created_anywhere_in_the_project_resolves_in_any_case() {
        check(
            "=== file: a_procs.sql\n\
             CREATE PROCEDURE dbo.send_mail @to nvarchar(320) AS EXTERNAL NAME [mailer].[Mailer.Procs].Send;\n\
             GO\n\
             === file: b_assembly.sql\n\
             CREATE ASSEMBLY Mailer FROM 0x4D5A WITH PERMISSION_SET = SAFE; --! CLR008\n",
        );
    }

    // The assembly the project builds from its `Compile` items (named by `<AssemblyName>`)
    // is an assembly of the model; without `Compile` items the project builds none,
    // whatever its `<AssemblyName>` says (SSDT writes one into every project).
    #[test]
    fn the_projects_own_assembly_resolves() {
        check(
            "=== file: Db.sqlproj\n\
             <Project Sdk=\"Microsoft.Build.Sql\"><PropertyGroup><AssemblyName>DbClr</AssemblyName></PropertyGroup> --! CLR008\n\
             <ItemGroup><Compile Include=\"F.cs\" /></ItemGroup></Project>\n\
             === file: F.cs\n\
             class F {}\n\
             === file: p.sql\n\
             CREATE FUNCTION dbo.f (@x int) RETURNS int AS EXTERNAL NAME DbClr.[Db.Functions].F;\n\
             GO\n\
             CREATE FUNCTION dbo.g (@x int) RETURNS int AS EXTERNAL NAME Other.[Db.Functions].G; --! CLR007\n",
        );
        check(
            "=== file: Db.sqlproj\n\
             <Project Sdk=\"Microsoft.Build.Sql\"><PropertyGroup><AssemblyName>DbClr</AssemblyName></PropertyGroup></Project>\n\
             === file: p.sql\n\
             CREATE FUNCTION dbo.f (@x int) RETURNS int AS EXTERNAL NAME DbClr.[Db.Functions].F; --! CLR007\n",
        );
    }

    // tSQLt creates its assembly with dynamic SQL at script level, in a literal or in a
    // variable assigned only literals; the assembly is created (and has no trust path,
    // CLR008, reported at the EXEC that creates it).
    #[test]
    fn an_assembly_created_by_script_level_dynamic_sql_resolves() {
        check(
            "EXEC('CREATE ASSEMBLY [A] AUTHORIZATION [dbo] FROM 0x00 WITH PERMISSION_SET = SAFE;'); --! CLR008
GO
DECLARE @cmd NVARCHAR(MAX) = '';
SET @cmd = @cmd + 'CREATE ASSEMBLY [B] AUTHORIZATION [dbo] FROM ' + '0x00' + ' WITH PERMISSION_SET = SAFE;';
EXEC(@cmd); --! CLR008
GO
CREATE PROCEDURE dbo.P AS EXTERNAL NAME A.[C].M;
GO
CREATE PROCEDURE dbo.Q AS EXTERNAL NAME B.[C].M;
GO
CREATE PROCEDURE dbo.R AS EXTERNAL NAME Missing.[C].M; --! CLR007
GO
",
        );
    }

    // SSDT deploys a `<Reference>`d assembly (the .dll, by its file name, or a GAC
    // name) and what an `<ArtifactReference>`d .dacpac holds before the project's own
    // objects ("Add database references", "Referencing an assembly").
    // https://learn.microsoft.com/sql/tools/sql-database-projects/concepts/database-references
    #[test]
    fn a_referenced_dll_or_dacpac_resolves() {
        check(
            "=== file: Db/Db.sqlproj\n\
             <Project xmlns=\"http://schemas.microsoft.com/developer/msbuild/2003\"><ItemGroup>\n\
             <Build Include=\"p.sql\" />\n\
             <Reference Include=\"MailerLib\"><HintPath>..\\lib\\MailerLib.dll</HintPath></Reference> --! CLR008\n\
             <Reference Include=\"Geo.Types, Version=1.0.0.0, Culture=neutral\" />\n\
             <ArtifactReference Include=\"..\\lib\\SharedClr.dacpac\" />\n\
             </ItemGroup></Project>\n\
             === file: Db/p.sql\n\
             CREATE PROCEDURE dbo.a AS EXTERNAL NAME MailerLib.[M].Send;\n\
             GO\n\
             CREATE PROCEDURE dbo.b AS EXTERNAL NAME [geo.types].[G].F;\n\
             GO\n\
             CREATE PROCEDURE dbo.c AS EXTERNAL NAME SharedClr.[S].Run;\n\
             GO\n\
             CREATE PROCEDURE dbo.d AS EXTERNAL NAME NotReferenced.[S].Run; --! CLR007\n\
             GO\n",
        );
    }

    // A solution builds its C# projects and deploys its database projects together: an
    // assembly that a .csproj in the same folder builds, or that another database
    // project builds (its AssemblyName) or creates (CREATE ASSEMBLY), is not missing.
    #[test]
    fn an_assembly_a_sibling_project_builds_or_creates_resolves() {
        check(
            "=== file: Clr/Clr.csproj\n\
             <Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><AssemblyName>Acme.Clr</AssemblyName></PropertyGroup></Project>\n\
             === file: Helpers/Helpers.csproj\n\
             <Project Sdk=\"Microsoft.NET.Sdk\"></Project>\n\
             === file: Assemblies/Assemblies.sqlproj\n\
             <Project Sdk=\"Microsoft.Build.Sql\"><PropertyGroup><AssemblyName>Packed</AssemblyName></PropertyGroup> --! CLR008\n\
             <ItemGroup><Compile Include=\"P.cs\" /></ItemGroup></Project>\n\
             === file: Assemblies/P.cs\n\
             class P {}\n\
             === file: Assemblies/asm.sql\n\
             CREATE ASSEMBLY Crypto FROM 0x4D5A WITH PERMISSION_SET = SAFE; --! CLR008\n\
             GO\n\
             === file: Db/Db.sqlproj\n\
             <Project Sdk=\"Microsoft.Build.Sql\"></Project>\n\
             === file: Db/p.sql\n\
             CREATE PROCEDURE dbo.a AS EXTERNAL NAME [Acme.Clr].[A].Run;\n\
             GO\n\
             CREATE PROCEDURE dbo.b AS EXTERNAL NAME Helpers.[H].Run;\n\
             GO\n\
             CREATE PROCEDURE dbo.c AS EXTERNAL NAME Packed.[P].Run;\n\
             GO\n\
             CREATE PROCEDURE dbo.d AS EXTERNAL NAME crypto.[C].Run;\n\
             GO\n\
             CREATE PROCEDURE dbo.e AS EXTERNAL NAME Clr.[C].Run; --! CLR007\n\
             GO\n",
        );
    }

    // An assembly that a module's dynamic SQL creates exists once the module has run.
    #[test]
    fn an_assembly_created_by_a_modules_dynamic_sql_is_not_unresolved() {
        check(
            "CREATE PROCEDURE dbo.Install AS
    EXEC('CREATE ASSEMBLY [A] FROM 0x00 WITH PERMISSION_SET = SAFE;'); --! CLR008
GO
CREATE PROCEDURE dbo.P AS EXTERNAL NAME A.[C].M;
GO
",
        );
    }
}
