//! The CLR rules of the catalogue.

use super::Rule;

/// The CLR rules, registered.
pub static RULES: &[&Rule] = &[];
