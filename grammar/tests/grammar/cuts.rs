//! Half-written code yields errors only near the cut.
//!
//! An editor parses code while it is being typed, so a prefix of a valid script must not damage
//! the statements before the one being written. Every clean corpus source and every script of
//! `tests/scripts/*.sql` is cut at points chosen by a fixed-seed PRNG, the prefix is parsed, and:
//!
//! - every `ERROR` or `MISSING` node starts at or after the start of the statement that contains
//!   the cut (a statement is a child of a batch, or a comment between batches, in the uncut
//!   source's tree);
//! - one exception is tree-sitter's end-of-file recovery: when the parser is still recovering at
//!   the end of the input, the runtime wraps the whole stack in a root `ERROR` node (this is in
//!   the runtime, not in the grammar). The root `ERROR` is then not counted as damage, but every
//!   statement before the cut statement must survive inside it unchanged: same byte range and
//!   same S-expression as in the uncut tree. The number of such cuts is printed, because a
//!   consumer must look inside a root `ERROR` to find them.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use tree_sitter::{Node, Tree};

use crate::runner::{all_cases, parser};

/// SplitMix64: a small deterministic PRNG, so every run cuts at the same points.
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A statement-level unit of the uncut tree.
struct Unit {
    start: usize,
    end: usize,
    sexp: String,
}

/// The statement-level units of a tree: the named children of every batch and the named
/// children of the root that are not batches (comments between batches); with `nested`, also
/// every `statement` node inside them (the statements of bodies and blocks).
fn units(tree: &Tree, nested: bool) -> Vec<Unit> {
    let root = tree.root_node();
    let unit = |n: Node<'_>| Unit {
        start: n.start_byte(),
        end: n.end_byte(),
        sexp: n.to_sexp(),
    };
    let mut out = Vec::new();
    let mut cursor = root.walk();
    for child in root.named_children(&mut cursor) {
        if child.kind() == "batch" {
            let mut inner = child.walk();
            out.extend(child.named_children(&mut inner).map(unit));
        } else {
            out.push(unit(child));
        }
    }
    if nested {
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            if node.kind() == "statement" && node.parent().is_some_and(|p| p.kind() != "batch") {
                out.push(unit(node));
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
    }
    out.sort_by_key(|u| u.start);
    out
}

/// The start of the unit that contains byte `cut`: the last unit that starts before it.
fn bound(starts: impl IntoIterator<Item = usize>, cut: usize) -> usize {
    starts.into_iter().filter(|&s| s < cut).max().unwrap_or(0)
}

/// Every ERROR or MISSING node under `node` (and `node` itself), as (start byte, S-expression).
fn damage(node: Node<'_>, out: &mut Vec<(usize, String)>) {
    if node.is_error() || node.is_missing() {
        out.push((node.start_byte(), node.to_sexp()));
    }
    if !node.has_error() {
        return;
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        damage(child, out);
    }
}

/// The node of the tree with exactly this range and S-expression, if there is one.
fn find<'t>(node: Node<'t>, unit: &Unit) -> Option<Node<'t>> {
    if node.start_byte() > unit.start || node.end_byte() < unit.end {
        return None;
    }
    if node.start_byte() == unit.start && node.end_byte() == unit.end && node.to_sexp() == unit.sexp
    {
        return Some(node);
    }
    let mut cursor = node.walk();
    node.children(&mut cursor).find_map(|c| find(c, unit))
}

/// Whether the tree holds a node with exactly this range and S-expression.
fn contains(node: Node<'_>, unit: &Unit) -> bool {
    find(node, unit).is_some()
}

/// Whether an ancestor of the node, other than a root ERROR, is an ERROR.
fn inside_error(node: Node<'_>) -> bool {
    let mut parent = node.parent();
    while let Some(p) = parent {
        if p.is_error() && p.parent().is_some() {
            return true;
        }
        parent = p.parent();
    }
    false
}

fn char_boundary_at_or_before(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// What cutting one source found.
#[derive(Default)]
struct Tally {
    cuts: usize,
    failed: usize,
    /// Cuts whose tree has a root ERROR from the end-of-file recovery.
    wrapped: usize,
}

/// Cuts `source` at `count` points and records every violation in `failures`.
fn check_cuts(
    name: &str,
    source: &str,
    count: usize,
    nested: bool,
    rng: &mut SplitMix64,
    failures: &mut String,
) -> Tally {
    let mut tally = Tally::default();
    let mut parser = parser();
    let Some(full) = parser.parse(source, None) else {
        let _ = writeln!(failures, "{name}: the parser returned no tree");
        tally.failed = 1;
        return tally;
    };
    if full.root_node().has_error() {
        let _ = writeln!(failures, "{name}: the uncut source does not parse cleanly");
        tally.failed = 1;
        return tally;
    }
    let units = units(&full, nested);
    for _ in 0..count.min(source.len()) {
        tally.cuts += 1;
        let cut = char_boundary_at_or_before(source, 1 + rng.below(source.len()));
        let prefix = &source[..cut];
        let Some(tree) = parser.parse(prefix, None) else {
            tally.failed += 1;
            let _ = writeln!(failures, "{name}: cut at {cut}: no tree");
            continue;
        };
        let root = tree.root_node();
        let limit = bound(units.iter().map(|u| u.start), cut);
        let mut found = Vec::new();
        let mut problem = None;
        if root.is_error() {
            tally.wrapped += 1;
            let mut cursor = root.walk();
            for child in root.children(&mut cursor) {
                damage(child, &mut found);
            }
        } else {
            damage(root, &mut found);
        }
        if root.has_error() && (root.is_error() || nested) {
            // Every complete statement before the cut statement must survive with the same
            // range and shape, and (with `nested`) outside any ERROR but a root one. Without
            // an error the prefix is valid SQL that may legitimately read differently (a cut
            // `SELECT 1 SEL` makes `SEL` an alias), so there is nothing to check.
            // With `nested`, the statement just before the cut may absorb a partial token
            // (`SELECT 1` then `SELEC` reads as an alias), so it is not held to this.
            let last = units.iter().filter(|u| u.end <= limit).map(|u| u.end).max();
            let held = |u: &&Unit| u.end <= limit && !(nested && Some(u.end) == last);
            problem = units.iter().filter(held).find_map(|u| match find(root, u) {
                None => Some(format!(
                    "the statement at bytes {}..{} did not survive intact",
                    u.start, u.end
                )),
                Some(node) if nested && inside_error(node) => Some(format!(
                    "the statement at bytes {}..{} was moved into an ERROR",
                    u.start, u.end
                )),
                Some(_) => None,
            });
        }
        if problem.is_none() && !nested {
            problem = found.iter().find(|(at, _)| *at < limit).map(|(at, node)| {
                let line = source[..*at].matches('\n').count() + 1;
                let node: String = node.chars().take(60).collect();
                format!("{node}... starts at byte {at} (line {line})")
            });
        }
        let Some(problem) = problem else { continue };
        tally.failed += 1;
        if tally.failed > 3 {
            // The first few cuts of a source show the pattern; the count shows the extent.
            continue;
        }
        let cut_line = prefix.matches('\n').count() + 1;
        let tail_start = char_boundary_at_or_before(prefix, prefix.len().saturating_sub(60));
        let _ = writeln!(
            failures,
            "{name}: cut at byte {cut} (line {cut_line}) after {:?}: {problem}, before the cut \
             statement's start (byte {limit})",
            &prefix[tail_start..]
        );
    }
    tally
}

/// Cuts every source and returns the tally and the failure report.
fn cut_everything(nested: bool) -> (Tally, usize, String) {
    let mut rng = SplitMix64(0x5EED_F5A1_u64);
    let mut failures = String::new();
    let mut total = Tally::default();
    let mut sources = 0;
    let mut add = |t: Tally| {
        total.cuts += t.cuts;
        total.failed += t.failed;
        total.wrapped += t.wrapped;
    };

    for case in all_cases() {
        if case.skip || case.error || case.file.ends_with("errors.txt") {
            continue;
        }
        let name = format!(
            "{}:{} {:?}",
            case.file.file_name().unwrap_or_default().to_string_lossy(),
            case.line,
            case.title
        );
        add(check_cuts(
            &name,
            &case.source,
            6,
            nested,
            &mut rng,
            &mut failures,
        ));
        sources += 1;
    }

    for (name, text) in scripts() {
        add(check_cuts(
            &name,
            &text,
            300,
            nested,
            &mut rng,
            &mut failures,
        ));
        sources += 1;
    }
    (total, sources, failures)
}

/// The scripts of `tests/scripts/*.sql` as (file name, text), sorted by name.
pub fn scripts() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("scripts");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("tests/scripts is readable")
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "tests/scripts has no .sql script");
    files
        .into_iter()
        .map(|file| {
            let text = fs::read_to_string(&file).expect("a script is UTF-8");
            let name = file
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            (name, text)
        })
        .collect()
}

#[test]
fn cuts_damage_only_the_cut_statement() {
    let (total, sources, failures) = cut_everything(false);
    eprintln!(
        "{} cuts of {sources} sources; {} ended in tree-sitter's end-of-file root ERROR",
        total.cuts, total.wrapped
    );
    assert!(sources >= 300, "only {sources} sources were cut");
    assert!(
        total.failed == 0,
        "{} of {} cuts damaged earlier statements (at most three shown per source):\n{failures}",
        total.failed,
        total.cuts
    );
}

/// The same property one level down: a cut inside a procedure, trigger or block must leave the
/// complete statements before it in the same body intact and outside any ERROR (an ERROR may
/// still start at an enclosing statement that contains the cut). The grammar does not meet this
/// yet (a half-written statement empties the whole body into an ERROR; see known-gaps.txt,
/// "Recovery: a half-written statement inside a body keeps the body"), so the test is ignored
/// (`cargo test -p tree-sitter-sqlwarden --test grammar -- --ignored` shows the extent). The
/// analyser does not depend on it: the syntax layer repairs a broken statement so that the
/// rest of its body is read, and `server/syntax/tests/recovery.rs` measures that.
#[test]
#[ignore = "raw tree-sitter recovery; the analyser repairs statements in bodies (server/syntax/tests/recovery.rs)"]
fn cuts_inside_bodies_damage_only_the_cut_statement() {
    let (total, _, failures) = cut_everything(true);
    assert!(
        total.failed == 0,
        "{} of {} cuts damaged earlier statements of the same body (at most three shown per \
         source):\n{failures}",
        total.failed,
        total.cuts
    );
}

#[test]
fn bound_is_the_start_of_the_statement_containing_the_cut() {
    let starts = [0, 10, 25];
    assert_eq!(bound(starts, 5), 0);
    assert_eq!(bound(starts, 10), 0);
    assert_eq!(bound(starts, 11), 10);
    assert_eq!(bound(starts, 100), 25);
}

#[test]
fn damage_and_intact_statements_are_detected() {
    let mut parser = parser();
    let full = parser.parse("SELECT 1\nSELECT 2", None).expect("a tree");
    let units = units(&full, false);
    assert_eq!(units.len(), 2);
    assert!(contains(full.root_node(), &units[0]));
    let moved = Unit {
        start: units[0].start + 1,
        end: units[0].end,
        sexp: units[0].sexp.clone(),
    };
    assert!(!contains(full.root_node(), &moved));

    let broken = parser.parse("SELECT 1\n)\nSELECT 2", None).expect("a tree");
    let mut found = Vec::new();
    damage(broken.root_node(), &mut found);
    assert_eq!(found.iter().map(|f| f.0).collect::<Vec<_>>(), vec![9]);
}
