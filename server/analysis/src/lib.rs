//! The analysis: project loading (the only IO), the model, the rules, diagnostics and
//! suppressions.

pub mod check;
pub mod config;
pub mod diagnostic;
pub mod host;
pub mod load;
pub mod model;
pub mod project;
pub mod rule;
pub mod rules;
pub mod run;
pub mod suppression;

pub use diagnostic::{
    Code, Diagnostic, FileId, Location, Related, Severity, SourceFile, SourceFiles,
};
pub use rule::RuleMeta;
