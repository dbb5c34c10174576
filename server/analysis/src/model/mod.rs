//! The model of one database project: principals, role membership, schemas, objects and
//! their owners, permissions, assemblies, execution contexts and options, derived
//! deterministically from the lowered scripts. Every fact records where it came from.
//! It knows nothing of rules, severities or output formats.

/// The model of one project.
#[derive(Debug, Default)]
pub struct Model {}
