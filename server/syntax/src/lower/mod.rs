//! Lowering: one walk over a tree-sitter tree that fills an [`ast::Script`].
//!
//! The grammar gives many statements few fields, so the security statements are read as
//! a stream of tokens (keywords, names, literals) matched against the statement's
//! documented shape; that also keeps them readable when the grammar nests the same
//! tokens differently. Queries and DML are read structurally (see [`refs`]).
//!
//! Submodules: [`statements`] dispatches each statement kind, [`refs`] finds object
//! references and their access, [`expr`] lowers the little of expressions the rules need.

mod expr;
mod refs;
mod statements;

use std::collections::HashMap;
use std::num::NonZeroU16;
use std::sync::OnceLock;

use tree_sitter::{Language, Node, TreeCursor};

use crate::ast::{self, Comment, Ident, Name, QualifiedName, Statement, StatementKind, TextRange};
use crate::names;

/// Lowers the tree of `text` whose root is `root`, reading only its top-level items
/// (batches, and `ERROR` nodes between them) that lie inside `within`.
pub(crate) fn lower(root: Node<'_>, text: &str, within: TextRange) -> ast::Script {
    lower_at(root, text, 0, within)
}

/// [`lower`] for a tree whose offsets count from `base`: `text` is what stands at `base`
/// of a bigger text (dynamic SQL at its literal's place in its file).
pub(crate) fn lower_at(root: Node<'_>, text: &str, base: usize, within: TextRange) -> ast::Script {
    let cx = Cx { text, base };
    let mut script = ast::Script::default();
    let mut items = named_children(root);
    items.retain(|item| within.start() <= item.start_byte() && item.end_byte() <= within.end());
    let mut index = 0;
    while let Some(&item) = items.get(index) {
        index += 1;
        if item.k() != "ERROR" {
            if item.k() == "batch" {
                script.batches.push(range(item));
            }
            statements::lower_items(&cx, item, &mut script.statements);
            continue;
        }
        let mut recovered = Vec::new();
        statements::lower_error(&cx, item, &mut recovered);
        // A module header the grammar could not finish (`CREATE PROCEDURE p … BEGIN`
        // without `AS`) leaves its body as the next batch; the body runs to `GO`, so
        // that batch is the module's.
        if let Some(next) = items.get(index).filter(|next| next.k() == "batch")
            && let Some(Statement {
                range: statement_range,
                kind: StatementKind::CreateObject(object),
                ..
            }) = recovered.last_mut()
            && let Some(module) = &mut object.module
            && module.body.is_empty()
        {
            statements::lower_items(&cx, *next, &mut module.body);
            if let Some(last) = module.body.last() {
                *statement_range = statement_range.cover(last.range);
            }
            script
                .batches
                .push(TextRange::new(item.start_byte(), next.end_byte()));
            index += 1;
        }
        script.statements.extend(recovered);
    }
    collect_comments(&cx, root, within, &mut script.comments);
    script
}

/// Fast access to a node's kind and fields. `Node::kind` validates the kind's UTF-8 on
/// every call and `Node::child_by_field_name` looks the field's name up among all field
/// names; both are hot in the lowering, so kinds and field ids are read once per process.
pub(crate) trait NodeExt<'a> {
    /// The node's kind, as `Node::kind` spells it.
    fn k(&self) -> &'static str;
    /// The child in field `name`, as `Node::child_by_field_name`.
    fn field(&self, name: &str) -> Option<Node<'a>>;
    /// The children in field `name`, as `Node::children_by_field_name`.
    fn fields(&self, name: &str, cursor: &mut TreeCursor<'a>) -> Vec<Node<'a>>;
}

struct Tables {
    kinds: Vec<String>,
    fields: HashMap<String, NonZeroU16>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let language: Language = tree_sitter_sqlwarden::LANGUAGE.into();
        let kinds = (0..language.node_kind_count())
            .map(|id| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| language.node_kind_for_id(id))
                    .unwrap_or("")
                    .to_owned()
            })
            .collect();
        let fields = (1..=language.field_count())
            .filter_map(|id| {
                let id = NonZeroU16::new(u16::try_from(id).ok()?)?;
                Some((language.field_name_for_id(id.get())?.to_owned(), id))
            })
            .collect();
        Tables { kinds, fields }
    })
}

impl<'a> NodeExt<'a> for Node<'a> {
    fn k(&self) -> &'static str {
        if self.kind_id() == u16::MAX {
            // ERROR's kind id is outside the language's table.
            return "ERROR";
        }
        tables()
            .kinds
            .get(usize::from(self.kind_id()))
            .map_or("", String::as_str)
    }

    fn field(&self, name: &str) -> Option<Node<'a>> {
        let id = tables().fields.get(name)?;
        self.child_by_field_id(id.get())
    }

    fn fields(&self, name: &str, cursor: &mut TreeCursor<'a>) -> Vec<Node<'a>> {
        match tables().fields.get(name) {
            Some(id) => {
                // Exactly sized: a list of 32-byte nodes mapped to 32-byte idents is
                // collected in place, and the tree keeps the room it was grown with
                // (three unused slots for most GRANTs' one principal).
                let mut nodes: Vec<Node<'a>> = self.children_by_field_id(*id, cursor).collect();
                nodes.shrink_to_fit();
                nodes
            }
            None => Vec::new(),
        }
    }
}

/// The text being lowered and the helpers that read it. The text stands at offset
/// `base` of the tree's offsets, so every read goes through [`Cx::get`].
pub(crate) struct Cx<'t> {
    text: &'t str,
    base: usize,
}

impl<'t> Cx<'t> {
    /// The text of a node; empty for a node outside the text (never for a real tree).
    pub fn slice(&self, node: Node<'_>) -> &'t str {
        self.get(node.byte_range()).unwrap_or("")
    }

    /// The text of a range of the tree's offsets; `None` outside the text.
    pub fn get(&self, range: std::ops::Range<usize>) -> Option<&'t str> {
        let start = range.start.checked_sub(self.base)?;
        let end = range.end.checked_sub(self.base)?;
        self.text.get(start..end)
    }

    /// The text from an offset of the tree's to its end.
    pub fn rest(&self, from: usize) -> Option<&'t str> {
        self.text.get(from.checked_sub(self.base)?..)
    }

    /// Where the text ends, in the tree's offsets.
    pub fn end(&self) -> usize {
        self.base + self.text.len()
    }

    /// One name part.
    pub fn ident(&self, node: Node<'_>) -> Ident {
        Ident {
            value: names::unquote(self.slice(node).trim()),
            range: range(node),
        }
    }

    /// A one- to four-part name from an `object_reference` (or a lone name part).
    pub fn qname(&self, node: Node<'_>) -> QualifiedName {
        if node.k() != "object_reference" {
            return QualifiedName {
                parts: vec![self.ident(node)],
                range: range(node),
            };
        }
        let field = |name| node.field(name);
        let Some(object) = field("name") else {
            return QualifiedName {
                parts: vec![self.ident(node)],
                range: range(node),
            };
        };
        let slots: &[Option<Node<'_>>] = match (field("server"), field("database"), field("schema"))
        {
            (Some(server), database, schema) => &[Some(server), database, schema],
            (None, Some(database), schema) => &[Some(database), schema],
            (None, None, Some(schema)) => &[Some(schema)],
            (None, None, None) => &[],
        };
        let mut parts = Vec::with_capacity(slots.len() + 1);
        let mut previous_end = node.start_byte();
        for slot in slots {
            match slot {
                Some(part) => {
                    parts.push(self.ident(*part));
                    previous_end = part.end_byte();
                }
                // `db..t`: an empty part stands between the two dots.
                None => {
                    let at = (previous_end + 1).min(node.end_byte());
                    parts.push(Ident {
                        value: Name::default(),
                        range: TextRange::new(at, at),
                    });
                    previous_end = at;
                }
            }
        }
        parts.push(self.ident(object));
        QualifiedName {
            parts,
            range: range(node),
        }
    }

    /// The word a token spells, upper-cased: a keyword, or an identifier written without
    /// quotes. `None` for quoted names, literals, variables and punctuation.
    pub fn word(&self, node: Node<'_>) -> Option<String> {
        let kind = node.k();
        if kind.starts_with("keyword_") || (kind == "identifier" && node.child_count() == 0) {
            let text = self.slice(node);
            if text.starts_with(['[', '"', '@', '#']) || text.is_empty() {
                return None;
            }
            return Some(text.to_uppercase());
        }
        None
    }
}

pub(crate) fn range(node: Node<'_>) -> TextRange {
    TextRange::new(node.start_byte(), node.end_byte())
}

/// The named children of a node, in order.
pub(crate) fn named_children<'a>(node: Node<'a>) -> Vec<Node<'a>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|child| !is_trivia(*child))
        .collect()
}

/// The named children of a node, in order, without comments, as [`named_children`] gives
/// them but without collecting a `Vec`; [`Named::reusing`] also reuses a cursor's memory.
pub(crate) struct Named<'a> {
    cursor: TreeCursor<'a>,
    started: bool,
    done: bool,
}

impl<'a> Named<'a> {
    pub(crate) fn new(node: Node<'a>) -> Self {
        Self::reusing(node.walk(), node)
    }

    /// Iterates `node`'s children with a cursor that an earlier walk is done with.
    pub(crate) fn reusing(mut cursor: TreeCursor<'a>, node: Node<'a>) -> Self {
        cursor.reset(node);
        Named {
            cursor,
            started: false,
            done: false,
        }
    }

    /// The cursor, for the next [`Named::reusing`].
    pub(crate) fn into_cursor(self) -> TreeCursor<'a> {
        self.cursor
    }
}

impl<'a> Iterator for Named<'a> {
    type Item = Node<'a>;

    fn next(&mut self) -> Option<Node<'a>> {
        while !self.done {
            let moved = if self.started {
                self.cursor.goto_next_sibling()
            } else {
                self.started = true;
                self.cursor.goto_first_child()
            };
            if !moved {
                self.done = true;
                break;
            }
            let child = self.cursor.node();
            if child.is_named() && !is_trivia(child) {
                return Some(child);
            }
        }
        None
    }
}

/// All children of a node (named and punctuation), in order, without comments.
pub(crate) fn children<'a>(node: Node<'a>) -> Vec<Node<'a>> {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .filter(|child| !is_trivia(*child))
        .collect()
}

pub(crate) fn is_trivia(node: Node<'_>) -> bool {
    matches!(node.k(), "comment" | "marginalia")
}

/// The first named child of the given kind.
pub(crate) fn child_of_kind<'a>(node: Node<'a>, kind: &str) -> Option<Node<'a>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .find(|child| child.k() == kind)
}

/// Kinds read as one token by [`tokens`]: names, literals and SQLCMD/template stand-ins.
const ATOMS: &[&str] = &[
    "identifier",
    "literal",
    "object_reference",
    "sqlcmd_variable",
    "template_parameter",
    "external_name",
    "execute_as_clause",
];

/// The tokens of a statement in text order: keywords, punctuation and [`ATOMS`], looking
/// through clause nodes (`with_clause`, `option`, error regions).
pub(crate) fn tokens<'a>(node: Node<'a>) -> Vec<Node<'a>> {
    let mut out = Vec::new();
    push_tokens(node, &mut out, true);
    out
}

fn push_tokens<'a>(node: Node<'a>, out: &mut Vec<Node<'a>>, root: bool) {
    crate::deep(|| {
        if is_trivia(node) {
            return;
        }
        if !root && (node.child_count() == 0 || ATOMS.contains(&node.k())) {
            out.push(node);
            return;
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            push_tokens(child, out, false);
        }
    })
}

/// Collects every comment under `node` (comments are extras and may stand anywhere).
/// Only subtrees whose text holds a `--` or `/*` are entered.
fn collect_comments(cx: &Cx<'_>, node: Node<'_>, within: TextRange, out: &mut Vec<Comment>) {
    let end = within.end().min(cx.end());
    let bytes = cx
        .get(within.start().max(cx.base)..end)
        .unwrap_or("")
        .as_bytes();
    let within = TextRange::new(within.start().max(cx.base), end);
    let marks: Vec<usize> = bytes
        .windows(2)
        .enumerate()
        .filter(|(_, pair)| *pair == b"--" || *pair == b"/*")
        .map(|(at, _)| within.start() + at)
        .collect();
    if marks.is_empty() {
        return;
    }
    let holds_mark = |node: Node<'_>| {
        let first = marks.partition_point(|&at| at < node.start_byte());
        marks.get(first).is_some_and(|&at| at < node.end_byte())
    };
    let mut cursor = node.walk();
    loop {
        let current = cursor.node();
        match current.k() {
            "comment" => {
                let text = cx.slice(current);
                out.push(Comment {
                    range: range(current),
                    text: text
                        .strip_prefix("--")
                        .unwrap_or(text)
                        .trim_end()
                        .to_owned(),
                });
            }
            "marginalia" => {
                let text = cx.slice(current);
                let inner = text.strip_prefix("/*").unwrap_or(text);
                let inner = inner.strip_suffix("*/").unwrap_or(inner);
                out.push(Comment {
                    range: range(current),
                    text: inner.to_owned(),
                });
            }
            _ if holds_mark(current) && cursor.goto_first_child() => continue,
            _ => {}
        }
        // The next node in document order that is not below the current one.
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                out.retain(|comment| {
                    within.start() <= comment.range.start() && comment.range.end() <= within.end()
                });
                out.sort_by_key(|comment| comment.range.start());
                return;
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod render;
#[cfg(test)]
mod tests;
