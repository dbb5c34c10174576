//! The PRM rules of the catalogue.

use super::Rule;

/// The PRM rules, registered.
pub static RULES: &[&Rule] = &[];
