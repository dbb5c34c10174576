//! The SQL rules of the catalogue.

use super::Rule;

/// The SQL rules, registered.
pub static RULES: &[&Rule] = &[];
