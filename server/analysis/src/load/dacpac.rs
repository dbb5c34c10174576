//! The assemblies a `.dacpac` holds. A `.dacpac` is a zip archive whose `model.xml`
//! describes the database; each assembly is an `<Element Type="SqlAssembly"
//! Name="[Name]">` with its `PermissionSet` property (DacFx's values: 1 SAFE, 2
//! EXTERNAL_ACCESS, 3 UNSAFE; absent means SAFE, the default).

use std::io::Read;

/// One assembly of a `.dacpac`'s model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DacpacAssembly {
    pub name: String,
    /// `SAFE`, `EXTERNAL_ACCESS` or `UNSAFE`.
    pub permission_set: &'static str,
}

/// Reads the assemblies of a `.dacpac` from its bytes; the error completes a sentence
/// that starts with the file's path.
pub fn assemblies(bytes: &[u8]) -> Result<Vec<DacpacAssembly>, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("is not a .dacpac (a zip archive): {e}"))?;
    let mut model = String::new();
    archive
        .by_name("model.xml")
        .map_err(|e| format!("has no model.xml: {e}"))?
        .read_to_string(&mut model)
        .map_err(|e| format!("has a model.xml that cannot be read: {e}"))?;
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(&model, options)
        .map_err(|e| format!("has a model.xml that is not XML: {e}"))?;
    let mut out = Vec::new();
    for element in doc.descendants().filter(|n| {
        n.has_tag_name((
            "http://schemas.microsoft.com/sqlserver/dac/Serialization/2012/02",
            "Element",
        )) || n.tag_name().name() == "Element"
    }) {
        if element.attribute("Type") != Some("SqlAssembly") {
            continue;
        }
        let Some(name) = element.attribute("Name") else {
            continue;
        };
        let value = element
            .children()
            .filter(|c| c.tag_name().name() == "Property")
            .find(|c| c.attribute("Name") == Some("PermissionSet"))
            .and_then(|c| c.attribute("Value"));
        let permission_set = match value.map(str::trim) {
            Some("2") => "EXTERNAL_ACCESS",
            Some("3") => "UNSAFE",
            _ => "SAFE",
        };
        out.push(DacpacAssembly {
            name: name
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned(),
            permission_set,
        });
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// A `.dacpac` whose model.xml is `model`.
    pub(crate) fn dacpac(model: &str) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut out);
            zip.start_file("model.xml", zip::write::SimpleFileOptions::default())
                .expect("a zip entry");
            zip.write_all(model.as_bytes()).expect("written");
            zip.finish().expect("finished");
        }
        out.into_inner()
    }

    #[test]
    fn assemblies_and_their_permission_sets_are_read() {
        let model = r#"<?xml version="1.0" encoding="utf-8"?>
<DataSchemaModel xmlns="http://schemas.microsoft.com/sqlserver/dac/Serialization/2012/02">
  <Model>
    <Element Type="SqlTable" Name="[dbo].[t]" />
    <Element Type="SqlAssembly" Name="[Parallel]">
      <Property Name="PermissionSet" Value="3" />
    </Element>
    <Element Type="SqlAssembly" Name="[Plain]" />
    <Element Type="SqlAssembly" Name="[Files]">
      <Property Name="PermissionSet" Value="2" />
    </Element>
  </Model>
</DataSchemaModel>"#;
        let found = assemblies(&dacpac(model)).expect("reads");
        assert_eq!(
            found,
            [
                DacpacAssembly {
                    name: "Parallel".into(),
                    permission_set: "UNSAFE"
                },
                DacpacAssembly {
                    name: "Plain".into(),
                    permission_set: "SAFE"
                },
                DacpacAssembly {
                    name: "Files".into(),
                    permission_set: "EXTERNAL_ACCESS"
                },
            ]
        );
    }

    #[test]
    fn bad_bytes_are_an_error_that_says_why() {
        assert!(
            assemblies(b"not a zip")
                .unwrap_err()
                .starts_with("is not a .dacpac")
        );
        let empty = {
            let mut out = std::io::Cursor::new(Vec::new());
            zip::ZipWriter::new(&mut out).finish().expect("finished");
            out.into_inner()
        };
        assert!(
            assemblies(&empty)
                .unwrap_err()
                .starts_with("has no model.xml")
        );
        assert!(
            assemblies(&dacpac("<a>"))
                .unwrap_err()
                .starts_with("has a model.xml that is not XML")
        );
    }
}

#[cfg(test)]
mod project_tests {
    use crate::diagnostic::Code;
    use crate::project::LoadOptions;

    // An `<ArtifactReference>` to a `.dacpac` deploys the assemblies its model holds:
    // EXTERNAL NAME resolves to them (no CLR007) by their own name, not the file's, and
    // their permission set is judged (CLR001 at the reference). A `.dacpac` that is not
    // there is no error (a build output left out of the repository); one that is not a
    // `.dacpac` is SQL004 at the reference. A reference to another database's `.dacpac`
    // brings nothing into this one.
    #[test]
    fn a_referenced_dacpac_deploys_its_assemblies() {
        let dir = tempfile::tempdir().expect("a folder");
        let root = dir.path();
        std::fs::create_dir_all(root.join("lib")).expect("a folder");
        let model = r#"<DataSchemaModel><Model><Element Type="SqlAssembly" Name="[ParallelClr]"><Property Name="PermissionSet" Value="3" /></Element></Model></DataSchemaModel>"#;
        std::fs::write(root.join("lib/Tools.dacpac"), super::tests::dacpac(model))
            .expect("written");
        std::fs::write(root.join("lib/Broken.dacpac"), b"nope").expect("written");
        std::fs::write(
            root.join("Db.sqlproj"),
            "<Project Sdk=\"Microsoft.Build.Sql\">\n<ItemGroup>\n\
             <ArtifactReference Include=\"lib\\Tools.dacpac\" />\n\
             <ArtifactReference Include=\"lib\\Missing.dacpac\" />\n\
             <ArtifactReference Include=\"lib\\Broken.dacpac\" />\n\
             <ArtifactReference Include=\"lib\\Tools.dacpac\"><DatabaseSqlCmdVariable>Other</DatabaseSqlCmdVariable></ArtifactReference>\n\
             </ItemGroup>\n</Project>\n",
        )
        .expect("written");
        std::fs::write(
            root.join("p.sql"),
            "CREATE PROCEDURE dbo.Run AS EXTERNAL NAME ParallelClr.[Parallel.Jobs].Run;\n",
        )
        .expect("written");
        let workspace =
            crate::load::load(&[root.to_path_buf()], &LoadOptions::default()).expect("loads");
        let mut found: Vec<(Code, usize)> = workspace
            .diagnostics
            .iter()
            .map(|d| {
                (
                    d.code,
                    crate::rules::testing::line_of(&workspace, d.location),
                )
            })
            .collect();
        for project in &workspace.projects {
            let model = crate::model::Model::build(&workspace, project);
            let context = crate::rules::Context::new(&workspace, project, &model);
            for d in crate::rules::run(&context) {
                if matches!(d.code, Code::Clr001 | Code::Clr007) {
                    found.push((
                        d.code,
                        crate::rules::testing::line_of(&workspace, d.location),
                    ));
                }
            }
        }
        found.sort();
        assert_eq!(found, [(Code::Clr001, 3), (Code::Sql004, 5)]);
        let message = workspace
            .diagnostics
            .iter()
            .find(|d| d.code == Code::Sql004)
            .map(|d| d.message.clone())
            .unwrap_or_default();
        assert!(
            message.ends_with("the referenced lib\\Broken.dacpac is not a .dacpac (a zip archive): invalid Zip archive: Could not find EOCD"),
            "{message}"
        );
    }
}
