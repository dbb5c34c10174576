//! The IMP rules of the catalogue.

use super::Rule;

/// The IMP rules, registered.
pub static RULES: &[&Rule] = &[];
