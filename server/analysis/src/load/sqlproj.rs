//! Reading a `.sqlproj`: classic SSDT projects (explicit items) and SDK-style
//! `Microsoft.Build.Sql` projects (every `.sql` file under the project folder unless an
//! item says otherwise). This module only reads the XML; the loader turns item paths into
//! files.
//!
//! MSBuild names are case-insensitive and projects are written on Windows, so element
//! names are compared without case and item paths keep their `\` separators here.

use syntax::TextRange;

/// The kinds of item the loader cares about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Build,
    None,
    PreDeploy,
    PostDeploy,
    /// C# sources of SQLCLR assemblies.
    Compile,
}

impl ItemKind {
    fn from_name(name: &str) -> Option<ItemKind> {
        [
            ("Build", ItemKind::Build),
            ("None", ItemKind::None),
            ("PreDeploy", ItemKind::PreDeploy),
            ("PostDeploy", ItemKind::PostDeploy),
            ("Compile", ItemKind::Compile),
        ]
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, kind)| kind)
    }
}

/// One item element, such as `<Build Include="Tables\T.sql" />`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub kind: ItemKind,
    /// The `Include` paths (split at `;`), as written.
    pub include: Vec<String>,
    /// The `Remove` paths.
    pub remove: Vec<String>,
    /// The `Exclude` paths, which apply to this element's `Include` wildcards.
    pub exclude: Vec<String>,
    /// The element, where findings about the item point.
    pub range: TextRange,
}

/// A property the model reads, such as `<Trustworthy>True</Trustworthy>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyElement {
    /// The property's canonical name (`DefaultSchema`, `Trustworthy`, `DBChainingOn`,
    /// `PermissionSet`, `DSP`).
    pub name: &'static str,
    pub value: String,
    pub range: TextRange,
}

/// A `<SqlCmdVariable Include="Name">`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlCmdVariable {
    pub name: String,
    /// `<DefaultValue>`, else a `<Value>` that is not itself an MSBuild reference.
    pub value: Option<String>,
}

/// What a `.sqlproj` says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SqlProj {
    /// An SDK-style (`Microsoft.Build.Sql`, or the community `MSBuild.Sdk.SqlProj`)
    /// project.
    pub sdk: bool,
    /// An SDK-style project's `**/*.sql` default, unless `<EnableDefaultSqlItems>` is
    /// `false`.
    pub default_items: bool,
    pub items: Vec<Item>,
    /// Properties in document order; an unconditional `PropertyGroup` wins over one with
    /// a `Condition` (a build configuration), then the first element wins.
    pub properties: Vec<PropertyElement>,
    pub variables: Vec<SqlCmdVariable>,
    /// Every `<OutputPath>`, of every build configuration, as written (`bin\Debug\`):
    /// where the build writes, left out of discovery like `bin/` and `obj/`.
    pub output_paths: Vec<String>,
    /// The assemblies that `<Reference>`, `<ArtifactReference>` and `<ProjectReference>`
    /// items bring in, by name: a `.dll`'s or `.dacpac`'s file stem, a GAC reference's
    /// simple name (`Foo, Version=…` is `Foo`), a referenced project's `<Name>` or stem.
    pub references: Vec<String>,
    /// The `<Reference>` items that name a `.dll` file: the assemblies they deploy.
    pub assembly_references: Vec<AssemblyReference>,
    /// The `.dacpac` files that reference items name.
    pub dacpac_references: Vec<DacpacReference>,
    /// The first `Compile` item element: the project builds an assembly from its C#
    /// sources when it has one.
    pub compile_element: Option<TextRange>,
}

/// An `<ArtifactReference>` (or `<Reference>`) to a `.dacpac`: a database model whose
/// assemblies deploy with the project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DacpacReference {
    /// The file as written (`HintPath`, else `Include`), `\` separators kept.
    pub file: String,
    /// The item element.
    pub range: TextRange,
}

/// A `<Reference>` to a `.dll` with SSDT's metadata (`<SqlAssemblyName>`,
/// `<SqlOwnerName>`, `<SqlPermissionSet>`), each with its element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssemblyReference {
    /// The file as written (`HintPath`, else `Include`), `\` separators kept.
    pub file: String,
    /// `<SqlAssemblyName>`, else the file's stem.
    pub name: String,
    /// The item element.
    pub range: TextRange,
    pub owner: Option<(String, TextRange)>,
    pub permission_set: Option<(String, TextRange)>,
}

/// The properties the model reads.
pub const PROPERTIES: &[&str] = &[
    "DefaultSchema",
    "Trustworthy",
    "DBChainingOn",
    "PermissionSet",
    "DSP",
    "AssemblyName",
    // The SQLCLR tab of SSDT's project properties: the owner, signing and key file of
    // the assembly the project builds (`AssemblyOwner` is passed to the build as
    // `ImplicitDllAssemblyOwner`, beside `ImplicitDllPermissionSet`).
    "AssemblyOwner",
    "SignAssembly",
    "AssemblyOriginatorKeyFile",
];

/// A `.sqlproj` that is not well-formed XML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlError {
    pub message: String,
    /// Where the XML parser stopped, as a byte offset into the text.
    pub offset: usize,
}

/// Reads a project file's text.
pub fn parse(text: &str) -> Result<SqlProj, XmlError> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        // These two are found at the end of the text, but roxmltree places them at 1:1.
        let at_end = matches!(
            e,
            roxmltree::Error::UnexpectedEndOfStream | roxmltree::Error::UnclosedRootNode
        );
        XmlError {
            message: e.to_string(),
            offset: if at_end {
                text.len()
            } else {
                offset_of(text, pos.row, pos.col)
            },
        }
    })?;
    let root = doc.root_element();
    let mut proj = SqlProj {
        sdk: is_sdk(root),
        default_items: true,
        ..SqlProj::default()
    };
    let mut conditional = Vec::new();
    for node in root.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        let parent = node.parent_element();
        let parent_name = parent.map(|p| p.tag_name().name()).unwrap_or_default();
        if parent_name.eq_ignore_ascii_case("PropertyGroup") {
            if name.eq_ignore_ascii_case("OutputPath") {
                let value = node.text().unwrap_or_default().trim();
                if !value.is_empty() {
                    proj.output_paths.push(value.to_owned());
                }
            }
            if name.eq_ignore_ascii_case("EnableDefaultSqlItems") {
                let value = node.text().unwrap_or_default().trim();
                proj.default_items = !value.eq_ignore_ascii_case("false");
            }
            if let Some(&canonical) = PROPERTIES.iter().find(|p| p.eq_ignore_ascii_case(name)) {
                let property = PropertyElement {
                    name: canonical,
                    value: node.text().unwrap_or_default().trim().to_owned(),
                    range: TextRange::new(node.range().start, node.range().end),
                };
                let has_condition = parent.is_some_and(|p| attr(p, "Condition").is_some())
                    || attr(node, "Condition").is_some();
                if has_condition {
                    conditional.push(property);
                } else {
                    proj.properties.push(property);
                }
            }
        } else if parent_name.eq_ignore_ascii_case("ItemGroup") {
            if name.eq_ignore_ascii_case("SqlCmdVariable") {
                if let Some(include) = attr(node, "Include") {
                    proj.variables.push(SqlCmdVariable {
                        name: include.trim().to_owned(),
                        value: variable_value(node),
                    });
                }
            } else if ["Reference", "ArtifactReference", "ProjectReference"]
                .iter()
                .any(|r| r.eq_ignore_ascii_case(name))
            {
                proj.references.extend(reference_names(node));
                if let Some(reference) = assembly_reference(node) {
                    proj.assembly_references.push(reference);
                }
                if let Some(dacpac) = dacpac_reference(node) {
                    proj.dacpac_references.push(dacpac);
                }
            } else if let Some(kind) = ItemKind::from_name(name) {
                if kind == ItemKind::Compile && proj.compile_element.is_none() {
                    proj.compile_element =
                        Some(TextRange::new(node.range().start, node.range().end));
                }
                proj.items.push(Item {
                    kind,
                    include: split(attr(node, "Include")),
                    remove: split(attr(node, "Remove")),
                    exclude: split(attr(node, "Exclude")),
                    range: TextRange::new(node.range().start, node.range().end),
                });
            }
        }
    }
    proj.properties.extend(conditional);
    Ok(proj)
}

/// The first value of a property, by canonical name.
impl SqlProj {
    pub fn property(&self, name: &str) -> Option<&PropertyElement> {
        self.properties.iter().find(|p| p.name == name)
    }
}

fn is_sdk(root: roxmltree::Node<'_, '_>) -> bool {
    let names_sql_sdk = |value: &str| {
        let value = value.to_ascii_lowercase();
        value.contains("microsoft.build.sql") || value.contains("msbuild.sdk.sqlproj")
    };
    if attr(root, "Sdk").is_some_and(names_sql_sdk) {
        return true;
    }
    root.descendants().any(|n| {
        let name = n.tag_name().name();
        (name.eq_ignore_ascii_case("Sdk") && attr(n, "Name").is_some_and(names_sql_sdk))
            || (name.eq_ignore_ascii_case("Import") && attr(n, "Sdk").is_some_and(names_sql_sdk))
    })
}

/// The assembly names a reference item stands for.
fn reference_names(node: roxmltree::Node<'_, '_>) -> Vec<String> {
    let stem = |path: &str| {
        let path = path.trim().replace('\\', "/");
        let file = path.rsplit('/').next().unwrap_or_default().to_owned();
        match file.rsplit_once('.') {
            Some((stem, ext))
                if ["dll", "dacpac", "csproj", "sqlproj", "vbproj", "exe"]
                    .iter()
                    .any(|e| e.eq_ignore_ascii_case(ext)) =>
            {
                stem.to_owned()
            }
            // `System.Data, Version=4.0.0.0, Culture=neutral`: the simple name.
            _ => file.split(',').next().unwrap_or_default().trim().to_owned(),
        }
    };
    let mut out = Vec::new();
    for include in split(attr(node, "Include")) {
        out.push(stem(&include));
    }
    for child in node.children().filter(|c| c.is_element()) {
        let tag = child.tag_name().name();
        let text = child.text().unwrap_or_default().trim();
        if tag.eq_ignore_ascii_case("HintPath") {
            out.push(stem(text));
        } else if tag.eq_ignore_ascii_case("Name") && !text.is_empty() {
            out.push(text.to_owned());
        }
    }
    out.retain(|n| !n.is_empty() && !n.contains("$("));
    out.dedup();
    out
}

/// The `.dacpac` a reference item names, when its path needs no build to expand.
fn dacpac_reference(node: roxmltree::Node<'_, '_>) -> Option<DacpacReference> {
    let names_dacpac = |path: &str| {
        path.rsplit_once('.')
            .is_some_and(|(_, ext)| ext.trim().eq_ignore_ascii_case("dacpac"))
    };
    let hint = node
        .children()
        .find(|c| c.is_element() && c.tag_name().name().eq_ignore_ascii_case("HintPath"))
        .and_then(|c| c.text())
        .map(|t| t.trim().to_owned())
        .filter(|t| names_dacpac(t));
    let file = hint.or_else(|| {
        split(attr(node, "Include"))
            .into_iter()
            .find(|p| names_dacpac(p))
    })?;
    if file.contains("$(") {
        return None;
    }
    // A reference to another database or server (`DatabaseSqlCmdVariable`,
    // `DatabaseVariableLiteralValue`, `ServerSqlCmdVariable`) names objects that live
    // there: its assemblies are not this database's.
    let elsewhere = node.children().any(|c| {
        c.is_element()
            && [
                "DatabaseSqlCmdVariable",
                "DatabaseVariableLiteralValue",
                "ServerSqlCmdVariable",
            ]
            .iter()
            .any(|t| c.tag_name().name().eq_ignore_ascii_case(t))
            && c.text().is_some_and(|t| !t.trim().is_empty())
    });
    if elsewhere {
        return None;
    }
    Some(DacpacReference {
        file,
        range: TextRange::new(node.range().start, node.range().end),
    })
}

/// The assembly a `<Reference>` to a `.dll` deploys. A reference to a framework or GAC
/// assembly (`System.Data`) names no file and deploys nothing, nor does a path that only a
/// build can expand (`$(SolutionDir)\lib\x.dll`). An `<ArtifactReference>` to a
/// `.dacpac` is not one: what the `.dacpac` holds is not read, so its file's name is only
/// a name in [`SqlProj::references`].
fn assembly_reference(node: roxmltree::Node<'_, '_>) -> Option<AssemblyReference> {
    if !node.tag_name().name().eq_ignore_ascii_case("Reference") {
        return None;
    }
    let child = |name: &str| {
        node.children()
            .find(|c| c.is_element() && c.tag_name().name().eq_ignore_ascii_case(name))
            .map(|c| {
                (
                    c.text().unwrap_or_default().trim().to_owned(),
                    TextRange::new(c.range().start, c.range().end),
                )
            })
            .filter(|(text, _)| !text.is_empty())
    };
    let names_file = |path: &str| {
        path.rsplit_once('.')
            .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("dll"))
    };
    let file = child("HintPath")
        .map(|(text, _)| text)
        .filter(|path| names_file(path))
        .or_else(|| {
            split(attr(node, "Include"))
                .into_iter()
                .find(|p| names_file(p))
        })?;
    if file.contains("$(") {
        return None;
    }
    let stem = file
        .rsplit(['\\', '/'])
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .map(|(stem, _)| stem.to_owned())
        .unwrap_or_default();
    let name = child("SqlAssemblyName")
        .map(|(text, _)| text)
        .unwrap_or(stem);
    if name.is_empty() {
        return None;
    }
    Some(AssemblyReference {
        file,
        name,
        range: TextRange::new(node.range().start, node.range().end),
        owner: child("SqlOwnerName"),
        permission_set: child("SqlPermissionSet"),
    })
}

/// An attribute by name, without case.
fn attr<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name().eq_ignore_ascii_case(name))
        .map(|a| a.value())
}

/// An item list split at `;`, each path unescaped afterwards: MSBuild writes the characters
/// it treats specially as `%XX` (`%40` for `@`, `%3B` for a `;` inside a name, `%25` for `%`),
/// and SSDT writes a file named `@x.sql` as `%40x.sql`
/// (<https://learn.microsoft.com/visualstudio/msbuild/msbuild-special-characters>).
fn split(value: Option<&str>) -> Vec<String> {
    value
        .into_iter()
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            percent_encoding::percent_decode_str(v)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

fn variable_value(node: roxmltree::Node<'_, '_>) -> Option<String> {
    let child = |name: &str| {
        node.children()
            .find(|c| c.is_element() && c.tag_name().name().eq_ignore_ascii_case(name))
            .map(|c| c.text().unwrap_or_default().trim().to_owned())
    };
    // `<Value>$(SqlCmdVar__1)</Value>` refers to an MSBuild property set at publish time,
    // so only a literal value says anything.
    child("DefaultValue").or_else(|| child("Value").filter(|v| !v.starts_with("$(")))
}

/// The byte offset of a 1-based row and a 1-based column counted in characters.
fn offset_of(text: &str, row: u32, col: u32) -> usize {
    let line_start = text
        .split_inclusive('\n')
        .take(row.saturating_sub(1) as usize)
        .map(str::len)
        .sum::<usize>();
    let line = &text[line_start.min(text.len())..];
    line_start
        + line
            .char_indices()
            .nth(col.saturating_sub(1) as usize)
            .map_or(line.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLASSIC: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Project DefaultTargets="Build" xmlns="http://schemas.microsoft.com/developer/msbuild/2003" ToolsVersion="4.0">
  <PropertyGroup>
    <Name>App</Name>
    <DSP>Microsoft.Data.Tools.Schema.Sql.Sql160DatabaseSchemaProvider</DSP>
    <DefaultSchema>app</DefaultSchema>
    <Trustworthy>True</Trustworthy>
  </PropertyGroup>
  <PropertyGroup Condition=" '$(Configuration)' == 'Release' ">
    <Trustworthy>False</Trustworthy>
    <DBChainingOn>True</DBChainingOn>
  </PropertyGroup>
  <ItemGroup>
    <Build Include="Tables\T.sql" />
    <Build Include="a.sql;b.sql" />
    <None Include="Scripts\Data.sql" />
    <PreDeploy Include="Scripts\Script.PreDeployment1.sql" />
    <PostDeploy Include="Scripts\Script.PostDeployment1.sql" />
    <Compile Include="Clr\Proc.cs" />
    <Folder Include="Tables" />
  </ItemGroup>
  <ItemGroup>
    <SqlCmdVariable Include="Env">
      <DefaultValue>dev</DefaultValue>
      <Value>$(SqlCmdVar__1)</Value>
    </SqlCmdVariable>
    <SqlCmdVariable Include="Other">
      <Value>$(SqlCmdVar__2)</Value>
    </SqlCmdVariable>
  </ItemGroup>
</Project>
"#;

    #[test]
    fn classic_items_properties_and_variables() {
        let proj = parse(CLASSIC).unwrap();
        assert!(!proj.sdk);
        let items: Vec<(ItemKind, Vec<String>)> = proj
            .items
            .iter()
            .map(|i| (i.kind, i.include.clone()))
            .collect();
        assert_eq!(
            items,
            vec![
                (ItemKind::Build, vec!["Tables\\T.sql".to_owned()]),
                (
                    ItemKind::Build,
                    vec!["a.sql".to_owned(), "b.sql".to_owned()]
                ),
                (ItemKind::None, vec!["Scripts\\Data.sql".to_owned()]),
                (
                    ItemKind::PreDeploy,
                    vec!["Scripts\\Script.PreDeployment1.sql".to_owned()]
                ),
                (
                    ItemKind::PostDeploy,
                    vec!["Scripts\\Script.PostDeployment1.sql".to_owned()]
                ),
                (ItemKind::Compile, vec!["Clr\\Proc.cs".to_owned()]),
            ]
        );
        let trustworthy = proj.property("Trustworthy").unwrap();
        assert_eq!(trustworthy.value, "True");
        assert_eq!(
            &CLASSIC[trustworthy.range.as_range()],
            "<Trustworthy>True</Trustworthy>"
        );
        assert_eq!(proj.property("DBChainingOn").unwrap().value, "True");
        assert_eq!(proj.property("DefaultSchema").unwrap().value, "app");
        assert!(proj.property("DSP").unwrap().value.contains("Sql160"));
        assert_eq!(
            proj.variables,
            vec![
                SqlCmdVariable {
                    name: "Env".into(),
                    value: Some("dev".into())
                },
                SqlCmdVariable {
                    name: "Other".into(),
                    value: None
                },
            ]
        );
    }

    #[test]
    fn item_paths_are_unescaped_after_splitting() {
        // SSDT saves `Functions\@tSQLt_SkipTest.sql` as `%40tSQLt_SkipTest.sql`; an escaped
        // `;` stays inside its path instead of splitting the list.
        let proj = parse(
            r#"<Project><ItemGroup><Build Include="Functions\%40Skip.sql;a%3Bb.sql;100%25.sql" /></ItemGroup></Project>"#,
        )
        .unwrap();
        assert_eq!(
            proj.items[0].include,
            vec![
                "Functions\\@Skip.sql".to_owned(),
                "a;b.sql".to_owned(),
                "100%.sql".to_owned()
            ]
        );
    }

    #[test]
    fn sdk_style_in_all_three_spellings() {
        let attr = r#"<Project Sdk="Microsoft.Build.Sql/0.2.0-preview"><ItemGroup><Build Remove="x.sql"/></ItemGroup></Project>"#;
        let proj = parse(attr).unwrap();
        assert!(proj.sdk);
        assert_eq!(proj.items[0].remove, vec!["x.sql".to_owned()]);
        let element = r#"<Project><Sdk Name="Microsoft.Build.Sql" Version="0.2.0"/></Project>"#;
        assert!(parse(element).unwrap().sdk);
        let import =
            r#"<Project><Import Project="Sdk.props" Sdk="microsoft.build.sql"/></Project>"#;
        assert!(parse(import).unwrap().sdk);
        assert!(!parse("<Project Sdk=\"Microsoft.NET.Sdk\"/>").unwrap().sdk);
        let community = r#"<Project Sdk="MSBuild.Sdk.SqlProj/3.0.0"><PropertyGroup><EnableDefaultSqlItems>False</EnableDefaultSqlItems></PropertyGroup></Project>"#;
        let proj = parse(community).unwrap();
        assert!(proj.sdk);
        assert!(!proj.default_items);
        assert!(parse(attr).unwrap().default_items);
    }

    #[test]
    fn malformed_xml_reports_where_it_stopped() {
        let text =
            "<Project>\n  <ItemGroup>\n    <Build Include=\"a.sql\">\n  </ItemGroup>\n</Project>\n";
        let err = parse(text).unwrap_err();
        // The parser notices the mismatched end tag on the fourth line.
        let line = text[..err.offset].matches('\n').count() + 1;
        assert_eq!(line, 4, "{err:?}");
        assert!(err.message.contains("4:"), "{}", err.message);
    }
}
