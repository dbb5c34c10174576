//! An error in one batch leaves the later batches alone.
//!
//! `GO` ends a batch in every client, so a typo in one batch of a deployment script must not
//! hide the batches after it from the analysis. Junk tokens are inserted at fixed-seed
//! pseudo-random points of every multi-batch script in `tests/scripts/` (never inside a `GO`
//! line), and every batch after the one that received the junk must parse exactly as before.
//!
//! The grammar does not meet this yet: a stray token makes the rest of the file one ERROR (see
//! known-gaps.txt, "Recovery: junk in one batch does not swallow the later batches"), so the
//! test is ignored; `-- --ignored` shows how often. The analyser does not depend on it: the
//! syntax layer parses each batch on its own and repairs broken statements, and
//! `server/syntax/tests/recovery.rs` holds that layer to its targets.

use std::fmt::Write as _;

use crate::cuts::{SplitMix64, scripts};
use crate::runner::parser;

/// Tokens a typing user leaves behind. Quotes and comment openers are left out: an
/// unterminated string or comment legitimately runs to the end of the file.
const JUNK: &[&str] = &[")", "(", "= =", "BEGIN", "END", "CASE", ",", "@@@"];

#[test]
#[ignore = "raw tree-sitter recovery; the analyser reparses each batch and repairs statements (server/syntax/tests/recovery.rs)"]
fn junk_damages_only_its_own_batch() {
    let mut rng = SplitMix64(0x00D0_0DAD);
    let mut parser = parser();
    let (mut tries, mut failed, mut report) = (0, 0, String::new());
    for (name, text) in scripts() {
        let full = parser.parse(&text, None).expect("a tree");
        let root = full.root_node();
        let mut cursor = root.walk();
        let batches: Vec<_> = root
            .named_children(&mut cursor)
            .filter(|n| n.kind() == "batch")
            .map(|b| {
                let go = (0..b.named_child_count())
                    .filter_map(|i| b.named_child(i as u32))
                    .find(|c| c.kind() == "go_statement")
                    .map(|g| g.byte_range());
                (b.byte_range(), go, b.to_sexp())
            })
            .collect();
        if batches.len() < 2 {
            continue;
        }
        for _ in 0..100 {
            let at = rng.below(text.len());
            // An editor never types between the two bytes of a CRLF.
            if !text.is_char_boundary(at) || text[..at].ends_with('\r') {
                continue;
            }
            // The batch that receives the junk, and the GO that must still end it.
            let Some(own) = batches.iter().position(|(r, go, _)| {
                at < r.end
                    && go
                        .as_ref()
                        .is_some_and(|g| !(g.start..=g.end).contains(&at))
            }) else {
                continue;
            };
            let junk = JUNK[rng.below(JUNK.len())];
            let spliced = format!("{} {junk} {}", &text[..at], &text[at..]);
            let shift = junk.len() + 2;
            let tree = parser.parse(&spliced, None).expect("a tree");
            tries += 1;
            let damaged = batches[own + 1..].iter().find(|(range, _, sexp)| {
                let start = range.start + shift;
                let end = range.end + shift;
                let node = tree.root_node().descendant_for_byte_range(start, end);
                !node.is_some_and(|n| n.byte_range() == (start..end) && n.to_sexp() == *sexp)
            });
            if let Some((range, _, _)) = damaged {
                failed += 1;
                if failed <= 10 {
                    let line = text[..at].matches('\n').count() + 1;
                    let _ = writeln!(
                        report,
                        "{name}: {junk:?} inserted at line {line} damaged the later batch at \
                         bytes {}..{}",
                        range.start, range.end
                    );
                }
            }
        }
    }
    assert!(tries > 0, "no multi-batch script to insert junk into");
    assert!(
        failed == 0,
        "{failed} of {tries} insertions damaged a later batch (first ten shown):\n{report}"
    );
}
