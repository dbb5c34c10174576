//! Whole-loader tests: fixture folders written to temporary directories, loaded, and
//! compared with what users must see (projects, script order, includes, variables,
//! findings with their exact positions).

use std::path::{Path, PathBuf};

use crate::diagnostic::Code;
use crate::project::{LoadOptions, ProjectKind, ScriptRole, Workspace, load};

/// A file of a fixture; text files are written as UTF-8 unless an encoding is named.
enum Bytes<'a> {
    Text(&'a str),
    Utf16Le(&'a str, bool),
    Utf16Be(&'a str),
    Raw(&'a [u8]),
}

fn write(root: &Path, files: &[(&str, Bytes<'_>)]) {
    for (path, bytes) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let data: Vec<u8> = match bytes {
            Bytes::Text(text) => text.as_bytes().to_vec(),
            Bytes::Utf16Le(text, bom) => {
                let mut out = if *bom { vec![0xFF, 0xFE] } else { Vec::new() };
                out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                out
            }
            Bytes::Utf16Be(text) => {
                let mut out = vec![0xFE, 0xFF];
                out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
                out
            }
            Bytes::Raw(raw) => raw.to_vec(),
        };
        std::fs::write(path, data).unwrap();
    }
}

fn fixture(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<(&str, Bytes<'_>)> = files.iter().map(|(p, t)| (*p, Bytes::Text(t))).collect();
    write(dir.path(), &files);
    dir
}

fn load_dir(dir: &Path, options: &LoadOptions) -> Workspace {
    load(&[dir.to_path_buf()], options).unwrap()
}

/// `CODE path:line:col message` for every diagnostic, 1-based.
fn findings(ws: &Workspace) -> Vec<String> {
    ws.diagnostics
        .iter()
        .map(|d| {
            let file = ws.files.get(d.location.file);
            let pos = file.line_index.utf8(d.location.range.start());
            format!(
                "{} {}:{}:{} {}",
                d.code,
                slash(&file.path),
                pos.line + 1,
                pos.col + 1,
                d.message
            )
        })
        .collect()
}

fn slash(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// `role path` for each script of project `index`.
fn scripts(ws: &Workspace, index: usize) -> Vec<String> {
    ws.projects[index]
        .scripts
        .iter()
        .map(|s| {
            let role = match s.role {
                ScriptRole::PreDeploy => "pre",
                ScriptRole::Build => "build",
                ScriptRole::PostDeploy => "post",
            };
            format!("{role} {}", slash(&ws.files.get(s.file).path))
        })
        .collect()
}

fn paths(ws: &Workspace, ids: &[crate::FileId]) -> Vec<String> {
    ids.iter()
        .map(|&id| slash(&ws.files.get(id).path))
        .collect()
}

fn id_of(ws: &Workspace, path: &str) -> crate::FileId {
    ws.files
        .iter()
        .find(|(_, f)| slash(&f.path) == path)
        .map(|(id, _)| id)
        .unwrap_or_else(|| panic!("{path} was not loaded"))
}

const SSDT: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Project DefaultTargets="Build" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <PropertyGroup>
    <Name>Sales</Name>
    <DefaultSchema>sales</DefaultSchema>
    <Trustworthy>True</Trustworthy>
    <PermissionSet>UNSAFE</PermissionSet>
  </PropertyGroup>
  <ItemGroup>
    <Build Include="Tables\Orders.sql" />
    <Build Include="Security\Roles.sql" />
    <None Include="Scripts\Data.sql" />
    <PreDeploy Include="Scripts\Script.PreDeployment1.sql" />
    <PostDeploy Include="Scripts\Script.PostDeployment1.sql" />
    <Compile Include="clr\proc.cs" />
    <Build Include="Tables\Missing.sql" />
    <Build Include="$(MSBuildProjectDirectory)\Tables\Orders.sql" />
    <Build Include="$(SomeSharedFolder)\Shared.sql" />
  </ItemGroup>
  <ItemGroup>
    <SqlCmdVariable Include="Env">
      <DefaultValue>dev</DefaultValue>
      <Value>$(SqlCmdVar__1)</Value>
    </SqlCmdVariable>
  </ItemGroup>
</Project>
"#;

#[test]
fn classic_ssdt_project() {
    let dir = fixture(&[
        ("Sales.sqlproj", SSDT),
        ("Tables/Orders.sql", "CREATE TABLE sales.Orders (id int);\n"),
        ("Security/Roles.sql", "CREATE ROLE [r_$(Env)];\n"),
        ("Scripts/Data.sql", "INSERT sales.Orders VALUES (1);\n"),
        ("Scripts/Script.PreDeployment1.sql", "PRINT 'pre';\n"),
        (
            "Scripts/Script.PostDeployment1.sql",
            "PRINT 'post';\r\n:r .\\Data.sql\r\nGO\r\n",
        ),
        ("Unlisted.sql", "SELECT 1;\n"),
        ("Clr/Proc.cs", "public class P {}\n"),
    ]);
    let ws = load_dir(dir.path(), &LoadOptions::default());
    assert_eq!(
        ws.projects.len(),
        2,
        "the SSDT project and the unlisted script"
    );
    let project = &ws.projects[0];
    assert_eq!(project.kind, ProjectKind::Ssdt);
    assert_eq!(project.name, "Sales");
    assert_eq!(
        scripts(&ws, 0),
        [
            "pre Scripts/Script.PreDeployment1.sql",
            "build Tables/Orders.sql",
            "build Security/Roles.sql",
            "post Scripts/Script.PostDeployment1.sql",
        ]
    );
    assert_eq!(paths(&ws, &project.none_items), ["Scripts/Data.sql"]);
    let post = id_of(&ws, "Scripts/Script.PostDeployment1.sql");
    let data = id_of(&ws, "Scripts/Data.sql");
    assert_eq!(project.includes.get(&(post, 15)), Some(&data));
    assert_eq!(
        project.include_at(post, syntax::TextRange::new(15, 28)),
        Some(data)
    );
    assert_eq!(
        project.include_at(post, syntax::TextRange::new(0, 13)),
        None
    );
    assert_eq!(project.default_schema, "sales");
    let trustworthy = &project.properties["Trustworthy"];
    assert_eq!(trustworthy.value, "True");
    let sqlproj = ws.files.get(trustworthy.location.file);
    assert_eq!(slash(&sqlproj.path), "Sales.sqlproj");
    assert_eq!(
        sqlproj
            .line_index
            .utf8(trustworthy.location.range.start())
            .line
            + 1,
        6
    );
    assert_eq!(project.properties["PermissionSet"].value, "UNSAFE");
    assert_eq!(project.variables["Env"], "dev");
    assert_eq!(project.variable("ENV"), Some("dev"));
    assert_eq!(project.variable("Nope"), None);
    assert_eq!(paths(&ws, &project.compile_items), ["Clr/Proc.cs"]);
    assert_eq!(
        ws.files.get(project.compile_items[0]).text,
        "public class P {}\n"
    );
    assert_eq!(project.variables["DatabaseName"], "Sales");
    assert_eq!(
        findings(&ws),
        [
            "SQL004 Sales.sqlproj:16:5 Sales.sqlproj: the Build item `Tables\\Missing.sql` names a file that does not exist"
        ]
    );
    // Every SQL file is parsed, the `None` item included; the project file is not.
    assert!(ws.scripts.contains_key(&data));
    assert!(!ws.scripts.contains_key(&project.project_file.unwrap()));
    assert_eq!(ws.projects[1].kind, ProjectKind::Scripts);
    assert_eq!(scripts(&ws, 1), ["build Unlisted.sql"]);
}

#[test]
fn sdk_style_project_globs_everything_but_what_it_removes() {
    let dir = fixture(&[
        (
            "Db/Db.sqlproj",
            r#"<Project Sdk="Microsoft.Build.Sql/0.2.0-preview">
  <PropertyGroup><DSP>Microsoft.Data.Tools.Schema.Sql.Sql160DatabaseSchemaProvider</DSP></PropertyGroup>
  <ItemGroup>
    <Build Remove="Scripts\**" />
    <None Include="Scripts\Seed.sql" />
    <PostDeploy Include="Scripts\Script.PostDeployment.sql" />
    <Build Remove="old.sql" />
  </ItemGroup>
</Project>"#,
        ),
        ("Db/b.sql", "SELECT 1;"),
        ("Db/a/z.sql", "SELECT 1;"),
        ("Db/OLD.sql", "SELECT 1;"),
        ("Db/Scripts/Seed.sql", "SELECT 1;"),
        (
            "Db/Scripts/Script.PostDeployment.sql",
            ":r Seed.sql\n:r helper.sql\n",
        ),
        ("Db/Scripts/helper.sql", "SELECT 1;"),
        ("Db/bin/Debug/gen.sql", "SELECT 1;"),
        ("Db/obj/x.sql", "SELECT 1;"),
    ]);
    let ws = load_dir(dir.path(), &LoadOptions::default());
    assert_eq!(
        ws.projects.len(),
        1,
        "every .sql file is claimed: {:?}",
        ws.projects
    );
    assert_eq!(ws.projects[0].kind, ProjectKind::Sdk);
    assert_eq!(
        scripts(&ws, 0),
        [
            "build Db/a/z.sql",
            "build Db/b.sql",
            "post Db/Scripts/Script.PostDeployment.sql"
        ]
    );
    assert_eq!(
        paths(&ws, &ws.projects[0].none_items),
        ["Db/Scripts/Seed.sql"]
    );
    assert_eq!(
        paths(&ws, &ws.projects[0].included),
        ["Db/Scripts/Seed.sql", "Db/Scripts/helper.sql"]
    );
    assert!(ws.projects[0].properties["DSP"].value.contains("Sql160"));
    assert!(findings(&ws).is_empty(), "{:?}", findings(&ws));
    assert!(
        !ws.files
            .iter()
            .any(|(_, f)| slash(&f.path).contains("bin/"))
    );
}

#[test]
fn two_projects_and_loose_scripts_in_one_folder() {
    let dir = fixture(&[
        (
            "App/App.sqlproj",
            r#"<Project><ItemGroup><Build Include="t.sql"/></ItemGroup></Project>"#,
        ),
        ("App/t.sql", "SELECT 1;"),
        ("App/stray.sql", "SELECT 1;"),
        (
            "Audit/Audit.sqlproj",
            r#"<Project Sdk="Microsoft.Build.Sql"/>"#,
        ),
        ("Audit/log.sql", "SELECT 1;"),
        (
            "Audit/Nested/Inner.sqlproj",
            r#"<Project Sdk="Microsoft.Build.Sql"/>"#,
        ),
        ("Audit/Nested/inner.sql", "SELECT 1;"),
        ("deploy/Script.PostDeployment.sql", "SELECT 1;"),
        ("deploy/script.predeployment2.sql", "SELECT 1;"),
        ("deploy/grants.sql", "SELECT 1;"),
    ]);
    let ws = load_dir(dir.path(), &LoadOptions::default());
    let names: Vec<&str> = ws.projects.iter().map(|p| p.name.as_str()).collect();
    let loose_name = dir.path().file_name().unwrap().to_str().unwrap();
    assert_eq!(names, ["App", "Audit", "Inner", loose_name]);
    assert_eq!(scripts(&ws, 0), ["build App/t.sql"]);
    assert_eq!(scripts(&ws, 1), ["build Audit/log.sql"]);
    assert_eq!(scripts(&ws, 2), ["build Audit/Nested/inner.sql"]);
    assert_eq!(
        scripts(&ws, 3),
        [
            "pre deploy/script.predeployment2.sql",
            "build App/stray.sql",
            "build deploy/grants.sql",
            "post deploy/Script.PostDeployment.sql",
        ]
    );
}

#[test]
fn encodings_and_an_undecodable_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("a_le.sql", Bytes::Utf16Le("CREATE ROLE [lé];\r\n", true)),
            ("b_be.sql", Bytes::Utf16Be("CREATE ROLE b;\n")),
            ("c_bom.sql", Bytes::Raw(b"\xEF\xBB\xBFSELECT 1;")),
            ("d_nobom.sql", Bytes::Utf16Le("SELECT 2;\n", false)),
            ("e_latin1.sql", Bytes::Raw(b"SELECT 'caf\xE9';")),
            ("f_ok.sql", Bytes::Text("SELECT 3;")),
        ],
    );
    let ws = load_dir(dir.path(), &LoadOptions::default());
    let text = |p: &str| ws.files.get(id_of(&ws, p)).text.clone();
    assert_eq!(text("a_le.sql"), "CREATE ROLE [lé];\r\n");
    assert_eq!(text("b_be.sql"), "CREATE ROLE b;\n");
    assert_eq!(text("c_bom.sql"), "SELECT 1;");
    assert_eq!(text("d_nobom.sql"), "SELECT 2;\n");
    assert_eq!(text("e_latin1.sql"), "SELECT 'café';");
    assert_eq!(text("f_ok.sql"), "SELECT 3;");
    assert_eq!(findings(&ws), Vec::<String>::new());
    // The run goes on: every file is a script of the loose project.
    assert_eq!(ws.projects[0].scripts.len(), 6);
    assert_eq!(ws.scripts.len(), 6);
}

#[test]
fn malformed_sqlproj_is_reported_and_the_run_goes_on() {
    let dir = fixture(&[
        (
            "Broken/Broken.sqlproj",
            "<Project>\n  <ItemGroup>\n    <Build Include=\"a.sql\">\n  </ItemGroup>\n</Project>\n",
        ),
        ("Broken/a.sql", "SELECT 1;"),
        ("other.sql", "SELECT 1;"),
    ]);
    let ws = load_dir(dir.path(), &LoadOptions::default());
    let found = findings(&ws);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "SQL004 Broken/Broken.sqlproj:4:3 Broken/Broken.sqlproj is not well-formed XML:"
        ),
        "{found:?}"
    );
    assert_eq!(ws.projects[0].name, "Broken");
    assert!(ws.projects[0].scripts.is_empty());
    // What the broken project would have claimed is analysed as plain scripts.
    assert_eq!(scripts(&ws, 1), ["build Broken/a.sql", "build other.sql"]);
}

#[test]
fn includes_relative_missing_and_cycles_point_at_the_r_line() {
    let dir = fixture(&[
        (
            "Script.PostDeployment.sql",
            "PRINT 1;\n:r .\\sub\\A.sql\n  :r \"missing dir\\x.sql\"\n",
        ),
        ("sub/a.sql", "SELECT 1;\n:r ..\\sub\\b.sql\n"),
        ("sub/b.sql", "SELECT 2;\n\n:r ./A.SQL\n:r c.sql\n"),
        ("sub/c.sql", ":r b.sql\n"),
    ]);
    let ws = load_dir(dir.path(), &LoadOptions::default());
    assert_eq!(
        findings(&ws),
        [
            "SQL004 Script.PostDeployment.sql:3:3 `:r \"missing dir\\x.sql\"` in Script.PostDeployment.sql names a file that does not exist: missing dir/x.sql (paths are relative to the including file's folder)",
            "SQL004 sub/b.sql:3:1 `:r ./A.SQL` in sub/b.sql would include sub/a.sql while it is being included: an include cycle (sub/a.sql → sub/b.sql → sub/a.sql)",
            "SQL004 sub/c.sql:1:1 `:r b.sql` in sub/c.sql would include sub/b.sql while it is being included: an include cycle (sub/b.sql → sub/c.sql → sub/b.sql)",
        ]
    );
    let project = &ws.projects[0];
    // Only the deployment script is analysed on its own; the others are reached by `:r`.
    assert_eq!(scripts(&ws, 0), ["post Script.PostDeployment.sql"]);
    assert_eq!(
        paths(&ws, &project.included),
        ["sub/a.sql", "sub/b.sql", "sub/c.sql"]
    );
    let post = id_of(&ws, "Script.PostDeployment.sql");
    assert_eq!(
        project.includes.get(&(post, 9)),
        Some(&id_of(&ws, "sub/a.sql"))
    );
    // The two edges that close cycles are not in the graph.
    assert_eq!(project.includes.len(), 3);
}

#[test]
fn include_paths_use_variables_defined_before_them() {
    let dir = fixture(&[
        (
            "Script.PreDeployment.sql",
            ":setvar Dir seed\n:r .\\$(Dir)\\$(File)\n:r $(Unknown)\\x.sql\n",
        ),
        ("seed/one.sql", "SELECT 1;"),
    ]);
    let options = LoadOptions {
        variables: vec![("FILE".into(), "one.sql".into())],
        ..LoadOptions::default()
    };
    let ws = load_dir(dir.path(), &options);
    let pre = id_of(&ws, "Script.PreDeployment.sql");
    assert_eq!(
        ws.projects[0].includes.get(&(pre, 17)),
        Some(&id_of(&ws, "seed/one.sql"))
    );
    let found = findings(&ws);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].starts_with("SQL004 Script.PreDeployment.sql:3:1 `:r $(Unknown)\\x.sql`"),
        "{found:?}"
    );
    assert!(
        found[1].starts_with(
            "SQL002 Script.PreDeployment.sql:3:4 SQLCMD variable `$(Unknown)` is not defined"
        ),
        "{found:?}"
    );
}

#[test]
fn sql002_for_names_defined_nowhere() {
    let dir = fixture(&[
        (
            "Script.PostDeployment.sql",
            ":setvar AppRole app_role\n:r grants.sql\n",
        ),
        (
            "grants.sql",
            "GRANT SELECT ON t TO [$(APPROLE)]; -- $(Commented) is documentation\nPRINT '$(DatabaseName) $(Missing)';\n/* Example: SELECT * FROM [$(TableName)] */\n",
        ),
        ("other.sql", "CREATE USER [$(Missing)];\r\nSELECT $(env);\n"),
    ]);
    let ws = load_dir(dir.path(), &LoadOptions::default());
    assert_eq!(
        findings(&ws),
        [
            "SQL002 grants.sql:2:24 SQLCMD variable `$(Missing)` is not defined: add `:setvar Missing value`, a SqlCmdVariable in the .sqlproj, or pass --var Missing=VALUE",
            "SQL002 other.sql:1:14 SQLCMD variable `$(Missing)` is not defined: add `:setvar Missing value`, a SqlCmdVariable in the .sqlproj, or pass --var Missing=VALUE",
            "SQL002 other.sql:2:8 SQLCMD variable `$(env)` is not defined: add `:setvar env value`, a SqlCmdVariable in the .sqlproj, or pass --var env=VALUE",
        ]
    );
    let d = &ws.diagnostics[0];
    assert_eq!(d.severity, crate::Severity::Warning);
    let text = &ws.files.get(d.location.file).text;
    assert_eq!(&text[d.location.range.as_range()], "$(Missing)");
    assert_eq!(
        scripts(&ws, 0),
        ["build other.sql", "post Script.PostDeployment.sql"]
    );
}

#[test]
fn variables_precedence() {
    let dir = fixture(&[
        (
            "Db.sqlproj",
            r#"<Project><ItemGroup>
  <SqlCmdVariable Include="A"><DefaultValue>proj</DefaultValue></SqlCmdVariable>
  <SqlCmdVariable Include="B"><DefaultValue>proj</DefaultValue></SqlCmdVariable>
  <SqlCmdVariable Include="C"><DefaultValue>proj</DefaultValue></SqlCmdVariable>
  <SqlCmdVariable Include="DatabaseName"><DefaultValue>Real</DefaultValue></SqlCmdVariable>
</ItemGroup></Project>"#,
        ),
        (
            "sqlwarden.toml",
            "default-schema = \"cfg\"\n[variables]\nb = \"config\"\nC = \"config\"\n",
        ),
    ]);
    let options = LoadOptions {
        variables: vec![("c".into(), "cli".into())],
        ..LoadOptions::default()
    };
    let ws = load_dir(dir.path(), &options);
    let vars: Vec<(String, String)> = ws.projects[0]
        .variables
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let expected: Vec<(String, String)> = [
        ("A", "proj"),
        ("DatabaseName", "Real"),
        ("DefaultDataPath", ""),
        ("DefaultFilePrefix", "Db"),
        ("DefaultLogPath", ""),
        ("b", "config"),
        ("c", "cli"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(vars, expected);
    assert_eq!(ws.projects[0].default_schema, "cfg");
    let ws = load_dir(
        dir.path(),
        &LoadOptions {
            default_schema: Some("cli".into()),
            ..LoadOptions::default()
        },
    );
    assert_eq!(ws.projects[0].default_schema, "cli");
    assert_eq!(ws.config.default_schema.as_deref(), Some("cli"));
}

#[test]
fn config_excludes_and_errors() {
    let dir = fixture(&[
        (
            "sqlwarden.toml",
            "exclude = [\"legacy\"]\nignore = [\"SQL002\"]\n",
        ),
        ("legacy/old.sql", "SELECT 1;"),
        ("new.sql", "SELECT $(x);"),
    ]);
    let ws = load_dir(&dir.path().join("."), &LoadOptions::default());
    assert_eq!(scripts(&ws, 0), ["build new.sql"]);
    assert_eq!(ws.config.ignore, ["SQL002"]);
    // Loading reports everything; `apply` filters.
    assert_eq!(ws.diagnostics.len(), 1);
    assert!(crate::config::apply(&ws.config, &ws.files, ws.diagnostics.clone()).is_empty());

    std::fs::write(dir.path().join("sqlwarden.toml"), "selec = [\"PRM\"]\n").unwrap();
    let err = load(&[dir.path().to_path_buf()], &LoadOptions::default()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("sqlwarden.toml:1:1: unknown field `selec`"),
        "{message}"
    );

    let err = load(
        &[dir.path().join("nope")],
        &LoadOptions {
            config: Some(dir.path().join("other.toml")),
            ..LoadOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, crate::project::LoadError::NotFound(_)),
        "{err}"
    );
    let err = load(&[dir.path().join("nope")], &LoadOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: no such file or directory",
            dir.path().join("nope").display()
        )
    );

    let err = load(
        &[dir.path().join("new.sql")],
        &LoadOptions {
            config: Some(dir.path().join("sqlwarden.toml")),
            select: vec!["BOGUS".into()],
            ..LoadOptions::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("sqlwarden.toml:1:1"), "{err}");
}

#[test]
fn single_files_and_a_sqlproj_path() {
    let dir = fixture(&[
        ("x/one.sql", ":r inc\\Two.sql\n"),
        ("x/inc/two.sql", "SELECT 2;"),
        ("x/three.sql", "SELECT 3;"),
        (
            "p/P.sqlproj",
            r#"<Project><ItemGroup><Build Include="q.sql"/></ItemGroup></Project>"#,
        ),
        ("p/q.sql", "SELECT 4;"),
    ]);
    let ws = load(
        &[
            dir.path().join("x/three.sql"),
            dir.path().join("x/one.sql"),
            dir.path().join("p/P.sqlproj"),
        ],
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(ws.projects.len(), 2);
    assert_eq!(ws.projects[0].name, "P");
    assert_eq!(scripts(&ws, 1).len(), 2);
    // The case-insensitive `:r` found `inc/two.sql`.
    assert_eq!(ws.projects[1].included.len(), 1);
    let two = ws.files.get(ws.projects[1].included[0]);
    assert!(
        two.absolute.ends_with("x/inc/two.sql"),
        "{:?}",
        two.absolute
    );
    assert!(findings(&ws).is_empty(), "{:?}", findings(&ws));
}

#[test]
fn overlays_replace_the_disk() {
    let dir = fixture(&[("a.sql", "SELECT $(Old);"), ("b.sql", ":r new.sql\n")]);
    let root: PathBuf = std::fs::canonicalize(dir.path()).unwrap();
    let mut options = LoadOptions::default();
    options
        .overlays
        .insert(root.join("a.sql"), "SELECT 1;".into());
    options
        .overlays
        .insert(root.join("new.sql"), "SELECT $(New);".into());
    options
        .overlays
        .insert(root.join("sub/unsaved.sql"), "SELECT 2;".into());
    let ws = load_dir(&root, &options);
    assert_eq!(ws.files.get(id_of(&ws, "a.sql")).text, "SELECT 1;");
    // A buffer never saved is a script of the folder; one reached by `:r` is not.
    assert_eq!(
        scripts(&ws, 0),
        ["build a.sql", "build b.sql", "build sub/unsaved.sql"]
    );
    let found = findings(&ws);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("SQL002 new.sql:1:8"), "{found:?}");
}

#[test]
fn the_same_problem_from_two_projects_is_reported_once() {
    let dir = fixture(&[
        (
            "A/A.sqlproj",
            r#"<Project><ItemGroup><Build Include="..\shared\s.sql"/></ItemGroup></Project>"#,
        ),
        (
            "B/B.sqlproj",
            r#"<Project><ItemGroup><Build Include="..\shared\s.sql"/></ItemGroup></Project>"#,
        ),
        ("shared/s.sql", "SELECT $(Nope);\n:r gone.sql\n"),
    ]);
    let ws = load_dir(dir.path(), &LoadOptions::default());
    assert_eq!(
        ws.projects.len(),
        2,
        "shared/s.sql is claimed, so no loose project"
    );
    let codes: Vec<Code> = ws.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::Sql002, Code::Sql004]);
}

#[test]
fn the_including_script_is_walked_first_so_its_setvars_apply() {
    // `a.sql` sorts before the deployment script, but only the deployment script says
    // where `$(Sub)` is.
    let dir = fixture(&[
        ("Script.PostDeployment.sql", ":setvar Sub seed\n:r a.sql\n"),
        ("a.sql", ":r $(Sub)/x.sql\n"),
        ("seed/x.sql", "SELECT 1;"),
    ]);
    let ws = load_dir(dir.path(), &LoadOptions::default());
    assert!(findings(&ws).is_empty(), "{:?}", findings(&ws));
    assert_eq!(scripts(&ws, 0), ["post Script.PostDeployment.sql"]);
    assert_eq!(
        paths(&ws, &ws.projects[0].included),
        ["a.sql", "seed/x.sql"]
    );
}

#[test]
fn p09_shape_utf16_deployment_script_including_a_loose_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "Scripts/Script.PostDeployment.sql",
                Bytes::Utf16Le(
                    ":setvar AppRole app_role\r\n:r .\\grants.sql\r\nGO\r\n",
                    true,
                ),
            ),
            (
                "Scripts/grants.sql",
                Bytes::Text("GRANT IMPERSONATE ON USER::dbo TO [$(AppRole)];\nGO\n"),
            ),
            ("roles.sql", Bytes::Text("CREATE ROLE app_role;\nGO\n")),
        ],
    );
    let ws = load_dir(dir.path(), &LoadOptions::default());
    assert!(findings(&ws).is_empty(), "{:?}", findings(&ws));
    assert_eq!(
        scripts(&ws, 0),
        ["build roles.sql", "post Scripts/Script.PostDeployment.sql"]
    );
    let post = id_of(&ws, "Scripts/Script.PostDeployment.sql");
    assert_eq!(
        ws.projects[0].includes.get(&(post, 26)),
        Some(&id_of(&ws, "Scripts/grants.sql"))
    );
}

#[test]
fn include_chains_are_cut_at_a_depth_limit() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..105 {
        let next = format!(":r f{:03}.sql\n", i + 1);
        std::fs::write(dir.path().join(format!("f{i:03}.sql")), next).unwrap();
    }
    let ws = load_dir(dir.path(), &LoadOptions::default());
    let found = findings(&ws);
    assert_eq!(
        found,
        [
            "SQL004 f099.sql:1:1 `:r f100.sql` in f099.sql nests includes more than 100 deep; the rest is not read",
            "SQL004 f104.sql:1:1 `:r f105.sql` in f104.sql names a file that does not exist: f105.sql (paths are relative to the including file's folder)",
        ]
    );
    // The file past the limit starts a chain of its own.
    assert_eq!(scripts(&ws, 0), ["build f000.sql", "build f100.sql"]);
}

/// Writes a multi-file fixture and checks that loading reports exactly the findings its
/// markers expect. `=== file: PATH [utf8bom|utf16le|utf16be|latin1]` starts a file; a line
/// ending in `--!expect CODE` must get a finding of that code on that line (the marker
/// is removed before the file is written, as in `shared/examples`).
fn check(fixture: &str) -> Workspace {
    let dir = tempfile::tempdir().unwrap();
    let mut expected = Vec::new();
    let mut current: Option<(String, String, Vec<String>)> = None;
    let flush = |file: Option<(String, String, Vec<String>)>| {
        let Some((path, encoding, lines)) = file else {
            return;
        };
        let text = lines.join("\n");
        let bytes = match encoding.as_str() {
            "utf16le" => {
                let mut out = vec![0xFF, 0xFE];
                out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                out
            }
            "utf16be" => {
                let mut out = vec![0xFE, 0xFF];
                out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
                out
            }
            "utf8bom" => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
            // Latin-1: every character below U+0100 as one byte.
            "latin1" => text.chars().map(|c| c as u32 as u8).collect(),
            _ => text.into_bytes(),
        };
        let full = dir.path().join(&path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, bytes).unwrap();
    };
    for line in fixture.lines() {
        if let Some(header) = line.strip_prefix("=== file: ") {
            flush(current.take());
            let mut words = header.split_whitespace();
            let path = words.next().unwrap().to_owned();
            let encoding = words.next().unwrap_or("utf8").to_owned();
            current = Some((path, encoding, Vec::new()));
            continue;
        }
        let Some((path, _, lines)) = current.as_mut() else {
            continue;
        };
        match line.split_once("--!expect ") {
            Some((code, marker)) => {
                expected.push(format!("{} {}:{}", marker.trim(), path, lines.len() + 1));
                lines.push(code.trim_end().to_owned());
            }
            None => lines.push(line.to_owned()),
        }
    }
    flush(current.take());
    let ws = load_dir(dir.path(), &LoadOptions::default());
    let mut actual: Vec<String> = ws
        .diagnostics
        .iter()
        .map(|d| {
            let file = ws.files.get(d.location.file);
            let line = file.line_index.utf8(d.location.range.start()).line + 1;
            format!("{} {}:{}", d.code, slash(&file.path), line)
        })
        .collect();
    actual.sort();
    expected.sort();
    assert_eq!(actual, expected, "{:#?}", findings(&ws));
    ws
}

#[test]
fn fixture_deployment_scripts_in_every_encoding() {
    check(
        "
=== file: Scripts/Script.PreDeployment.sql utf16be
:setvar Schema app
:r .\\schema.sql
=== file: Scripts/schema.sql utf8bom
CREATE SCHEMA [$(Schema)];
:r .\\missing.sql --!expect SQL004
=== file: Scripts/Script.PostDeployment.sql utf16le
:r .\\grants.sql
:r .\\cafe.sql
=== file: Scripts/grants.sql
GRANT EXECUTE ON SCHEMA::[$(Schema)] TO [$(Role)]; --!expect SQL002
=== file: Scripts/cafe.sql latin1
PRINT 'café';
",
    );
}

#[test]
fn fixture_cycles_are_reported_once_at_the_closing_include() {
    let ws = check(
        "
=== file: Script.PostDeployment.sql
:r a.sql
:r b.sql
=== file: a.sql
:r b.sql
=== file: b.sql
SELECT 1;
:r a.sql --!expect SQL004
",
    );
    assert_eq!(scripts(&ws, 0), ["post Script.PostDeployment.sql"]);
}

#[cfg(unix)]
#[test]
fn a_pipe_named_like_a_script_does_not_block_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.sql");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !status.is_ok_and(|s| s.success()) {
        return;
    }
    std::fs::write(dir.path().join("ok.sql"), "SELECT 1;").unwrap();
    let ws = load(&[fifo, dir.path().join("ok.sql")], &LoadOptions::default()).unwrap();
    // Paths given as absolute paths are shown as given.
    let shown = slash(&dir.path().join("pipe.sql"));
    assert_eq!(
        findings(&ws),
        [format!("SQL004 {shown}:1:1 {shown} is not a regular file")]
    );
}

/// Offsets into a script are 32-bit, so a file of 4 GiB or more is refused by its size,
/// before it is read (the file here is sparse: it takes no disk space), and the run goes
/// on with the other files.
#[test]
fn a_script_of_4_gib_is_refused_by_its_size_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.sql");
    let len = syntax::ast::MAX_FILE_LEN as u64;
    std::fs::File::create(&big).unwrap().set_len(len).unwrap();
    std::fs::write(
        dir.path().join("ok.sql"),
        "GRANT SELECT ON dbo.t TO public;",
    )
    .unwrap();
    let ws = load(&[big, dir.path().join("ok.sql")], &LoadOptions::default()).unwrap();
    let shown = slash(&dir.path().join("big.sql"));
    assert_eq!(
        findings(&ws),
        [format!(
            "SQL004 {shown}:1:1 {shown} is 4294967295 bytes long; a script must be shorter than 4294967295 bytes (4 GiB)"
        )]
    );
    assert_eq!(ws.files.len(), 2, "ok.sql is still loaded");
}

#[test]
fn a_project_named_twice_is_loaded_once() {
    let dir = fixture(&[
        (
            "Db/Db.sqlproj",
            r#"<Project><ItemGroup><Build Include="t.sql"/></ItemGroup></Project>"#,
        ),
        ("Db/t.sql", "SELECT 1;"),
    ]);
    let ws = load(
        &[dir.path().to_path_buf(), dir.path().join("Db/Db.sqlproj")],
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(ws.projects.len(), 1, "{:?}", ws.projects);
    assert_eq!(scripts(&ws, 0), ["build Db/t.sql"]);
}

#[test]
fn loading_twice_gives_the_same_ids_and_findings() {
    let dir = fixture(&[
        ("z.sql", "SELECT $(A);\n:r y/x.sql\n"),
        ("y/x.sql", "SELECT $(B);"),
        ("a/b.sql", ":r ../missing.sql\n"),
        ("m.sql", "SELECT 1;"),
    ]);
    let first = load_dir(dir.path(), &LoadOptions::default());
    for _ in 0..3 {
        let again = load_dir(dir.path(), &LoadOptions::default());
        let files = |ws: &Workspace| -> Vec<String> {
            ws.files.iter().map(|(_, f)| slash(&f.path)).collect()
        };
        assert_eq!(files(&again), files(&first));
        assert_eq!(findings(&again), findings(&first));
        assert_eq!(again.projects[0].includes, first.projects[0].includes);
    }
}

/// A `None` item is content that MSBuild only carries along (it never reads it), and in
/// real projects a missing one is a git-ignored key or build output, so it is not
/// reported; a missing `Build` item fails the build, so it still is (SQL004).
/// <https://learn.microsoft.com/en-us/visualstudio/msbuild/common-msbuild-project-items#none>
#[test]
fn a_missing_none_item_is_quiet_and_a_missing_build_item_is_not() {
    let dir = fixture(&[
        (
            "Db.sqlproj",
            r#"<Project xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <ItemGroup>
    <Build Include="T.sql" />
    <None Include="Keys\signing.snk" />
    <None Include="Scripts\Generated.sql" />
    <None Include="Present.sql" />
    <Build Include="Gone.sql" />
  </ItemGroup>
</Project>
"#,
        ),
        ("T.sql", "CREATE TABLE dbo.t (id int);\n"),
        ("Present.sql", "SELECT 1;\n"),
    ]);
    let ws = load_dir(dir.path(), &LoadOptions::default());
    assert_eq!(
        findings(&ws),
        [
            "SQL004 Db.sqlproj:7:5 Db.sqlproj: the Build item `Gone.sql` names a file that does not exist"
        ]
    );
    // The `None` item that exists is still a `None` item.
    assert_eq!(paths(&ws, &ws.projects[0].none_items), ["Present.sql"]);
    assert_eq!(scripts(&ws, 0), ["build T.sql"]);
}

/// MSBuild writes a build's output (the `.dacpac`, copies of deployment scripts) to the
/// project's `OutputPath`, `bin\<Configuration>\` by default, but a project may put it
/// anywhere, also outside its folder. Scripts there are copies, not sources: they are
/// no loose scripts, as `bin/` and `obj/` are not.
/// <https://learn.microsoft.com/en-us/visualstudio/msbuild/common-msbuild-project-properties>
#[test]
fn the_output_path_is_left_out_of_discovery() {
    let dir = fixture(&[
        (
            "Db/Db.sqlproj",
            r#"<Project xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <PropertyGroup Condition=" '$(Configuration)|$(Platform)' == 'Debug|AnyCPU' ">
    <OutputPath>Out\Debug\</OutputPath>
  </PropertyGroup>
  <PropertyGroup Condition=" '$(Configuration)|$(Platform)' == 'Release|AnyCPU' ">
    <OutputPath>..\build\out\</OutputPath>
  </PropertyGroup>
  <PropertyGroup>
    <OutputPath>$(SolutionDir)\artifacts\</OutputPath>
  </PropertyGroup>
  <ItemGroup>
    <Build Include="T.sql" />
  </ItemGroup>
</Project>
"#,
        ),
        ("Db/T.sql", "CREATE TABLE dbo.t (id int);\n"),
        (
            "Db/Out/Debug/Db_Create.sql",
            "CREATE TABLE dbo.t (id int);\n",
        ),
        ("build/out/Db_Create.sql", "CREATE TABLE dbo.t (id int);\n"),
        // Not an output path: a folder whose name only starts like one.
        ("build/outside.sql", "SELECT 1;\n"),
        ("Db/Output/kept.sql", "SELECT 2;\n"),
    ]);
    let ws = load_dir(dir.path(), &LoadOptions::default());
    assert_eq!(findings(&ws), Vec::<String>::new());
    assert_eq!(ws.projects.len(), 2);
    assert_eq!(scripts(&ws, 0), ["build Db/T.sql"]);
    assert_eq!(
        scripts(&ws, 1),
        ["build Db/Output/kept.sql", "build build/outside.sql"]
    );
}

/// Without an `OutputPath` nothing but `bin/` and `obj/` is left out.
#[test]
fn without_an_output_path_the_same_folder_is_a_loose_script() {
    let dir = fixture(&[
        (
            "Db/Db.sqlproj",
            r#"<Project xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <ItemGroup><Build Include="T.sql" /></ItemGroup>
</Project>
"#,
        ),
        ("Db/T.sql", "CREATE TABLE dbo.t (id int);\n"),
        ("Db/Out/Debug/Db_Create.sql", "SELECT 1;\n"),
    ]);
    let ws = load_dir(dir.path(), &LoadOptions::default());
    assert_eq!(scripts(&ws, 1), ["build Db/Out/Debug/Db_Create.sql"]);
}

/// The owner of a file given alone: the `.sqlproj` that reaches it (by an item, an
/// SDK-style project's default items, or a `:r` from one of its scripts), searched upward
/// to the workspace root (the folder holding `.git`); else that root's loose scripts.
#[test]
fn owners_are_the_projects_that_reach_the_files() {
    use crate::load::{Owner, owners};
    let dir = fixture(&[
        (
            "db/Db.sqlproj",
            r#"<Project><ItemGroup><Build Include="Tables\t.sql" /><PostDeploy Include="Post.sql" /></ItemGroup></Project>"#,
        ),
        ("db/Tables/t.sql", "CREATE TABLE dbo.t (id int);\n"),
        ("db/Post.sql", ":r .\\Data\\seed.sql\n"),
        ("db/Data/seed.sql", "SELECT 1;\n"),
        ("db/Tables/stray.sql", "SELECT 2;\n"),
        (
            "sdk/Sdk.sqlproj",
            r#"<Project Sdk="Microsoft.Build.Sql"><PropertyGroup><Name>Sdk</Name></PropertyGroup></Project>"#,
        ),
        ("sdk/Views/v.sql", "CREATE VIEW dbo.v AS SELECT 1 AS x;\n"),
        ("scripts/run.sql", "SELECT 3;\n"),
    ]);
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let owner = |file: &str| -> Owner {
        let found = owners(&[root.join(file)], &LoadOptions::default()).unwrap();
        assert_eq!(found.len(), 1, "{file}: {found:?}");
        found[0].clone()
    };
    assert_eq!(
        owner("db/Tables/t.sql"),
        Owner::Sqlproj(root.join("db/Db.sqlproj"))
    );
    assert_eq!(
        owner("db/Data/seed.sql"),
        Owner::Sqlproj(root.join("db/Db.sqlproj"))
    );
    assert_eq!(
        owner("sdk/Views/v.sql"),
        Owner::Sqlproj(root.join("sdk/Sdk.sqlproj"))
    );
    // Beside a project that does not list it, a script is one of the loose scripts.
    assert_eq!(owner("db/Tables/stray.sql"), Owner::Folder(root.clone()));
    assert_eq!(owner("scripts/run.sql"), Owner::Folder(root.clone()));
    // Two files of one project: one owner. A file that exists only as unsaved text
    // belongs where its folder says.
    let both = owners(
        &[root.join("db/Tables/t.sql"), root.join("db/Post.sql")],
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(both, [Owner::Sqlproj(root.join("db/Db.sqlproj"))]);
    let unsaved = owners(&[root.join("scripts/new.sql")], &LoadOptions::default()).unwrap();
    assert_eq!(unsaved, [Owner::Folder(root.clone())]);
    // A path whose folder does not exist is an error naming it.
    let missing = owners(&[root.join("nowhere/x.sql")], &LoadOptions::default());
    assert!(missing.is_err());
}

/// A `.sqlproj` item and a `:r` line may reach anywhere inside the workspace root (the
/// folder holding `.git`), as linked files of a shared folder do; outside it they are
/// not read, so that a script cannot bring a file of the machine into a CI log. A link
/// named like a script that leads outside the folder checked is reported, not read.
#[cfg(unix)]
#[test]
fn items_includes_and_links_outside_the_workspace_root_are_not_read() {
    let outside = fixture(&[("secret.sql", "GRANT SELECT ON dbo.t TO public;\n")]);
    let secret = std::fs::canonicalize(outside.path().join("secret.sql")).unwrap();
    let dir = fixture(&[
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("Shared/common.sql", "CREATE TABLE dbo.shared (id int);\n"),
        (
            "Db/Db.sqlproj",
            &format!(
                r#"<Project><ItemGroup><Build Include="..\Shared\common.sql"/><Build Include="{}"/></ItemGroup></Project>"#,
                secret.display()
            ),
        ),
        ("Db/post.sql", ":r ..\\Shared\\common.sql\n"),
    ]);
    std::os::unix::fs::symlink(&secret, dir.path().join("Db/linked.sql")).unwrap();
    let ws = load_dir(&dir.path().join("Db"), &LoadOptions::default());
    let root = std::fs::canonicalize(dir.path()).unwrap();
    assert_eq!(
        findings(&ws),
        [
            format!(
                "SQL004 Db.sqlproj:1:60 Db.sqlproj: the Build item `{}` names {}, which is outside the project ({}): it is not read",
                secret.display(),
                secret.display(),
                root.display()
            ),
            format!(
                "SQL004 linked.sql:1:1 linked.sql is a link to {}, outside the folder checked: it is not read",
                secret.display()
            ),
        ]
    );
    let shared = ws
        .files
        .find(&root.join("Shared/common.sql"))
        .expect("the shared file is read");
    assert!(ws.projects[0].files().contains(&shared));
}
