//! The test helper for the PRM rules and the model: the shared fixture format of
//! [`crate::rules::testing`], judged on the PRM findings.

use crate::diagnostic::Diagnostic;
use crate::model::Model;
use crate::project::Workspace;
use crate::rules::testing;
pub(crate) use crate::rules::testing::{line_of, load};

/// Builds the fixture, runs the PRM rules and asserts the findings.
pub(crate) fn check(fixture: &str) {
    let (workspace, expected) = load(fixture);
    let actual = findings(&workspace);
    testing::compare(&workspace, &actual, &expected, &["PRM"]);
}

/// The fixture's workspace and the model of its one project.
pub(crate) fn model(fixture: &str) -> (Workspace, Model) {
    let (workspace, _) = load(fixture);
    let model = Model::build(&workspace, &workspace.projects[0]);
    (workspace, model)
}

/// The PRM findings on a workspace.
pub(crate) fn findings(workspace: &Workspace) -> Vec<Diagnostic> {
    testing::run(workspace, super::RULES.iter().copied())
}
