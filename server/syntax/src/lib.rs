//! The syntax layer: the only code that touches the tree-sitter API or spells node kinds.
//!
//! Parsing never fails: broken text gives a tree with error regions, reported as
//! [`SyntaxError`]s. [`ast`] holds the lowered, plain-data view the analysis reads;
//! [`Parsed::lower`] produces it, and [`names`] normalises names for comparison.

pub mod ast;
pub mod batches;
pub mod csharp;
mod errors;
pub mod line_index;
mod lower;
pub mod names;
mod parse;
mod recover;

pub use ast::{Name, TextRange};
pub use line_index::{LineCol, LineIndex};
pub use parse::{Parsed, parse, parse_script_at};

/// A region the grammar could not parse, or a token it expected and did not find.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

/// Runs a step of a recursive walk, moving to a fresh stack segment when the current one
/// runs low: trees of generated code nest thousands of levels deep.
pub fn deep<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, f)
}

/// Parses and lowers one file's text. Never fails.
pub fn parse_script(text: &str) -> (ast::Script, Vec<SyntaxError>) {
    if text.len() > 2 * parse::PIECE {
        return parse::script_in_pieces(text, parse::PIECE);
    }
    let parsed = parse(text);
    (parsed.lower(), parsed.errors())
}
