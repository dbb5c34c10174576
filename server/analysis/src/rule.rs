//! The declaration every rule makes: its stable code, name, default severity and
//! documentation. Output formats and `sqlwarden rule CODE` read these.

use crate::diagnostic::{Code, Severity};

/// A rule's metadata. `doc` is Markdown with the sections *What it does*, *Why is this
/// bad?*, *Example*, *How to fix* and *References*; the example's SQL is in a fenced
/// `sql` block, and a test checks that it triggers the rule.
#[derive(Clone, Copy, Debug)]
pub struct RuleMeta {
    pub code: Code,
    /// Kebab-case, as in the catalogue (`missing-execute-permission`).
    pub name: &'static str,
    pub severity: Severity,
    /// One line, for lists and SARIF `shortDescription`.
    pub summary: &'static str,
    pub doc: &'static str,
}
