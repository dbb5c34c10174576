//! The analysis: project loading (the only IO), the model, the rules, diagnostics and
//! suppressions.

pub mod diagnostic;
pub mod rule;

pub use diagnostic::{
    Code, Diagnostic, FileId, Location, Related, Severity, SourceFile, SourceFiles,
};
pub use rule::RuleMeta;
