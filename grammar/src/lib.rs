//! sqlwarden's T-SQL grammar for [tree-sitter](https://tree-sitter.github.io/).
//!
//! The grammar inherits the pinned `tree-sitter-mssql` grammar and extends it (see
//! `grammar.js`). The parser is generated at build time, so this crate exposes the usual
//! binding: [`LANGUAGE`] for a `tree_sitter::Parser` and [`NODE_TYPES`] for tools.
//!
//! ```
//! let mut parser = tree_sitter::Parser::new();
//! parser.set_language(&tree_sitter_sqlwarden::LANGUAGE.into()).unwrap();
//! let tree = parser.parse("SELECT 1;", None).unwrap();
//! assert!(!tree.root_node().has_error());
//! ```

use tree_sitter_language::LanguageFn;

pub mod templates;

#[allow(unsafe_code)]
unsafe extern "C" {
    fn tree_sitter_tsql() -> *const ();
}

/// The tree-sitter language of sqlwarden's T-SQL grammar.
#[allow(unsafe_code)]
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_tsql) };

/// The `node-types.json` of the generated parser: every node kind, its fields and children.
pub const NODE_TYPES: &str = include_str!(concat!(env!("OUT_DIR"), "/src/node-types.json"));

#[cfg(test)]
mod tests {
    #[test]
    fn language_loads() {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&super::LANGUAGE.into())
            .expect("the generated parser loads");
    }
}
