//! The test helper for the CLR, IMP and SQL rules and for suppressions: the shared
//! fixture format of [`crate::rules::testing`], judged on the findings of those groups
//! with the loader's findings added and suppressions applied.

use crate::diagnostic::Diagnostic;
use crate::project::Workspace;
pub(crate) use crate::rules::testing::load;
use crate::rules::{clr, imp, sql, testing};

/// Builds the fixture's workspace, runs the rules, and asserts the findings.
pub(crate) fn check(fixture: &str) {
    let (workspace, expected) = load(fixture);
    let actual = findings(&workspace);
    testing::compare(&workspace, &actual, &expected, &["CLR", "IMP", "SQL"]);
}

/// The findings of the CLR, IMP and SQL rules on the fixture, suppressions applied.
pub(crate) fn findings(workspace: &Workspace) -> Vec<Diagnostic> {
    let rules = clr::RULES
        .iter()
        .chain(imp::RULES)
        .chain(sql::RULES)
        .copied();
    let mut diagnostics = testing::run(workspace, rules);
    diagnostics.extend(workspace.diagnostics.iter().cloned());
    crate::suppression::apply(workspace, diagnostics)
}
