//! Statement-level recovery: a statement the grammar cannot parse costs only itself.
//!
//! tree-sitter's error recovery is generic: an unsupported construct deep inside a
//! procedure often turns the whole body into one `ERROR` node, and every statement after
//! it is lost to the analysis. SQL Server itself would stop at that statement too, but
//! the statement is usually valid T-SQL that our grammar does not know yet, or half-typed
//! text in an editor; either way the statements around it are worth reading.
//!
//! So a batch whose tree has an `ERROR` is repaired by trial. The first error gives a
//! hint of where parsing went wrong: the end of the last complete statement before the
//! junk. Around that hint, lexical statement boundaries (statement keywords outside
//! parentheses and `CASE`, and `;`) give candidate regions, smallest first; each is
//! blanked (every character but line breaks becomes a space, so offsets, lines and the
//! surrounding text stay exactly as they were) and the batch is parsed again. The first
//! candidate after which the batch parses without error, or whose first error lies after
//! it, is kept, and the search goes on from the next error. A candidate never blanks the
//! start of a module header (`CREATE PROCEDURE …`): that would move the body's statements
//! out of their module. (The lowering reads a module whose header is broken from
//! tree-sitter's own recovery.)
//!
//! Every blanked region becomes one [`SyntaxError`] at its first token, which is where
//! sqlwarden could not read the text, instead of at the start of the module.

use tree_sitter::{InputEdit, Node, Point, Tree};

use crate::{SyntaxError, TextRange};

/// At most this many statements are blanked in one batch; past that the batch is left
/// as tree-sitter recovered it.
const MAX_REGIONS: usize = 64;
/// At most this many reparses are spent on one batch (each costs a parse of the batch).
const MAX_ATTEMPTS: usize = 160;
/// And at most about this many bytes of batch are parsed again for it (a huge batch
/// gets fewer attempts), though never fewer than [`MIN_ATTEMPTS`].
const REPARSE_BUDGET: usize = 8 << 20;
const MIN_ATTEMPTS: usize = 12;
/// Once a region that moves the first error past it is found, this many more are tried
/// in search of one after which the batch parses cleanly.
const AFTER_FALLBACK: usize = 8;
/// Batches longer than this judge candidates on a window of statements.
const WINDOWS_FROM: usize = 16 << 10;
/// How many statements before and after a candidate region its window holds.
const CONTEXT: usize = 3;
/// Past this many statements, a window's edge may be any boundary, strong or not.
const MAX_WINDOW_WALK: usize = 12;
/// How many statement boundaries past the hint a candidate region may reach.
const MAX_SPAN: usize = 4;

/// What recovery did to one batch: the tree of the patched text, and the regions blanked.
pub(crate) struct Recovered {
    pub tree: Tree,
    pub regions: Vec<SyntaxError>,
    /// The regions filled with [`PLACEHOLDER`] rather than spaces: what the lowering
    /// reads there is not the user's.
    pub placeholders: Vec<TextRange>,
}

/// A statement that the grammar reads anywhere a statement may stand, and that does
/// nothing: a region that held a whole statement is filled with it (then spaces), so
/// that an `IF` or `WHILE` whose only statement could not be parsed keeps its shape.
pub(crate) const PLACEHOLDER: &str = "PRINT 1";

/// Repairs the batch `range` of `patched`, whose tree (`tree`, parsed from `patched` with
/// the batch as its only included range) has an error. `parse(text, range, points, old)`
/// parses `range` of `text` on its own (incrementally when given the old tree); `origin`
/// is the batch start's point. Blanked regions are written into `patched`.
///
/// A candidate is judged on a window of statements around it, parsed on its own (the
/// statements of a body parse as well outside it), so that a candidate in a huge batch
/// costs a parse of a few statements; the batch is parsed again only once a region is
/// chosen.
pub(crate) fn recover_batch(
    patched: &mut String,
    range: TextRange,
    origin: Point,
    mut tree: Tree,
    mut parse: impl FnMut(&str, TextRange, (Point, Point), Option<&Tree>) -> Option<Tree>,
) -> Recovered {
    let mut regions = Vec::new();
    let mut placeholders = Vec::new();
    let code_end = code_end(patched, range);
    let points = |text: &str, at: usize| point_from(text, range.start(), origin, at);
    let batch_points = (origin, points(patched, range.end()));
    let mut attempts = 0;
    let max_attempts =
        (REPARSE_BUDGET / (range.end() - range.start()).max(1)).clamp(MIN_ATTEMPTS, MAX_ATTEMPTS);
    while regions.len() < MAX_REGIONS && attempts < max_attempts {
        let Some(error) = first_error(tree.root_node()) else {
            break;
        };
        // A string, quoted name or comment left open runs to the end of the batch: no
        // region can be repaired, and the error is the opening quote.
        if crate::errors::unterminated(&patched[error.start_byte().max(range.start())..range.end()])
            .is_some()
        {
            break;
        }
        let hints = hints(error, patched);
        let lexed = Lexed::new(patched, TextRange::new(range.start(), code_end));
        // The first region after which its window parses cleanly wins; failing that, the
        // first after which the window's first error lies beyond the region.
        let mut accepted = None;
        let mut fallback = None;
        let mut since_fallback = 0;
        let candidates = candidates(patched, &lexed, &hints, code_end);
        for (start, end, fill) in candidates {
            if attempts >= max_attempts || since_fallback > AFTER_FALLBACK {
                break;
            }
            if fallback.is_some() {
                since_fallback += 1;
            }
            // Never blank a header's start; inside a header, only single tokens (junk in
            // a parameter list), never what would join the header to its body.
            let single = lexed.tokens.binary_search(&(start, end)).is_ok();
            if lexed
                .headers
                .iter()
                .any(|&(h, body)| (start <= h && h < end) || (h < start && start < body && !single))
            {
                continue;
            }
            attempts += 1;
            // A small batch is judged whole: that is the surest test, and cheap.
            let window = if range.end() - range.start() > WINDOWS_FROM {
                lexed.window(start, end).unwrap_or(range)
            } else {
                range
            };
            let saved = patched[start..end].to_owned();
            fill.apply(patched, start, end);
            let outcome = if window == range {
                // An incremental parse: the statements before the region are reused.
                let mut old = tree.clone();
                old.edit(&same_length_edit(
                    start,
                    end,
                    points(patched, start),
                    points(patched, end),
                ));
                parse(patched, range, batch_points, Some(&old))
            } else {
                let at = (
                    points(patched, window.start()),
                    points(patched, window.end()),
                );
                parse(patched, window, at, None)
            };
            patched.replace_range(start..end, &saved);
            let Some(candidate) = outcome else {
                continue;
            };
            if !keeps_statement_starts(candidate.root_node(), &lexed, start, end, window) {
                continue;
            }
            // Faults before the statement that holds the region were there before it; a
            // missing token that the blanking leaves in that statement (a `WHERE` whose
            // predicate was blanked) is none of them.
            let statement_start = lexed.statement_start(start).unwrap_or(range.start());
            match first_fault_from(candidate.root_node(), statement_start) {
                None => {
                    accepted = Some((start, end, fill, saved));
                    break;
                }
                Some(next) if next.start_byte() >= end && fallback.is_none() => {
                    fallback = Some((start, end, fill, saved));
                }
                Some(_) => {}
            }
        }
        let Some((start, end, fill, saved)) = accepted.or(fallback) else {
            break;
        };
        let own = crate::errors::error_region(error, patched);
        fill.apply(patched, start, end);
        let mut old = tree.clone();
        old.edit(&same_length_edit(
            start,
            end,
            points(patched, start),
            points(patched, end),
        ));
        let Some(repaired) = parse(patched, range, batch_points, Some(&old)) else {
            patched.replace_range(start..end, &saved);
            break;
        };
        if fill == Fill::Statement {
            placeholders.push(TextRange::new(start, end));
        }
        // tree-sitter's own error, when it starts in the repaired statement, names the
        // token better (`WHERE` in `… WHERE;`, which the grammar also reads as an alias).
        let statement_start = lexed.statement_start(start).unwrap_or(range.start());
        let mut region = region_error(&saved, start, end);
        if statement_start <= own.range.start() && own.range.start() < region.range.start() {
            region = SyntaxError {
                range: TextRange::new(own.range.start(), region.range.end()),
                message: own.message,
            };
        }
        regions.push(region);
        tree = repaired;
    }
    Recovered {
        tree,
        regions,
        placeholders,
    }
}

/// The edit that replaces `start..end` with text of the same length.
fn same_length_edit(
    start: usize,
    end: usize,
    start_position: Point,
    end_position: Point,
) -> InputEdit {
    InputEdit {
        start_byte: start,
        old_end_byte: end,
        new_end_byte: end,
        start_position,
        old_end_position: end_position,
        new_end_position: end_position,
    }
}

/// The point of `offset`, counted from `base`, whose point is `origin`.
pub(crate) fn point_from(text: &str, base: usize, origin: Point, offset: usize) -> Point {
    let between = &text.as_bytes()[base..offset];
    match between.iter().rposition(|&b| b == b'\n') {
        Some(last) => Point {
            row: origin.row + between.iter().filter(|&&b| b == b'\n').count(),
            column: between.len() - last - 1,
        },
        None => Point {
            row: origin.row,
            column: origin.column + between.len(),
        },
    }
}

/// What a blanked region is filled with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fill {
    /// Spaces (line breaks stay).
    Blank,
    /// [`PLACEHOLDER`], then spaces.
    Statement,
}

impl Fill {
    fn apply(self, text: &mut String, start: usize, end: usize) {
        blank(text, start, end);
        if self == Fill::Statement {
            text.replace_range(start..start + PLACEHOLDER.len(), PLACEHOLDER);
        }
    }
}

/// The error for a blanked region, at its first token; `original` is the region's text.
fn region_error(original: &str, start: usize, end: usize) -> SyntaxError {
    let lead = original.len() - original.trim_start().len();
    let trail = original.len() - original.trim_end().len();
    let range = TextRange::new(start + lead, (end - trail).max(start + lead));
    // A string, quoted name or comment left open runs to the end of the batch: the error
    // is its opening quote, as the unrecovered tree's error says.
    if let Some((at, what)) = crate::errors::unterminated(original) {
        return SyntaxError {
            range: TextRange::new(start + at, range.end().max(start + at)),
            message: format!("unterminated {what}"),
        };
    }
    let message = match crate::errors::first_token(original) {
        Some(token) => format!("unexpected `{token}`"),
        None => "unexpected end of input".to_owned(),
    };
    SyntaxError { range, message }
}

/// Replaces `text[start..end]` with spaces, keeping line breaks where they are.
fn blank(text: &mut String, start: usize, end: usize) {
    let blanked: String = text[start..end]
        .chars()
        .flat_map(|c| {
            let keep = matches!(c, '\n' | '\r');
            let width = if keep { 1 } else { c.len_utf8() };
            std::iter::repeat_n(if keep { c } else { ' ' }, width)
        })
        .collect();
    text.replace_range(start..end, &blanked);
}

/// Where the batch's code ends: before its `GO` line, which must stay.
fn code_end(text: &str, range: TextRange) -> usize {
    let batch = &text[range.as_range()];
    let body = batch.strip_suffix('\n').unwrap_or(batch);
    let body = body.strip_suffix('\r').unwrap_or(body);
    let line_start = body.rfind('\n').map_or(0, |newline| newline + 1);
    if crate::batches::is_go_line(&body[line_start..]) {
        range.start() + line_start
    } else {
        range.end()
    }
}

/// The first `ERROR` node in text order. Missing tokens alone are left alone: there
/// tree-sitter already recovered locally, inventing the token and keeping the tree.
pub(crate) fn first_error(node: Node<'_>) -> Option<Node<'_>> {
    crate::deep(|| {
        if node.is_error() {
            return Some(node);
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if child.has_error()
                && !child.is_missing()
                && let Some(found) = first_error(child)
            {
                return Some(found);
            }
        }
        None
    })
}

/// Whether the strong boundaries nearest a repaired region (three before it, three
/// after) still start a statement in the repaired tree.
fn keeps_statement_starts(
    root: Node<'_>,
    lexed: &Lexed,
    start: usize,
    end: usize,
    window: TextRange,
) -> bool {
    let before = lexed.strong.partition_point(|&b| b < start);
    let after = lexed.strong.partition_point(|&b| b < end);
    let near = lexed.strong[before.saturating_sub(3)..before]
        .iter()
        .chain(lexed.strong[after..].iter().take(3));
    near.copied()
        .filter(|&at| window.start() <= at && at < window.end())
        .all(|at| starts_statement(root, at))
}

/// Whether a statement (or block) node starts at `at`.
fn starts_statement(root: Node<'_>, at: usize) -> bool {
    let Some(mut node) = root.descendant_for_byte_range(at, at) else {
        return false;
    };
    loop {
        if node.start_byte() != at || node.is_error() {
            return false;
        }
        if is_unit(node.kind()) {
            return true;
        }
        match node.parent() {
            Some(parent) => node = parent,
            None => return false,
        }
    }
}

/// The first `ERROR` node or missing token that does not lie wholly before `from` (a
/// missing token that tree-sitter invents, a `BREAK` for an `IF` without a statement,
/// is no repair).
fn first_fault_from(node: Node<'_>, from: usize) -> Option<Node<'_>> {
    crate::deep(|| {
        if node.end_byte() <= from && !(node.is_missing() && node.start_byte() == from) {
            return None;
        }
        if node.is_error() || node.is_missing() {
            return Some(node);
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if (child.has_error() || child.is_missing())
                && let Some(found) = first_fault_from(child, from)
            {
                return Some(found);
            }
        }
        None
    })
}

/// Where parsing went wrong: the token that the parser could not take (the one after
/// the `ERROR` node's last child: its children are what the parser had read when it
/// failed), and the first token after the run of complete statements that the `ERROR`
/// starts with (its first children may be the opening of the enclosing body, `BEGIN` or
/// a module header), which is where the broken statement began.
struct Hints {
    /// The starts of the `ERROR` node's last children, nearest the failure first.
    taken: Vec<usize>,
    failed_at: usize,
    /// The `ERROR` node's own start: when the node holds just the tokens tree-sitter
    /// skipped, they are the junk.
    error_start: usize,
    statement_start: Option<usize>,
}

fn hints(error: Node<'_>, text: &str) -> Hints {
    let mut after_statements = None;
    let mut last_child_end = None;
    let mut run_over = false;
    let mut cursor = error.walk();
    // Comments are extras: where they fall says nothing of where parsing failed.
    for child in error
        .children(&mut cursor)
        .filter(|child| !child.is_extra())
    {
        last_child_end = Some(child.end_byte());
        // A `;` neither ends nor continues the run.
        if child.kind() == ";" || run_over {
            continue;
        }
        if !child.has_error() && is_unit(child.kind()) {
            after_statements = Some(child.end_byte());
        } else if after_statements.is_some() {
            run_over = true;
        }
    }
    let failed_at = next_token(text, last_child_end.unwrap_or(error.start_byte()));
    // The last few children before the failure: what the parser had taken of the broken
    // statement, one of which is its start.
    let mut cursor = error.walk();
    let children: Vec<usize> = error
        .children(&mut cursor)
        .filter(|child| !child.is_extra())
        .map(|child| child.start_byte())
        .collect();
    let taken = children.iter().rev().take(4).copied().collect();
    Hints {
        taken,
        failed_at,
        error_start: next_token(text, error.start_byte()),
        statement_start: after_statements
            .map(|end| next_token(text, end))
            .filter(|&start| start <= failed_at),
    }
}

/// Kinds that stand for one complete statement of a body.
fn is_unit(kind: &str) -> bool {
    kind == "statement" || kind == "block" || kind.ends_with("_statement")
}

/// The offset of the first character at or after `at` that is not whitespace (comments
/// count as text: they are harmless to blank, and rare at an error).
fn next_token(text: &str, at: usize) -> usize {
    let rest = text.get(at..).unwrap_or("");
    at + (rest.len() - rest.trim_start().len())
}

/// Candidate regions, those that destroy the fewest statements first. Each starts at the failing token, at the start of
/// the broken statement, or at one of the nearest statement boundaries before the
/// failing token (the grammar may have read a broken statement's tail as the start of
/// the next one), and ends at one of the next statement boundaries after its start, or
/// at the end of the batch's code; it must reach past the failing token or end where
/// the statement it starts would (a broken statement that swallowed the next keyword).
fn candidates(
    text: &str,
    lexed: &Lexed,
    hints: &Hints,
    code_end: usize,
) -> Vec<(usize, usize, Fill)> {
    let failed = hints.failed_at;
    let mut starts = vec![failed, hints.error_start];
    starts.extend(hints.statement_start);
    starts.extend(hints.taken.iter().copied().filter(|&t| t < failed));
    starts.extend(
        lexed
            .boundaries
            .iter()
            .copied()
            .filter(|&b| b <= failed)
            .rev()
            .take(3),
    );
    let mut out = Vec::new();
    // A single token near where parsing failed: junk that a typing user left behind.
    // tree-sitter often fails a token or two after the junk, or takes the junk for the
    // start of something and fails at the token after it.
    for hint in [failed, hints.error_start] {
        let at = lexed.tokens.partition_point(|&(start, _)| start < hint);
        let near = at.saturating_sub(3)..(at + 2).min(lexed.tokens.len());
        for &(start, end) in &lexed.tokens[near] {
            if !out.contains(&(start, end)) {
                out.push((start, end));
            }
        }
    }
    for start in starts {
        let ends = lexed
            .boundaries
            .iter()
            .copied()
            .filter(|&b| b > start)
            .take(MAX_SPAN)
            .chain(std::iter::once(code_end));
        for end in ends {
            if start < end && !out.contains(&(start, end)) {
                out.push((start, end));
            }
        }
    }
    // Fewest statements destroyed first (statement boundaries inside the region), then
    // the shortest; a region of whole statements is tried blank, then with the
    // placeholder statement.
    let mut filled: Vec<(usize, usize, Fill)> = Vec::with_capacity(out.len() * 2);
    for (start, end) in out {
        filled.push((start, end, Fill::Blank));
        let whole = lexed.boundaries.binary_search(&start).is_ok();
        // The placeholder never overwrites a line break, so that lines stay.
        let room = start + PLACEHOLDER.len() <= end
            && !text.as_bytes()[start..start + PLACEHOLDER.len()]
                .iter()
                .any(|&b| b == b'\n' || b == b'\r');
        if whole && room {
            filled.push((start, end, Fill::Statement));
        }
    }
    // What the parser took before it failed is usually fine: regions that start at or
    // after the failure come first.
    let failure = failed.min(hints.error_start);
    filled.sort_by_key(|&(start, end, fill)| {
        let inside = lexed.boundaries.partition_point(|&b| b < end)
            - lexed.boundaries.partition_point(|&b| b <= start);
        (
            start < failure,
            inside,
            end - start,
            start,
            fill == Fill::Statement,
        )
    });
    filled
}

/// The statement boundaries and module headers of a batch's code, found lexically.
struct Lexed {
    /// Offsets where a statement may start: a statement keyword outside parentheses and
    /// `CASE … END`, or the first token after a `;`.
    boundaries: Vec<usize>,
    /// The block depth (`BEGIN … END` nesting) at each boundary.
    depths: Vec<usize>,
    /// The boundaries whose keyword always starts a statement there (reserved words that
    /// cannot be names): a repair after which one of them no longer starts a statement
    /// has glued two statements together (`CLOSE` + `DEALLOCATE c` read as `CLOSE
    /// DEALLOCATE`).
    strong: Vec<usize>,
    /// Every token's start and end.
    tokens: Vec<(usize, usize)>,
    /// Module headers: from `CREATE`/`ALTER` to the end of the `AS` before the body.
    headers: Vec<(usize, usize)>,
}

/// Keywords that begin a statement. Some also occur inside statements (`SET` in `UPDATE`,
/// `SELECT` in `INSERT … SELECT`); a candidate cut there fails to parse and is passed over.
const STATEMENT_KEYWORDS: &[&str] = &[
    "ALTER",
    "BACKUP",
    "BEGIN",
    "BREAK",
    "BULK",
    "CHECKPOINT",
    "CLOSE",
    "COMMIT",
    "CONTINUE",
    "CREATE",
    "DBCC",
    "DEALLOCATE",
    "DECLARE",
    "DELETE",
    "DENY",
    "DISABLE",
    "DROP",
    "ELSE",
    "ENABLE",
    "END",
    "EXEC",
    "EXECUTE",
    "FETCH",
    "GOTO",
    "GRANT",
    "IF",
    "INSERT",
    "KILL",
    "MERGE",
    "OPEN",
    "PRINT",
    "RAISERROR",
    "READTEXT",
    "RECEIVE",
    "RECONFIGURE",
    "RESTORE",
    "RETURN",
    "REVERT",
    "REVOKE",
    "ROLLBACK",
    "SAVE",
    "SELECT",
    "SEND",
    "SET",
    "SETUSER",
    "THROW",
    "TRUNCATE",
    "UPDATE",
    "UPDATETEXT",
    "USE",
    "WAITFOR",
    "WHILE",
    "WRITETEXT",
];

/// Reserved statement keywords that start a statement wherever they stand outside
/// parentheses (unless after one of [`NOT_BEFORE_STRONG`]).
const STRONG_KEYWORDS: &[&str] = &[
    "BREAK",
    "CHECKPOINT",
    "CLOSE",
    "COMMIT",
    "CONTINUE",
    "CREATE",
    "DBCC",
    "DEALLOCATE",
    "DECLARE",
    "DENY",
    "GOTO",
    "GRANT",
    "IF",
    "KILL",
    "OPEN",
    "PRINT",
    "RAISERROR",
    "RECONFIGURE",
    "RETURN",
    "REVERT",
    "REVOKE",
    "ROLLBACK",
    "SETUSER",
    "THROW",
    "TRUNCATE",
    "WAITFOR",
    "WHILE",
];

/// Words after which a strong keyword does not start a statement: `WITH GRANT OPTION`,
/// `REVOKE GRANT OPTION FOR`, `DROP TABLE IF EXISTS`, `EXECUTE AS … WITH NO REVERT`.
const NOT_BEFORE_STRONG: &[&str] = &[
    "NO",
    "WITH",
    "GRANT",
    "REVOKE",
    "DENY",
    "TABLE",
    "VIEW",
    "PROCEDURE",
    "PROC",
    "FUNCTION",
    "TRIGGER",
    "INDEX",
    "SCHEMA",
    "USER",
    "ROLE",
    "TYPE",
    "SEQUENCE",
    "SYNONYM",
    "DATABASE",
    "LOGIN",
    "ASSEMBLY",
    "DROP",
    "DEFAULT",
    "RULE",
    "STATISTICS",
    "KEY",
    "CERTIFICATE",
];

/// Statement keywords that valid T-SQL never has inside parentheses or `CASE … END`
/// (reserved words, so never a name either). `EXECUTE` is not one (`ADD (EXECUTE ON …)` in
/// an audit specification), but its short form `EXEC` is; nor is `USE` (`OPTION (USE
/// HINT …)`).
const NEVER_IN_PARENTHESES: &[&str] = &[
    "BEGIN",
    "BREAK",
    "CHECKPOINT",
    "CLOSE",
    "COMMIT",
    "CONTINUE",
    "CREATE",
    "DBCC",
    "DEALLOCATE",
    "DECLARE",
    "DENY",
    "EXEC",
    "FETCH",
    "GOTO",
    "GRANT",
    "IF",
    "KILL",
    "OPEN",
    "PRINT",
    "RAISERROR",
    "RECONFIGURE",
    "RETURN",
    "REVERT",
    "REVOKE",
    "ROLLBACK",
    "SETUSER",
    "THROW",
    "TRUNCATE",
    "WAITFOR",
    "WHILE",
];

/// Words that a `CASE … END` never holds outside parentheses (a subquery in a `CASE`
/// stands in parentheses): one at the `CASE`'s own level means that the `CASE` was left
/// open. (`GROUP` is not one: `WITHIN GROUP (ORDER BY …)` may stand in a `CASE`.)
const NEVER_IN_CASE: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "HAVING",
    "UNION",
    "EXCEPT",
    "INTERSECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "MERGE",
    "INTO",
    "JOIN",
];

const MODULE_KINDS: &[&str] = &["PROC", "PROCEDURE", "FUNCTION", "TRIGGER", "VIEW"];

impl Lexed {
    /// The last statement boundary at or before `at`: where the statement holding it
    /// starts.
    fn statement_start(&self, at: usize) -> Option<usize> {
        let after = self.boundaries.partition_point(|&b| b <= at);
        after.checked_sub(1).map(|index| self.boundaries[index])
    }

    /// A window of whole statements around `start..end` that parses on its own: from
    /// [`CONTEXT`] statements before to [`CONTEXT`] after, within the block that holds
    /// the region. Its edges are strong boundaries (or the edges of the block), so that
    /// it never starts or ends inside a statement (`SET` of an `UPDATE`). `None` when the region crosses a block's edge (the whole batch must
    /// judge it) or when the window would be the whole batch anyway.
    fn is_strong(&self, at: usize) -> bool {
        self.strong.binary_search(&at).is_ok()
    }

    fn window(&self, start: usize, end: usize) -> Option<TextRange> {
        let (b, d) = (&self.boundaries, &self.depths);
        let first = b.partition_point(|&at| at <= start).checked_sub(1)?;
        let depth = d[first];
        let mut from = first;
        let mut steps = 0;
        while from > 0 {
            if d[from - 1] < depth {
                break;
            }
            from -= 1;
            steps += 1;
            let edge = self.is_strong(b[from]) || steps >= MAX_WINDOW_WALK;
            if steps >= CONTEXT && d[from] == depth && edge {
                break;
            }
        }
        let mut to = b.partition_point(|&at| at < end);
        if d[first..to].iter().any(|&inner| inner < depth) {
            return None;
        }
        let mut steps = 0;
        while to < b.len() {
            let edge = self.is_strong(b[to]) || steps >= MAX_WINDOW_WALK;
            if d[to] < depth || (steps >= CONTEXT && d[to] == depth && edge) {
                break;
            }
            to += 1;
            steps += 1;
        }
        let window_end = b.get(to).copied()?;
        if self
            .headers
            .iter()
            .any(|&(h, _)| b[from] <= h && h < window_end)
        {
            return None;
        }
        Some(TextRange::new(b[from], window_end))
    }

    fn new(text: &str, range: TextRange) -> Lexed {
        let bytes = text.as_bytes();
        let mut boundaries = Vec::new();
        let mut headers = Vec::new();
        // The module header being read: its start, and (once found) its end.
        let mut header: Option<(usize, usize)> = None;
        let mut tokens = Vec::new();
        let mut strong = Vec::new();
        let mut depths = Vec::new();
        let mut blocks = 0usize;
        let (mut depth, mut cases) = (0usize, 0usize);
        let mut after_semicolon = false;
        // The last two words at depth 0, for `CREATE [OR ALTER] PROCEDURE`.
        let mut recent: Vec<(usize, String)> = Vec::new();
        let mut i = range.start();
        let end = range.end().min(bytes.len());
        while i < end {
            let c = bytes[i];
            let next = bytes.get(i + 1).copied();
            if c.is_ascii_whitespace() {
                i += 1;
                continue;
            }
            if c == b'-' && next == Some(b'-') {
                while i < end && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            if c == b'/' && next == Some(b'*') {
                i = skip_block_comment(bytes, i, end);
                continue;
            }
            let token_start = i;
            if after_semicolon && depth == 0 {
                boundaries.push(token_start);
                depths.push(blocks);
                after_semicolon = false;
            }
            match c {
                b'\'' | b'"' | b'[' => {
                    let close = match c {
                        b'[' => b']',
                        other => other,
                    };
                    i = skip_quoted(bytes, i + 1, end, close);
                }
                b'(' => {
                    depth += 1;
                    i += 1;
                }
                b')' => {
                    depth = depth.saturating_sub(1);
                    i += 1;
                }
                b';' => {
                    // T-SQL has no `;` inside parentheses or `CASE … END`: one there
                    // means that a `(` or `CASE` before it was left open, and the
                    // statement level is back.
                    depth = 0;
                    cases = 0;
                    after_semicolon = true;
                    i += 1;
                }
                _ if is_word_byte(c) => {
                    while i < end && is_word_byte(bytes[i]) {
                        i += 1;
                    }
                    // A word after `.` is a name part (`t.[end]`, `x.value`), not a keyword.
                    let qualified = text[..token_start].trim_end().ends_with('.');
                    let word = text[token_start..i].to_ascii_uppercase();
                    // A keyword that never stands inside parentheses means that a `(`
                    // before it was left open (half-written code): the statement level
                    // is back.
                    // Nor inside `CASE … END`: a `CASE` before it was left open.
                    if (depth > 0 || cases > 0)
                        && !qualified
                        && NEVER_IN_PARENTHESES.contains(&word.as_str())
                    {
                        depth = 0;
                        cases = 0;
                    }
                    if depth == 0
                        && cases > 0
                        && !qualified
                        && NEVER_IN_CASE.contains(&word.as_str())
                    {
                        cases = 0;
                    }
                    if depth == 0 && !qualified {
                        let previous = recent.last().map(|(_, w)| w.as_str());
                        // `BEGIN TRAN`, `BEGIN DIALOG` and `END CONVERSATION` open or close
                        // no block.
                        if header.is_none() && cases == 0 {
                            match (previous, word.as_str()) {
                                (
                                    Some("BEGIN"),
                                    "TRAN" | "TRANSACTION" | "DISTRIBUTED" | "DIALOG"
                                    | "CONVERSATION",
                                ) => blocks = blocks.saturating_sub(1),
                                (Some("END"), "CONVERSATION") => blocks += 1,
                                _ => {}
                            }
                        }
                        if let Some(zone) = header.as_mut() {
                            // The header ends with its `AS` (not `EXECUTE AS`).
                            if word == "AS" && !matches!(previous, Some("EXECUTE" | "EXEC")) {
                                zone.1 = i;
                                headers.push(*zone);
                                header = None;
                            }
                        } else if word == "CASE" {
                            cases += 1;
                        } else if word == "END" && cases > 0 {
                            cases -= 1;
                        } else if cases == 0 && STATEMENT_KEYWORDS.contains(&word.as_str()) {
                            // `END` belongs to the block it closes' outside; `BEGIN` opens
                            // one for what follows it.
                            if word == "END" {
                                blocks = blocks.saturating_sub(1);
                            }
                            boundaries.push(token_start);
                            depths.push(blocks);
                            if word == "BEGIN" {
                                blocks += 1;
                            }
                            let after_name_word =
                                previous.is_some_and(|p| NOT_BEFORE_STRONG.contains(&p));
                            if STRONG_KEYWORDS.contains(&word.as_str()) && !after_name_word {
                                strong.push(token_start);
                            }
                        }
                        if MODULE_KINDS.contains(&word.as_str()) {
                            // `CREATE OR ALTER PROCEDURE`: the header starts at CREATE.
                            let opener = match recent.as_slice() {
                                [.., (at, c), (_, o), (_, a)]
                                    if c == "CREATE" && o == "OR" && a == "ALTER" =>
                                {
                                    Some(*at)
                                }
                                [.., (at, w)] if w == "CREATE" || w == "ALTER" => Some(*at),
                                _ => None,
                            };
                            if let Some(at) = opener {
                                header = Some((at, end));
                            }
                        }
                        recent.push((token_start, word));
                        if recent.len() > 3 {
                            recent.remove(0);
                        }
                    }
                }
                _ => {
                    // Any other character (including the bytes of a non-ASCII character).
                    i += 1;
                    while i < end && !text.is_char_boundary(i) {
                        i += 1;
                    }
                }
            }
            tokens.push((token_start, i));
        }
        // A header whose `AS` never came runs to the end of the code.
        headers.extend(header);
        // A keyword right after `;` is pushed twice: keep one of each.
        let mut kept = 0;
        for index in 0..boundaries.len() {
            if kept > 0 && boundaries[kept - 1] == boundaries[index] {
                // The keyword's own push comes second and knows the block depth.
                depths[kept - 1] = depths[index];
                continue;
            }
            boundaries[kept] = boundaries[index];
            depths[kept] = depths[index];
            kept += 1;
        }
        boundaries.truncate(kept);
        depths.truncate(kept);
        Lexed {
            boundaries,
            depths,
            strong,
            tokens,
            headers,
        }
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'@' | b'#' | b'$') || b >= 0x80
}

fn skip_quoted(bytes: &[u8], mut i: usize, end: usize, close: u8) -> usize {
    while i < end {
        if bytes[i] == close {
            if bytes.get(i + 1) == Some(&close) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    end
}

fn skip_block_comment(bytes: &[u8], mut i: usize, end: usize) -> usize {
    let mut depth = 0usize;
    while i < end {
        if bytes[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if bytes[i..].starts_with(b"*/") {
            depth = depth.saturating_sub(1);
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::{Lexed, blank};
    use crate::TextRange;

    fn boundaries(text: &str) -> Vec<&str> {
        let lexed = Lexed::new(text, TextRange::new(0, text.len()));
        lexed
            .boundaries
            .iter()
            .map(|&b| text[b..].split_whitespace().next().unwrap_or(""))
            .collect()
    }

    #[test]
    fn boundaries_skip_parentheses_case_strings_and_comments() {
        let text = "SELECT CASE WHEN a = 1 THEN 'SELECT' END FROM t WHERE x IN (SELECT 1);\n\
                    -- UPDATE in a comment\nIF @a = 1 /* DELETE */ SET @b = t.[end];\nx;y";
        assert_eq!(boundaries(text), ["SELECT", "IF", "SET", "x;y", "y"]);
    }

    /// T-SQL has no `;` inside parentheses or a `CASE`, and no `SELECT`, `FROM` or
    /// `WHERE` inside a `CASE` outside parentheses: after a `(` or a `CASE` left open,
    /// they bring the statement level back.
    #[test]
    fn a_parenthesis_or_case_left_open_ends_at_a_semicolon_or_a_clause() {
        assert_eq!(
            boundaries("SELECT a FROM t WHERE b = (1;\nSELECT c FROM u;\n"),
            ["SELECT", "SELECT"]
        );
        assert_eq!(
            boundaries("SELECT CASE WHEN a THEN 1\nSELECT c FROM u WHERE d IN (SELECT 1)\n"),
            ["SELECT", "SELECT"]
        );
        // A subquery in a CASE stands in parentheses, and WITHIN GROUP is no clause.
        assert_eq!(
            boundaries(
                "SELECT CASE WHEN EXISTS (SELECT 1 FROM t) THEN STRING_AGG(x, ',') WITHIN GROUP (ORDER BY x) END FROM u\n"
            ),
            ["SELECT"]
        );
    }

    /// `EXEC` and `REVERT` never stand inside parentheses, and `REVERT` always starts a
    /// statement (but in `WITH NO REVERT`): a half-written `EXEC (` before it must not
    /// take it for a procedure's name.
    #[test]
    fn a_reserved_statement_keyword_ends_an_open_parenthesis() {
        let text = "EXEC (\n    REVERT;\nEXECUTE AS USER = 'u' WITH NO REVERT;\n";
        assert_eq!(boundaries(text), ["EXEC", "REVERT;", "EXECUTE", "REVERT;"]);
        let lexed = Lexed::new(text, TextRange::new(0, text.len()));
        let revert = text.find("REVERT").expect("REVERT");
        let no_revert = text.rfind("REVERT").expect("the second");
        assert!(lexed.is_strong(revert));
        assert!(!lexed.is_strong(no_revert));
        let mut script = String::from(
            "CREATE PROCEDURE p AS\nBEGIN\n    EXECUTE AS USER = 'u';\n    EXEC (\n    REVERT;\nEND\n",
        );
        script.push_str("GO\n");
        let (lowered, errors) = crate::parse_script(&script);
        assert_eq!(errors.len(), 1, "{errors:?}");
        let crate::ast::StatementKind::CreateObject(procedure) = &lowered.statements[0].kind else {
            panic!("{:#?}", lowered.statements);
        };
        let body = &procedure.module.as_ref().expect("a body").body;
        assert!(
            body.iter()
                .any(|s| matches!(s.kind, crate::ast::StatementKind::Revert)),
            "{body:#?}"
        );
    }

    #[test]
    fn module_headers_are_found() {
        let text = "CREATE TABLE t (a int)\nCREATE OR ALTER PROCEDURE p AS SELECT 1\nALTER VIEW v AS SELECT 1";
        let lexed = Lexed::new(text, TextRange::new(0, text.len()));
        let heads: Vec<&str> = lexed.headers.iter().map(|&(h, e)| &text[h..e]).collect();
        assert_eq!(heads, ["CREATE OR ALTER PROCEDURE p AS", "ALTER VIEW v AS"]);
        // `EXECUTE AS` in a header is not its end, nor a statement.
        let text = "CREATE PROCEDURE p WITH EXECUTE AS OWNER AS BEGIN SELECT 1 END";
        let lexed = Lexed::new(text, TextRange::new(0, text.len()));
        assert_eq!(lexed.headers, [(0, 43)]);
        assert_eq!(boundaries(text), ["CREATE", "BEGIN", "SELECT", "END"]);
    }

    /// A placeholder over a region that starts with a non-ASCII character: the room
    /// check reads bytes, and the blanked region is all ASCII before it is written.
    #[test]
    fn a_region_with_non_ascii_text_is_repaired_without_panicking() {
        let text = "CREATE PROCEDURE p AS\nBEGIN\n    SELECT 1;\n    é\u{a0}é\u{a0} SELECT ( FROM;\n    PRINT 2;\nEND\n";
        let parsed = crate::parse(text);
        assert!(!parsed.errors().is_empty());
        let _ = parsed.lower();
    }

    #[test]
    fn blanking_keeps_lengths_and_line_breaks() {
        let mut text = String::from("SELECT 'é'\r\nFROM t");
        let end = text.len() - 1;
        blank(&mut text, 0, end);
        assert_eq!(text, format!("{}\r\n{}t", " ".repeat(11), " ".repeat(5)));
    }
}

#[cfg(test)]
mod window_tests {
    use super::Lexed;
    use crate::TextRange;

    #[test]
    fn a_window_holds_whole_statements_of_one_block() {
        let text = "CREATE PROCEDURE p AS\nBEGIN\n    DECLARE @a int;\n    SET @a = 1;\n    PRINT @a;\n    SELECT x FROM t WHERE y = 1;\n    PRINT 2;\n    DECLARE @b int;\n    PRINT 3;\n    PRINT 4;\n    RETURN;\nEND\n";
        let lexed = Lexed::new(text, TextRange::new(0, text.len()));
        let start = text.find("SELECT").unwrap();
        let end = text.find("PRINT 2").unwrap();
        let window = lexed.window(start, end).expect("a window");
        assert_eq!(&text[window.start()..window.start() + 7], "DECLARE");
        assert_eq!(&text[window.end()..window.end() + 5], "PRINT");
    }
}
