//! The analysis of a loaded workspace: one model per project, every rule run on it.
//!
//! Loading problems and syntax errors are other rules' business (SQL001, SQL002, SQL004
//! read the workspace directly), so a file that does not parse contributes whatever
//! statements the grammar recovered and nothing more here.

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::project::Workspace;

/// Builds each project's model and runs every registered rule on it. Projects are
/// independent, so they are analysed in parallel; the result keeps the projects' order.
pub fn analyze(workspace: &Workspace) -> Vec<Diagnostic> {
    workspace
        .projects
        .par_iter()
        .map(|project| crate::host::analyze_project(workspace, project).1)
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::analyze;
    use crate::project::LoadOptions;

    fn write(root: &Path, path: &str, bytes: &[u8]) {
        let target = root.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).expect("a fixture folder");
        }
        std::fs::write(target, bytes).expect("a fixture file");
    }

    fn utf16le(text: &str) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        bytes
    }

    /// The whole path from disk: a UTF-16 file (as SSMS saves them), a post-deployment
    /// script that grants through `:r`, and the chain finding at the call.
    #[test]
    fn a_loaded_folder_gets_its_chain_findings() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let root = folder.path();
        write(
            root,
            "security.sql",
            &utf16le(
                "CREATE ROLE sales_app;\r\nCREATE USER pricing_owner WITHOUT LOGIN;\r\nGO\r\nCREATE SCHEMA pricing AUTHORIZATION pricing_owner;\r\nGO\r\n",
            ),
        );
        write(
            root,
            "procs.sql",
            b"CREATE PROCEDURE pricing.current_price AS SELECT 1;\nGO\nCREATE PROCEDURE dbo.quote\nAS\n    EXEC pricing.current_price;\nGO\n",
        );
        write(
            root,
            "Scripts/Script.PostDeployment.sql",
            b":r .\\grants.sql\nGO\n",
        );
        write(
            root,
            "Scripts/grants.sql",
            b"GRANT EXECUTE ON dbo.quote TO sales_app;\nGO\n",
        );
        let workspace = crate::load::load(&[root.to_path_buf()], &LoadOptions::default())
            .expect("the folder loads");
        let findings: Vec<(String, usize, String)> = analyze(&workspace)
            .into_iter()
            .filter(|d| d.code.group() == "PRM")
            .map(|d| {
                let file = workspace.files.get(d.location.file);
                let line = file.text[..d.location.range.start()].matches('\n').count() + 1;
                (
                    file.path.to_string_lossy().replace('\\', "/"),
                    line,
                    d.code.to_string(),
                )
            })
            .collect();
        assert_eq!(
            findings,
            vec![("procs.sql".to_owned(), 5, "PRM001".to_owned())]
        );
    }
}
