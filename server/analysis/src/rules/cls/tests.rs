//! How assemblies are tied to their C# source, and the severity by target server.

use crate::diagnostic::{Code, Severity};
use crate::rules::testing;

/// The codes and severities of the CLS findings on a fixture, with their paths and
/// lines.
fn cls(fixture: &str) -> Vec<(String, usize, Code, Severity)> {
    let (workspace, _) = testing::load(fixture);
    let found = testing::run(&workspace, super::RULES.iter().copied());
    let mut out: Vec<(String, usize, Code, Severity)> = found
        .iter()
        .map(|d| {
            (
                workspace
                    .files
                    .get(d.location.file)
                    .path
                    .to_string_lossy()
                    .replace('\\', "/"),
                testing::line_of(&workspace, d.location),
                d.code,
                d.severity,
            )
        })
        .collect();
    out.sort();
    out
}

const STATIC: &str = "namespace Lib { public static class Counter { static int n; public static int Next() { return ++n; } } }\n";

#[test]
fn the_sqlprojs_compile_items_are_its_assemblys_source() {
    let found = cls(&format!(
        "=== file: Db.sqlproj\n\
         <Project DefaultTargets=\"Build\"><PropertyGroup><AssemblyName>Lib</AssemblyName><PermissionSet>SAFE</PermissionSet><DSP>Microsoft.Data.Tools.Schema.Sql.Sql130DatabaseSchemaProvider</DSP></PropertyGroup>\n\
         <ItemGroup><Build Include=\"f.sql\" /><Compile Include=\"Counter.cs\" /></ItemGroup></Project>\n\
         === file: f.sql\n\
         CREATE FUNCTION dbo.Next () RETURNS int AS EXTERNAL NAME Lib.[Lib.Counter].Next;\n\
         === file: Counter.cs\n{STATIC}"
    ));
    // SQL Server 2016 enforces the declared permission set: an error.
    assert_eq!(
        found,
        [("Counter.cs".to_owned(), 1, Code::Cls002, Severity::Error)]
    );
}

#[test]
fn a_csproj_with_the_assemblys_name_is_its_source() {
    let found = cls(&format!(
        "=== file: db/a.sql\n\
         CREATE ASSEMBLY Lib FROM 'C:\\build\\Lib.dll' WITH PERMISSION_SET = SAFE;\n\
         GO\n\
         CREATE FUNCTION dbo.Next () RETURNS int AS EXTERNAL NAME Lib.[Lib.Counter].Next;\n\
         === file: clr/Library.csproj\n\
         <Project ToolsVersion=\"15.0\"><PropertyGroup><AssemblyName>Lib</AssemblyName></PropertyGroup><ItemGroup><Compile Include=\"Counter.cs\" /></ItemGroup></Project>\n\
         === file: clr/Counter.cs\n{STATIC}\
         === file: clr/NotCompiled.cs\n\
         namespace Lib {{ public static class Other {{ static int m; }} }}\n"
    ));
    // Strict security is on by default: a warning. The file the project does not
    // compile is not the assembly's.
    assert_eq!(
        found,
        [(
            "clr/Counter.cs".to_owned(),
            1,
            Code::Cls002,
            Severity::Warning
        )]
    );
}

#[test]
fn the_file_a_create_assembly_path_names_ties_the_csproj() {
    let found = cls(&format!(
        "=== file: db/a.sql\n\
         CREATE ASSEMBLY [CounterLib] FROM 'C:\\build\\Counters.Core.dll' WITH PERMISSION_SET = SAFE;\n\
         GO\n\
         CREATE FUNCTION dbo.Next () RETURNS int AS EXTERNAL NAME CounterLib.[Lib.Counter].Next;\n\
         === file: clr/Counters.Core.csproj\n\
         <Project Sdk=\"Microsoft.NET.Sdk\"></Project>\n\
         === file: clr/src/Counter.cs\n{STATIC}"
    ));
    assert_eq!(
        found,
        [(
            "clr/src/Counter.cs".to_owned(),
            1,
            Code::Cls002,
            Severity::Warning
        )]
    );
}

#[test]
fn without_a_project_the_classes_external_name_points_at_are_found() {
    let found = cls(&format!(
        "=== file: sql/a.sql\n\
         CREATE ASSEMBLY Lib FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
         GO\n\
         CREATE FUNCTION dbo.Next () RETURNS int AS EXTERNAL NAME Lib.[Lib.Counter].Next;\n\
         === file: src/Counter.cs\n{STATIC}\
         === file: src/Helper.cs\n\
         namespace Lib {{ static class Helper {{ static int m; }} }}\n\
         === file: elsewhere/Unrelated.cs\n\
         namespace Other {{ static class Unrelated {{ static int m; }} }}\n"
    ));
    // The class's folder is the assembly's source; a folder no EXTERNAL NAME reaches is
    // not.
    assert_eq!(
        found,
        [
            (
                "src/Counter.cs".to_owned(),
                1,
                Code::Cls002,
                Severity::Warning
            ),
            (
                "src/Helper.cs".to_owned(),
                1,
                Code::Cls002,
                Severity::Warning
            ),
        ]
    );
}

#[test]
fn an_assembly_without_source_gets_no_cls_finding() {
    let found = cls(
        "CREATE ASSEMBLY Lib FROM 0x4D5A WITH PERMISSION_SET = UNSAFE;\n\
         GO\n\
         CREATE FUNCTION dbo.Next () RETURNS int AS EXTERNAL NAME Lib.[Lib.Counter].Next;\n",
    );
    assert!(found.is_empty(), "{found:?}");
}

// `sp_configure 'clr strict security', 0` makes the server enforce the declared set.
#[test]
fn strict_security_off_makes_the_findings_errors() {
    let found = cls(&format!(
        "=== file: a.sql\n\
         EXEC sp_configure 'clr strict security', 0;\n\
         GO\n\
         CREATE ASSEMBLY Lib FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
         GO\n\
         CREATE FUNCTION dbo.Next () RETURNS int AS EXTERNAL NAME Lib.[Lib.Counter].Next;\n\
         === file: src/Counter.cs\n{STATIC}"
    ));
    assert_eq!(
        found,
        [(
            "src/Counter.cs".to_owned(),
            1,
            Code::Cls002,
            Severity::Error
        )]
    );
}

// The configuration names the target server's setting and wins over the project's
// default: `clr-strict-security = false` makes the declared set enforced.
#[test]
fn the_configuration_can_say_the_target_enforces_the_permission_set() {
    let found = cls(&format!(
        "=== file: sqlwarden.toml\n\
         clr-strict-security = false\n\
         === file: a.sql\n\
         CREATE ASSEMBLY Lib FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
         GO\n\
         CREATE FUNCTION dbo.Next () RETURNS int AS EXTERNAL NAME Lib.[Lib.Counter].Next;\n\
         === file: src/Counter.cs\n{STATIC}"
    ));
    assert_eq!(
        found,
        [(
            "src/Counter.cs".to_owned(),
            1,
            Code::Cls002,
            Severity::Error
        )]
    );
}

// Only the C# an entry point may bind to is read: the folder of a class EXTERNAL NAME
// names, and a C# project whose assembly the scripts name. An application's C# beside
// the database is never parsed.
#[test]
fn only_the_csharp_entry_points_can_bind_to_is_read() {
    let (workspace, _) = testing::load(&format!(
        "=== file: sql/a.sql\n\
         CREATE ASSEMBLY Lib FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
         GO\n\
         CREATE FUNCTION dbo.Next () RETURNS int AS EXTERNAL NAME Lib.[Lib.Counter].Next;\n\
         === file: src/Counter.cs\n{STATIC}\
         === file: src/Helper.cs\n\
         namespace Lib {{ static class Helper {{ }} }}\n\
         === file: app/Program.cs\n\
         class Program {{ static void Main() {{ }} }}\n\
         === file: web/Web.csproj\n\
         <Project Sdk=\"Microsoft.NET.Sdk.Web\"></Project>\n\
         === file: web/Startup.cs\n\
         class Startup {{ }}\n"
    ));
    let mut read: Vec<String> = workspace
        .csharp
        .keys()
        .map(|&f| {
            workspace
                .files
                .get(f)
                .path
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    read.sort();
    assert_eq!(read, ["src/Counter.cs", "src/Helper.cs"]);
}
