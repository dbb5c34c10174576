//! The analysis of a loaded workspace: one model per project, every rule run on it.
//!
//! Loading problems and syntax errors are other rules' business (SQL001, SQL002, SQL004
//! read the workspace directly), so a file that does not parse contributes whatever
//! statements the grammar recovered and nothing more here.

use crate::diagnostic::Diagnostic;
use crate::model::Model;
use crate::project::Workspace;
use crate::rules::{self, Context};

/// Builds each project's model and runs every registered rule on it.
pub fn analyze(workspace: &Workspace) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for project in &workspace.projects {
        let model = Model::build(workspace, project);
        let context = Context {
            workspace,
            project,
            model: &model,
        };
        out.extend(rules::run(&context));
    }
    out
}
