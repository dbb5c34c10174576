//! The syntax layer: the only code that touches the tree-sitter API or spells node kinds.
//!
//! Parsing never fails: broken text gives a tree with error regions, reported as
//! [`SyntaxError`]s. [`ast`] holds the lowered, plain-data view the analysis reads.

pub mod ast;
pub mod line_index;

pub use ast::TextRange;
pub use line_index::{LineCol, LineIndex};
