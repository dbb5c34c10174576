//! Parsing a file's text into a tree-sitter tree, and reparsing it after an edit.
//!
//! The tree stays private to this crate: the analysis reads the lowered
//! [`Script`](crate::ast::Script) and the [`SyntaxError`]s, never tree-sitter nodes.

use std::cell::RefCell;

use tree_sitter::{InputEdit, Node, Parser, Point, Tree};

use tree_sitter_sqlwarden::templates;

use crate::{SyntaxError, TextRange, ast, errors, lower};

/// A parsed file: its text and the tree-sitter tree of that text.
///
/// SQL Server compiles each `GO` batch on its own, so an error in one batch never
/// changes how another is read. Tree-sitter's recovery can let one broken statement
/// swallow every batch after it; so when the whole-text tree has an error, the batches
/// before the first error are read from the whole-text tree, and each batch from the
/// first error on is parsed again on its own (with included ranges, so offsets stay
/// those of the whole text). Inside such a batch, a statement that still cannot be
/// parsed is blanked out by [`recover`](crate::recover), so that it costs only itself.
/// The whole-text tree is kept for incremental reparsing.
pub struct Parsed {
    text: String,
    tree: Tree,
    /// The whole-text tree is read up to here: the end of the text when it has no
    /// error, else the start of the batch that holds its first error.
    prefix_end: usize,
    /// The trees of the batches from `prefix_end` on, each parsed on its own from
    /// `patched` (or from `text` when nothing had to be blanked).
    batches: Vec<Tree>,
    /// `text` with the statements that recovery blanked turned into spaces, and the SSMS
    /// template parameters of failing batches filled with their defaults; same length and
    /// the same lines, so every offset stays true.
    patched: Option<String>,
    /// One error per blanked statement, at its first token.
    recovered: Vec<SyntaxError>,
    /// The blanked regions that hold recovery's placeholder statement, which the
    /// lowering leaves out.
    placeholders: Vec<TextRange>,
}

/// Parses `text`. Never fails: text the grammar cannot read becomes error regions.
pub fn parse(text: &str) -> Parsed {
    let tree = run_parser(text, None);
    Parsed::build(text.to_owned(), tree)
}

/// Parses and lowers `text` as if it stood at byte `at` of a bigger file: every range is
/// an offset into that file, but nothing before `at` exists, is read or is allocated.
/// For dynamic SQL placed at its literal's offset in its file. The parser's rows and
/// columns are not used (ranges are bytes), so `at` is given as row 0, column `at`.
/// No per-batch recovery: such text has no `GO`.
pub fn parse_script_at(text: &str, at: usize) -> ast::Script {
    let end = at + text.len();
    let start_point = Point { row: 0, column: at };
    let end_point = crate::recover::point_from(text, 0, start_point, text.len());
    let bytes = text.as_bytes();
    let tree = with_parser(|parser| {
        let included = tree_sitter::Range {
            start_byte: at,
            end_byte: end,
            start_point,
            end_point,
        };
        parser.set_included_ranges(&[included]).ok()?;
        // The parser reads only the included range; anything asked for before it is
        // blank, after it nothing.
        const BLANKS: &[u8] = &[b' '; 64];
        parser.parse_with_options(
            &mut |offset: usize, _: Point| -> &[u8] {
                match offset.checked_sub(at) {
                    Some(inside) => bytes.get(inside..).unwrap_or(&[]),
                    None => &BLANKS[..(at - offset).min(BLANKS.len())],
                }
            },
            None,
            None,
        )
    });
    match tree {
        Some(tree) => lower::lower_at(tree.root_node(), text, at, TextRange::new(at, end)),
        None => ast::Script::default(),
    }
}

impl Parsed {
    /// The parse of `text` whose whole-text tree is `tree`: recovery, as the type says.
    fn build(text: String, tree: Tree) -> Parsed {
        let recovery = recover(&text, &tree, || crate::batches::batch_ranges(&text));
        let mut parsed = Parsed {
            prefix_end: text.len(),
            text,
            tree,
            batches: Vec::new(),
            patched: None,
            recovered: Vec::new(),
            placeholders: Vec::new(),
        };
        if let Some(recovery) = recovery {
            parsed.placeholders = recovery.placeholders;
            parsed.prefix_end = recovery.prefix_end;
            parsed.batches = recovery.batches;
            parsed.patched = recovery.patched;
            parsed.recovered = recovery.recovered;
        }
        parsed
    }
}

/// A tree (of the whole text or of a piece of it) with the per-batch trees that
/// recovery parsed after its first error: what lowering and error reporting read.
struct View<'a> {
    text: &'a str,
    tree: &'a Tree,
    /// The part of `tree` that is read: up to the batch of its first error.
    prefix: TextRange,
    batches: &'a [Tree],
    patched: Option<&'a str>,
    recovered: &'a [SyntaxError],
    placeholders: &'a [TextRange],
}

impl View<'_> {
    /// The errors, not yet merged.
    fn errors(&self) -> Vec<SyntaxError> {
        if self.batches.is_empty() {
            return errors::collect(self.tree.root_node(), self.text);
        }
        // The tree has no error before `prefix.end`.
        let read = self.patched.unwrap_or(self.text);
        self.batches
            .iter()
            .flat_map(|tree| errors::collect(tree.root_node(), read))
            .chain(self.recovered.iter().cloned())
            .collect()
    }

    fn lower(&self) -> ast::Script {
        let mut script = lower::lower(self.tree.root_node(), self.text, self.prefix);
        let all = TextRange::new(0, self.text.len());
        let read = self.patched.unwrap_or(self.text);
        for tree in self.batches {
            let mut part = lower::lower(tree.root_node(), read, all);
            if !self.placeholders.is_empty() {
                drop_placeholders(&mut part.statements, self.placeholders);
            }
            script.append(part);
        }
        script
    }
}

/// Texts longer than this are parsed and lowered in pieces of whole batches, on every
/// core, and each piece's trees are dropped as soon as it is lowered: a 50 MB script
/// then costs neither one core's time nor the memory of its whole tree.
pub(crate) const PIECE: usize = 1 << 20;

/// Parses and lowers `text` in pieces of about `size` bytes of whole `GO` batches, in
/// parallel; the result equals the lowering and errors of [`parse`] of the whole text,
/// since SQL Server (and the recovery of [`Parsed`]) reads each batch on its own.
pub(crate) fn script_in_pieces(text: &str, size: usize) -> (ast::Script, Vec<SyntaxError>) {
    use rayon::prelude::*;
    let ranges = crate::batches::batch_ranges(text);
    // Pieces of consecutive batches: (range, index of its first batch, of its end).
    let mut pieces: Vec<(TextRange, usize, usize)> = Vec::new();
    let (mut start, mut first) = (0, 0);
    for (index, range) in ranges.iter().enumerate() {
        if range.end() - start >= size || index + 1 == ranges.len() {
            pieces.push((TextRange::new(start, range.end()), first, index + 1));
            start = range.end();
            first = index + 1;
        }
    }
    if pieces.is_empty() {
        pieces.push((TextRange::new(0, text.len()), 0, 0));
    }
    let mut points = Points::new(text);
    let pieces: Vec<(TextRange, (Point, Point), &[TextRange])> = pieces
        .into_iter()
        .map(|(range, first, end)| {
            let at = (points.at(range.start()), points.at(range.end()));
            (range, at, &ranges[first..end])
        })
        .collect();
    let parts: Vec<(ast::Script, Vec<SyntaxError>)> = pieces
        .into_par_iter()
        .map(|(range, at, batches)| piece(text, range, at, batches))
        .collect();
    let mut script = ast::Script::default();
    let mut errors = Vec::new();
    for (part, part_errors) in parts {
        script.append(part);
        errors.extend(part_errors);
    }
    (script, errors::merge(errors, text))
}

/// Parses and lowers one piece of whole batches of `text`.
fn piece(
    text: &str,
    range: TextRange,
    at: (Point, Point),
    batches: &[TextRange],
) -> (ast::Script, Vec<SyntaxError>) {
    let Some(tree) = parse_range(text, range, at, None) else {
        return (ast::Script::default(), Vec::new());
    };
    let recovery = recover(text, &tree, || batches.to_vec());
    let view = match &recovery {
        None => View {
            text,
            tree: &tree,
            prefix: range,
            batches: &[],
            patched: None,
            recovered: &[],
            placeholders: &[],
        },
        Some(recovery) => View {
            text,
            tree: &tree,
            prefix: TextRange::new(range.start(), recovery.prefix_end),
            batches: &recovery.batches,
            patched: recovery.patched.as_deref(),
            recovered: &recovery.recovered,
            placeholders: &recovery.placeholders,
        },
    };
    (view.lower(), view.errors())
}

/// The per-batch part of a [`Parsed`] whose whole-text tree has an error.
struct Recovery {
    placeholders: Vec<TextRange>,
    prefix_end: usize,
    batches: Vec<Tree>,
    patched: Option<String>,
    recovered: Vec<SyntaxError>,
}

/// Reparses the batches (`ranges`, those `tree` covers, in order) from the one that holds
/// `tree`'s first error on, each on its own, and repairs those that still have errors.
/// `None` when `tree` has no error (or, should tree-sitter return no tree, to read
/// `tree` as it is).
fn recover(text: &str, tree: &Tree, ranges: impl FnOnce() -> Vec<TextRange>) -> Option<Recovery> {
    let root = tree.root_node();
    let first_error = first_error_at(root)?;
    let ranges = ranges();
    let first = ranges
        .iter()
        .position(|range| first_error < range.end())
        .unwrap_or(ranges.len().saturating_sub(1));
    // The whole-text tree serves the batches before the first error only if none of its
    // top-level nodes straddles the first reparsed batch's start.
    let first_start = ranges.first().map_or(0, |range| range.start());
    let mut prefix_end = ranges.get(first).map_or(first_start, |range| range.start());
    let mut cursor = root.walk();
    if root
        .children(&mut cursor)
        .any(|item| item.start_byte() < prefix_end && prefix_end < item.end_byte())
    {
        prefix_end = first_start;
    }
    let mut patched: Option<String> = None;
    let mut batches = Vec::new();
    let mut recovered = Vec::new();
    let mut placeholders = Vec::new();
    let mut templates = 0;
    // The points of the batches' ends, found in one pass over the text from the first.
    let mut points = Points::new(text);
    points.at(first_start.max(prefix_end));
    for range in ranges.iter().filter(|range| range.start() >= prefix_end) {
        let source = patched.as_deref().unwrap_or(text);
        let at = (points.at(range.start()), points.at(range.end()));
        let tree = parse_range(source, *range, at, None)?;
        let fault = |tree: &Tree| {
            crate::recover::first_error(tree.root_node()).map(|node| node.start_byte())
        };
        // Missing tokens alone are left as tree-sitter repaired them.
        let Some(before) = fault(&tree) else {
            batches.push(tree);
            continue;
        };
        let work = patched.get_or_insert_with(|| text.to_owned());
        // An SSMS template is read as SSMS runs it: with its parameters filled with their
        // defaults, where the grammar cannot take a parameter (a keyword, an option's
        // value, a whole query). What still fails after that is blanked as usual.
        // Text that only looks like a parameter (in a batch the grammar fails for another
        // reason) must not make things worse: the filled text is kept only when its first
        // error, if any, comes no earlier than the template's.
        let mut tree = tree;
        let batch = range.as_range();
        let written = work[batch.clone()].to_owned();
        let found = templates::fill(work, range.start(), range.end()).len();
        if found > 0 {
            let filled = parse_range(work, *range, at, None);
            match filled.as_ref().map(fault) {
                Some(None) => {
                    templates += found;
                    batches.extend(filled);
                    continue;
                }
                Some(Some(after)) if after >= before => {
                    templates += found;
                    tree = filled.unwrap_or(tree);
                }
                // Worse, or no tree: the batch is read as written.
                _ => work.replace_range(batch, &written),
            }
        }
        let outcome = crate::recover::recover_batch(work, *range, at.0, tree, parse_range);
        recovered.extend(outcome.regions);
        placeholders.extend(outcome.placeholders);
        batches.push(outcome.tree);
    }
    recovered.sort_by_key(|error| error.range.start());
    // A repair that blanked and filled nothing leaves the patched copy equal to the text:
    // keep one.
    if recovered.is_empty() && templates == 0 {
        patched = None;
    }
    Some(Recovery {
        placeholders,
        prefix_end,
        batches,
        patched,
        recovered,
    })
}

/// Removes the statements that recovery's placeholders stand for, in module bodies too.
fn drop_placeholders(statements: &mut Vec<ast::Statement>, placeholders: &[TextRange]) {
    statements.retain(|statement| {
        !placeholders
            .iter()
            .any(|p| p.start() <= statement.range.start() && statement.range.end() <= p.end())
    });
    for statement in statements {
        if let ast::StatementKind::CreateObject(object) = &mut statement.kind
            && let Some(module) = &mut object.module
        {
            drop_placeholders(&mut module.body, placeholders);
        }
    }
}

/// Parses the `range` of `text` on its own.
/// `points` are the range's start and end points: blanking keeps every line break, so
/// they hold for the patched text too.
fn parse_range(
    text: &str,
    range: crate::TextRange,
    points: (Point, Point),
    old: Option<&Tree>,
) -> Option<Tree> {
    with_parser(|parser| {
        let included = tree_sitter::Range {
            start_byte: range.start(),
            end_byte: range.end(),
            start_point: points.0,
            end_point: points.1,
        };
        // Ranges come from the text itself, in order and inside it, so tree-sitter
        // accepts them.
        parser.set_included_ranges(&[included]).ok()?;
        parser.parse(text, old)
    })
}

/// Where the first `ERROR` or missing token of a tree starts.
fn first_error_at(root: Node<'_>) -> Option<usize> {
    if !root.has_error() {
        return None;
    }
    fn walk(node: Node<'_>) -> Option<usize> {
        crate::deep(|| {
            if node.is_error() || node.is_missing() {
                return Some(node.start_byte());
            }
            let mut cursor = node.walk();
            for child in node.children(&mut cursor) {
                if (child.has_error() || child.is_missing())
                    && let Some(at) = walk(child)
                {
                    return Some(at);
                }
            }
            // An error the runtime attributes to this node alone.
            node.has_error().then(|| node.start_byte())
        })
    }
    walk(root)
}

thread_local! {
    /// One parser per thread, reused from file to file: creating a parser and setting its
    /// language allocates its tables anew each time (close to 2% of a `check` run).
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's parser, reading the whole text (no included ranges).
fn with_parser<R>(f: impl FnOnce(&mut Parser) -> R) -> R {
    PARSER.with(|cell| {
        let Ok(mut slot) = cell.try_borrow_mut() else {
            // Only a nested call could find the parser busy; give it a parser of its own.
            return f(&mut new_parser());
        };
        let parser = slot.get_or_insert_with(new_parser);
        // An empty list means the whole text; setting it cannot fail.
        let _ = parser.set_included_ranges(&[]);
        let out = f(parser);
        // A parse that returned no tree would leave its state behind for the next one.
        parser.reset();
        out
    })
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
    with_parser(|parser| parser.parse(text, old))
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
        errors::merge(self.view().errors(), &self.text)
    }

    /// Whether the text parsed without any error region.
    pub fn has_errors(&self) -> bool {
        self.tree.root_node().has_error()
    }

    /// The lowered view of the whole file.
    pub fn lower(&self) -> ast::Script {
        self.view().lower()
    }

    fn view(&self) -> View<'_> {
        View {
            text: &self.text,
            tree: &self.tree,
            prefix: TextRange::new(0, self.prefix_end),
            batches: &self.batches,
            patched: self.patched.as_deref(),
            recovered: &self.recovered,
            placeholders: &self.placeholders,
        }
    }

    /// The trees that errors and lowering read: the whole-text tree (read up to
    /// `prefix_end`), then the per-batch trees.
    fn trees(&self) -> impl Iterator<Item = &Tree> {
        std::iter::once(&self.tree)
            .filter(|_| self.prefix_end > 0 || self.batches.is_empty())
            .chain(self.batches.iter())
    }

    /// Replaces the text in `range` with `replacement` and reparses incrementally, so an
    /// editor's keystroke reuses the unchanged parts of the tree. A range that is out of
    /// bounds or splits a character is clamped to the nearest character boundaries.
    pub fn edit(&mut self, range: TextRange, replacement: &str) {
        self.edit_all(&[(range, replacement)]);
    }

    /// Applies several edits in order (each range in the text as the edits before it
    /// left it) and reparses once: a burst of keystrokes costs one reparse.
    pub fn edit_all(&mut self, edits: &[(TextRange, &str)]) {
        for (range, replacement) in edits {
            let start = floor_boundary(&self.text, range.start().min(self.text.len()));
            let old_end = floor_boundary(&self.text, range.end().clamp(start, self.text.len()));
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
        }
        let tree = run_parser(&self.text, Some(&self.tree));
        let text = std::mem::take(&mut self.text);
        *self = Parsed::build(text, tree);
    }

    /// The tree as tree-sitter's S-expression (node kinds and fields, no text), for tests.
    pub fn to_sexp(&self) -> String {
        let sexps: Vec<String> = self
            .trees()
            .map(|tree| tree.root_node().to_sexp())
            .collect();
        sexps.join("\n")
    }

    /// The tree one node a line, with fields and the text of every leaf, for debugging.
    pub fn to_sexp_with_text(&self, text: &str) -> String {
        let mut out = String::new();
        for tree in self.trees() {
            write_node(&mut out, tree.root_node(), None, text, 0);
        }
        out
    }
}

fn write_node(out: &mut String, node: Node<'_>, field: Option<&str>, text: &str, depth: usize) {
    crate::deep(|| {
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
    })
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Tree-sitter points of increasing offsets, each found from the last.
struct Points<'t> {
    text: &'t str,
    offset: usize,
    point: Point,
}

impl<'t> Points<'t> {
    fn new(text: &'t str) -> Points<'t> {
        Points {
            text,
            offset: 0,
            point: Point { row: 0, column: 0 },
        }
    }

    fn at(&mut self, offset: usize) -> Point {
        if offset < self.offset {
            return point_at(self.text, offset);
        }
        self.point = crate::recover::point_from(self.text, self.offset, self.point, offset);
        self.offset = offset;
        self.point
    }
}

/// The tree-sitter point (row, byte column) of a byte offset.
fn point_at(text: &str, offset: usize) -> Point {
    crate::recover::point_from(text, 0, Point { row: 0, column: 0 }, offset)
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::TextRange;

    const SAMPLE: &str = "CREATE PROCEDURE dbo.p @a int WITH EXECUTE AS OWNER AS
BEGIN
    -- Größe: non-ASCII before code
    SELECT a, b FROM dbo.t WHERE c = @a;
    EXEC (N'SELECT * FROM ' + QUOTENAME(@a));
    GRANT SELECT ON dbo.t TO r;
END
GO
CREATE USER [Bob] FOR LOGIN [Bob];
ALTER ROLE db_owner ADD MEMBER [Bob];
UPDATE a SET x = 1 FROM dbo.t a WHERE a.id = 2;
";

    fn render(text: &str) -> String {
        let parsed = parse(text);
        format!(
            "{}\n{:?}\n{}",
            parsed.to_sexp(),
            parsed.errors(),
            crate::lower::render::render(text, &parsed.lower())
        )
    }

    #[test]
    fn incremental_reparse_equals_a_fresh_parse() {
        let mut parsed = parse(SAMPLE);
        let mut text = SAMPLE.to_owned();
        // Each edit: a range of the current text and its replacement.
        let edits: &[(&str, &str)] = &[
            ("dbo.t WHERE c", "dbo.t2 WHERE c"),
            ("OWNER", "CALLER"),
            ("GRANT SELECT", "DENY SELECT"),
            ("[Bob];\nALTER", "[Bob]\nALTER"),
            ("WHERE a.id = 2", "WHERE"),
            ("Größe", "Maße und Größe"),
            ("END\nGO", "END\n"),
        ];
        for (old, new) in edits {
            let start = text.find(old).expect("the edit's text is present");
            let range = TextRange::new(start, start + old.len());
            parsed.edit(range, new);
            text.replace_range(start..start + old.len(), new);
            assert_eq!(parsed.text(), text);
            assert_eq!(
                render(parsed.text()),
                render(&text),
                "after {old:?} -> {new:?}"
            );
            let fresh = parse(&text);
            assert_eq!(parsed.to_sexp(), fresh.to_sexp());
            assert_eq!(parsed.errors(), fresh.errors());
        }
    }

    /// A text of every kind of batch: clean ones, one with an error inside a procedure
    /// body, one that does not parse at all, SQLCMD lines and comments, and a last
    /// batch without `GO` that ends in an unterminated comment.
    fn batches_of_every_kind(n: usize) -> String {
        let kinds = [
            "CREATE PROCEDURE dbo.p{i} AS\nBEGIN\n    SELECT a FROM dbo.t{i} WHERE b = 1;\n    EXEC (N'x' + @y);\nEND\nGO\n",
            "-- note {i}\nGRANT SELECT ON dbo.t{i} TO public;\nGO\n",
            "CREATE PROCEDURE dbo.q{i} AS\nBEGIN\n    SELECT FROM WHERE;\n    EXECUTE AS OWNER;\nEND\nGO\n",
            ":setvar V{i} x\nSELECT '$(V{i})';\nGO\n",
            "garbage ) ( {i} ,,\nGO 2\n",
            "/* block {i} */ UPDATE dbo.t SET a = 1;\n",
        ];
        let mut text = String::new();
        for i in 0..n {
            text.push_str(&kinds[i % kinds.len()].replace("{i}", &i.to_string()));
        }
        text.push_str("SELECT 1; /* never closed");
        text
    }

    #[test]
    fn a_text_read_in_pieces_equals_the_whole_text_read_at_once() {
        let text = batches_of_every_kind(600);
        let whole = parse(&text);
        let (whole_script, whole_errors) = (whole.lower(), whole.errors());
        assert!(
            whole_errors.len() > 100,
            "the text has errors to recover from"
        );
        for size in [1, 300, 4_000, 100_000] {
            let (script, errors) = super::script_in_pieces(&text, size);
            assert_eq!(errors, whole_errors, "pieces of {size}");
            assert_eq!(
                crate::lower::render::render(&text, &script),
                crate::lower::render::render(&text, &whole_script),
                "pieces of {size}"
            );
            assert_eq!(script.batches, whole_script.batches);
            assert_eq!(script.comments, whole_script.comments);
        }
    }

    /// Text parsed as if at an offset reads as the same text behind that many blanks.
    #[test]
    fn text_placed_at_an_offset_reads_as_behind_blanks() {
        let text = "SELECT a FROM dbo.t -- c\nWHERE b = N'x';\nEXEC dbo.p @v = 1; /* d */ GRANT SELECT ON t TO r;";
        for at in [0, 1, 7, 100, 5_000] {
            let placed = super::parse_script_at(text, at);
            let padded = format!("{}{text}", " ".repeat(at));
            let whole = parse(&padded).lower();
            assert_eq!(
                crate::lower::render::render(&padded, &placed),
                crate::lower::render::render(&padded, &whole),
                "at {at}"
            );
            assert_eq!(placed.comments, whole.comments, "at {at}");
        }
    }

    #[test]
    fn an_edit_outside_the_text_is_clamped() {
        let mut parsed = parse("SELECT 1;");
        parsed.edit(TextRange::new(100, 200), " SELECT 2;");
        assert_eq!(parsed.text(), "SELECT 1; SELECT 2;");
        // A range that splits a character is moved to its start.
        let mut parsed = parse("SELECT 'ä';");
        parsed.edit(TextRange::new(9, 9), "x");
        assert_eq!(parsed.text(), "SELECT 'xä';");
        assert!(!parsed.has_errors());
    }

    #[test]
    fn one_error_per_region() {
        let text = "SELECT (1 + 2 FROM dbo.t;\nSELECT 2;\nSELECT (3 FROM u;\n";
        let errors = parse(text).errors();
        let found: Vec<(&str, usize)> = errors
            .iter()
            .map(|e| (e.message.as_str(), e.range.start()))
            .collect();
        assert_eq!(found, [("missing `)`", 13), ("missing `)`", 45)]);
        // A run of junk is one region, however many tokens tree-sitter skipped.
        let errors = parse("SELECT a FROM t WHERE WHERE WHERE WHERE x;").errors();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].message, "unexpected `WHERE`");
    }

    #[test]
    fn clean_text_has_no_errors() {
        let parsed = parse(SAMPLE);
        assert_eq!(parsed.errors(), Vec::new());
        assert!(!parsed.has_errors());
    }

    #[test]
    fn unterminated_comment_and_quoted_name() {
        let errors = parse("SELECT 1; /* open\nSELECT 2;").errors();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].message, "unterminated comment");
        let errors = parse("SELECT [open FROM t;").errors();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].message, "unterminated quoted name");
    }

    /// Half-written code: every prefix of the sample parses and lowers without panicking,
    /// with ranges inside the text and errors that do not overlap.
    #[test]
    fn every_prefix_lowers() {
        let first_batch_end = SAMPLE.find("GO\n").expect("the sample has two batches") + 3;
        let whole = parse(SAMPLE).lower();
        let whole_first_line = crate::lower::render::render(SAMPLE, &whole)
            .lines()
            .next()
            .map(str::to_owned);
        for (cut, _) in SAMPLE.char_indices() {
            let text = &SAMPLE[..cut];
            let parsed = parse(text);
            let script = parsed.lower();
            let errors = parsed.errors();
            for window in errors.windows(2) {
                assert!(
                    window[0].range.end() < window[1].range.start(),
                    "{cut}: {errors:?}"
                );
            }
            for error in &errors {
                assert!(error.range.end() <= text.len());
                assert!(text.is_char_boundary(error.range.start()));
            }
            let mut ranges = Vec::new();
            collect_ranges(&script.statements, &mut ranges);
            for range in ranges {
                assert!(
                    range.start() <= range.end() && range.end() <= text.len(),
                    "{cut}: {range:?}"
                );
            }
            // A cut in the second batch leaves the first batch's lowering as it was.
            if cut > first_batch_end {
                assert_eq!(
                    crate::lower::render::render(text, &script).lines().next(),
                    whole_first_line.as_deref(),
                    "{cut}"
                );
            }
        }
    }

    /// Long generated concatenations and deeply nested expressions must not exhaust the
    /// stack of a test thread (2 MiB), which is smaller than the main thread's.
    #[test]
    fn deep_expressions_lower() {
        let mut text = String::from("SET @s = N'a'");
        for i in 0..5000 {
            text.push_str(&format!(" + @v{i}"));
        }
        text.push_str(";\nSELECT ");
        text.push_str(&"(".repeat(500));
        text.push('1');
        text.push_str(&")".repeat(500));
        text.push_str(" FROM dbo.t;\n");
        let parsed = parse(&text);
        let script = parsed.lower();
        assert_eq!(script.statements.len(), 2);
        let crate::ast::StatementKind::Assign { value, .. } = &script.statements[0].kind else {
            panic!("an assignment: {:?}", script.statements[0].kind);
        };
        let crate::ast::Expr::Concat(operands, _) = &**value else {
            panic!("a concatenation: {value:?}");
        };
        assert_eq!(operands.len(), 5001);
        assert_eq!(script.statements[1].references.len(), 1);
    }

    fn collect_ranges(statements: &[crate::ast::Statement], out: &mut Vec<TextRange>) {
        for statement in statements {
            out.push(statement.range);
            out.extend(statement.references.iter().map(|r| r.range));
            if let crate::ast::StatementKind::CreateObject(object) = &statement.kind
                && let Some(module) = &object.module
            {
                collect_ranges(&module.body, out);
            }
        }
    }
}

#[cfg(test)]
mod batch_containment {
    use super::parse;

    /// An error in one batch leaves the other batches as they would parse alone, as SQL
    /// Server compiles each batch on its own.
    #[test]
    fn an_error_stays_in_its_batch() {
        let text = "CREATE PROCEDURE dbo.half_written @id int\nAS\nBEGIN\n    SELECT * FROM WHERE id = @id;\nEND\nGO\nCREATE USER helper WITHOUT LOGIN;\nGO\nGRANT IMPERSONATE ON USER::dbo TO helper;\nGO\n";
        let parsed = parse(text);
        let errors = parsed.errors();
        let first_batch_end = text.find("GO\n").expect("a GO line") + 3;
        assert!(!errors.is_empty());
        assert!(
            errors.iter().all(|e| e.range.end() <= first_batch_end),
            "{errors:?}"
        );
        let script = parsed.lower();
        let grant = text.find("GRANT").expect("the grant");
        assert!(
            script.statements.iter().any(|s| s.range.start() == grant
                && matches!(s.kind, crate::ast::StatementKind::Permission(_))),
            "{:#?}",
            script.statements
        );
        assert!(
            script
                .statements
                .iter()
                .any(|s| matches!(s.kind, crate::ast::StatementKind::CreateUser(_)))
        );
    }
}

#[cfg(test)]
mod ssms_templates {
    use super::parse;
    use crate::ast::{Access, StatementKind};

    /// A template parameter where the grammar takes none (here a whole query, and an
    /// option's value) is read as SSMS runs the template: filled with its default. The
    /// offsets stay those of the template (a name in a default stands where the filled
    /// text has it: from the parameter's `<` on), and nothing is an error.
    #[test]
    fn a_template_is_read_with_its_defaults() {
        let text = "CREATE FUNCTION dbo.recent (@id int)\nRETURNS TABLE\nAS\nRETURN\n(\n    <select_statement, , SELECT id FROM dbo.orders WHERE id = @id>\n)\nGO\nALTER TABLE dbo.orders ENABLE CHANGE_TRACKING WITH (TRACK_COLUMNS_UPDATED = <track_columns_updated, bit, ON>);\nGO\n";
        let parsed = parse(text);
        assert_eq!(parsed.errors(), []);
        let script = parsed.lower();
        let StatementKind::CreateObject(function) = &script.statements[0].kind else {
            panic!("{:#?}", script.statements[0]);
        };
        let body = &function.module.as_ref().expect("a module").body;
        let reference = &body[0].references[0];
        assert_eq!(reference.name.to_string(), "dbo.orders");
        assert_eq!(reference.access, Access::Select);
        let at = text.find("<select_statement").expect("the parameter") + "SELECT id FROM ".len();
        assert_eq!(
            (reference.range.start(), reference.range.end()),
            (at, at + "dbo.orders".len())
        );
        assert_eq!(script.statements.len(), 2, "{:#?}", script.statements);
    }

    /// A batch that fails after filling still gets its errors, at the fault.
    #[test]
    fn a_template_that_is_still_broken_has_its_error() {
        let text = "SELECT <c, , 1> FROM t WHERE ;\nGO\n";
        let errors = parse(text).errors();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].range.start(), text.find("WHERE").expect("WHERE"));
    }

    /// A batch that parses as written keeps its parameters: the grammar reads them as
    /// names, which the analysis knows for placeholders.
    #[test]
    fn a_clean_batch_keeps_its_parameters() {
        let text = "GRANT SELECT ON dbo.orders TO <principal, sysname, app_reader>;\n";
        let parsed = parse(text);
        assert_eq!(parsed.errors(), []);
        let StatementKind::Permission(grant) = &parsed.lower().statements[0].kind else {
            panic!("a grant");
        };
        assert_eq!(
            grant.principals[0].value,
            "<principal, sysname, app_reader>"
        );
    }
}
