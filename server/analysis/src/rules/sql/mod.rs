//! The SQL rules of the catalogue: the text itself. SQL001 reads the parse errors;
//! SQL002 and SQL004 are reported while loading (they live in
//! [`Workspace::diagnostics`](crate::project::Workspace::diagnostics)) and SQL003 by
//! [`suppression::apply`](crate::suppression::apply); those three are declared here so
//! that their codes, names and documentation are registered like every other rule.

use super::Rule;

mod syntax_error;
mod unknown_sqlcmd_variable;
mod unreadable_input;
mod unused_suppression;

#[cfg(test)]
mod docs_test;
#[cfg(test)]
pub(crate) mod testing;

/// The SQL rules, registered.
pub static RULES: &[&Rule] = &[
    &syntax_error::RULE,
    &unknown_sqlcmd_variable::RULE,
    &unused_suppression::RULE,
    &unreadable_input::RULE,
];
