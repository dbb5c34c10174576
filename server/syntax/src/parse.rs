//! Parsing a file's text into a tree-sitter tree, and reparsing it after an edit.
//!
//! The tree stays private to this crate: the analysis reads the lowered
//! [`Script`](crate::ast::Script) and the [`SyntaxError`]s, never tree-sitter nodes.

use tree_sitter::{InputEdit, Node, Parser, Point, Tree};

use crate::{SyntaxError, TextRange, ast, errors, lower};

/// A parsed file: its text and the tree-sitter tree of that text.
pub struct Parsed {
    text: String,
    tree: Tree,
}

/// Parses `text`. Never fails: text the grammar cannot read becomes error regions.
pub fn parse(text: &str) -> Parsed {
    let tree = run_parser(text, None);
    Parsed {
        text: text.to_owned(),
        tree,
    }
}

fn new_parser() -> Parser {
    let mut parser = Parser::new();
    // The language is compiled into this crate, so a failure here is a build defect
    // (an ABI mismatch between the generated parser and the runtime), not bad input.
    parser
        .set_language(&tree_sitter_sqlwarden::LANGUAGE.into())
        .expect("the generated T-SQL parser matches the tree-sitter runtime");
    parser
}

fn run_parser(text: &str, old: Option<&Tree>) -> Tree {
    // Without a timeout or a cancellation flag, tree-sitter always returns a tree once a
    // language is set; the empty-text fallback only guards against a runtime change.
    new_parser()
        .parse(text, old)
        .or_else(|| new_parser().parse("", None))
        .expect("tree-sitter returns a tree when no timeout or cancellation is set")
}

impl Parsed {
    /// The text this tree was parsed from.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// One error per region the grammar could not parse, in text order, with messages
    /// such as "unexpected `WHERE`" or "missing `)`".
    pub fn errors(&self) -> Vec<SyntaxError> {
        errors::collect(self.tree.root_node(), &self.text)
    }

    /// Whether the text parsed without any error region.
    pub fn has_errors(&self) -> bool {
        self.tree.root_node().has_error()
    }

    /// The lowered view of the whole file.
    pub fn lower(&self) -> ast::Script {
        lower::lower(self.tree.root_node(), &self.text)
    }

    /// Replaces the text in `range` with `replacement` and reparses incrementally, so an
    /// editor's keystroke reuses the unchanged parts of the tree. A range that is out of
    /// bounds or splits a character is clamped to the nearest character boundaries.
    pub fn edit(&mut self, range: TextRange, replacement: &str) {
        let start = floor_boundary(&self.text, range.start.min(self.text.len()));
        let old_end = floor_boundary(&self.text, range.end.clamp(start, self.text.len()));
        let start_position = point_at(&self.text, start);
        let old_end_position = point_at(&self.text, old_end);
        self.text.replace_range(start..old_end, replacement);
        let new_end = start + replacement.len();
        let new_end_position = point_at(&self.text, new_end);
        self.tree.edit(&InputEdit {
            start_byte: start,
            old_end_byte: old_end,
            new_end_byte: new_end,
            start_position,
            old_end_position,
            new_end_position,
        });
        self.tree = run_parser(&self.text, Some(&self.tree));
    }

    /// The tree as tree-sitter's S-expression (node kinds and fields, no text), for tests.
    pub fn to_sexp(&self) -> String {
        self.tree.root_node().to_sexp()
    }

    /// The tree one node a line, with fields and the text of every leaf, for debugging.
    pub fn to_sexp_with_text(&self, text: &str) -> String {
        let mut out = String::new();
        write_node(&mut out, self.tree.root_node(), None, text, 0);
        out
    }
}

fn write_node(out: &mut String, node: Node<'_>, field: Option<&str>, text: &str, depth: usize) {
    out.push_str(&"  ".repeat(depth));
    if let Some(field) = field {
        out.push_str(field);
        out.push_str(": ");
    }
    if node.is_missing() {
        out.push_str("MISSING ");
    }
    out.push_str(node.kind());
    if node.named_child_count() == 0 {
        let slice = text.get(node.byte_range()).unwrap_or("");
        out.push_str(&format!(" {slice:?}"));
    }
    out.push_str(&format!(" [{}..{}]\n", node.start_byte(), node.end_byte()));
    let mut cursor = node.walk();
    for (index, child) in node.children(&mut cursor).enumerate() {
        if !child.is_named() && !child.is_missing() {
            continue;
        }
        let field = node.field_name_for_child(index as u32);
        write_node(out, child, field, text, depth + 1);
    }
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The tree-sitter point (row, byte column) of a byte offset.
fn point_at(text: &str, offset: usize) -> Point {
    let before = &text[..offset];
    let row = before.matches('\n').count();
    let column = before
        .rfind('\n')
        .map_or(offset, |newline| offset - newline - 1);
    Point { row, column }
}
