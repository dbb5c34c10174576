//! Stability while typing: a statement being typed does not parse until it is finished,
//! and tree-sitter's recovery can let the broken text swallow the statements after it in
//! its batch (a half-typed `GRANT` before a `CREATE PROCEDURE` hides the procedure). The
//! findings those statements had would vanish at the first keystroke and come back at
//! the last.
//!
//! So while the file being edited has a syntax error at the place of the edit (a *fresh*
//! error), the server holds: in that file it publishes the new findings together with the
//! findings it had before the typing began (moved along with the text, and dropped where
//! the user typed over them); other files' findings are not republished. The hold ends,
//! and every deferred file is published as the analysis says, when the error is gone,
//! when the user edits another file, or when typing pauses ([`IDLE`]): what the editor
//! shows at rest is always the analysis of the text as it stands, which is also what
//! `check` reports.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use analysis::{Code, Diagnostic, FileId};
use syntax::TextRange;

/// How long typing may pause before the held findings give way to the analysis.
pub const IDLE: Duration = Duration::from_millis(1500);

/// One edit of a text: the range it replaced (in the text before it) and the length of
/// what it inserted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edit {
    pub replaced: TextRange,
    pub inserted: usize,
}

impl Edit {
    /// Where the inserted text lies in the text after the edit.
    pub fn after(self) -> TextRange {
        TextRange::new(self.replaced.start(), self.replaced.start() + self.inserted)
    }
}

/// A hold on one file's findings.
pub struct Hold {
    pub file: FileId,
    /// The file's findings before the typing began, in the text as it was then.
    stable: Vec<Diagnostic>,
    /// The edits of the file since then, in order.
    edits: Vec<Edit>,
    /// Files whose publication waits for the end of the hold.
    pub pending: BTreeSet<FileId>,
    pub last_edit: Instant,
}

impl Hold {
    pub fn new(file: FileId, stable: Vec<Diagnostic>) -> Hold {
        Hold {
            file,
            stable,
            edits: Vec::new(),
            pending: BTreeSet::new(),
            last_edit: Instant::now(),
        }
    }

    pub fn extend(&mut self, edits: &[Edit]) {
        self.edits.extend_from_slice(edits);
        self.last_edit = Instant::now();
    }

    /// The file's findings to show: `current` (the analysis of the text as it is), and
    /// every earlier finding other than a syntax error that the edits did not touch,
    /// moved to where its text now is, unless `current` has it already.
    pub fn merge(&self, current: &[Diagnostic]) -> Vec<Diagnostic> {
        let mut out = current.to_vec();
        for earlier in &self.stable {
            if earlier.code == Code::Sql001 {
                continue;
            }
            let Some(moved) = self
                .edits
                .iter()
                .try_fold(earlier.location.range, |range, edit| shift(range, *edit))
            else {
                continue;
            };
            let present = out
                .iter()
                .any(|d| d.code == earlier.code && d.location.range == moved);
            if !present {
                let mut held = earlier.clone();
                held.location.range = moved;
                // Related locations in this file move too; elsewhere they stand.
                for related in &mut held.related {
                    if related.location.file == self.file {
                        related.location.range = self
                            .edits
                            .iter()
                            .try_fold(related.location.range, |r, e| shift(r, *e))
                            .unwrap_or(TextRange::new(moved.start(), moved.start()));
                    }
                }
                out.push(held);
            }
        }
        out.sort_by_key(|d| (d.location.range.start(), d.code));
        out
    }
}

/// Moves a range through an edit; `None` when the edit touched it.
pub fn shift(range: TextRange, edit: Edit) -> Option<TextRange> {
    let replaced = edit.replaced;
    if range.end() <= replaced.start() && !(range.is_empty() && range.start() == replaced.start()) {
        Some(range)
    } else if range.start() >= replaced.end() {
        let delta = edit.inserted as isize - replaced.len() as isize;
        let start = (range.start() as isize + delta) as usize;
        let end = (range.end() as isize + delta) as usize;
        Some(TextRange::new(start, end))
    } else {
        None
    }
}

/// True when the file has a syntax error in the `GO` batch where `edit` put its text:
/// the user is in the middle of typing something that does not parse yet (the error may
/// show a little after the cursor, where the unfinished statement meets the next one).
pub fn fresh_error(current: &[Diagnostic], text: &str, edit: Edit) -> bool {
    let at = edit.after();
    let batch = syntax::batches::batch_ranges(text)
        .into_iter()
        .find(|b| b.start() <= at.start() && at.start() <= b.end())
        .unwrap_or(at);
    let (start, end) = (batch.start().min(at.start()), batch.end().max(at.end()));
    current.iter().any(|d| {
        d.code == Code::Sql001 && d.location.range.start() <= end && start <= d.location.range.end()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use analysis::{Location, Severity};

    fn finding(code: Code, start: usize, end: usize) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: String::new(),
            location: Location {
                file: FileId(0),
                range: TextRange::new(start, end),
            },
            related: Vec::new(),
            fix: None,
        }
    }

    fn edit(start: usize, end: usize, inserted: usize) -> Edit {
        Edit {
            replaced: TextRange::new(start, end),
            inserted,
        }
    }

    #[test]
    fn a_range_moves_with_text_inserted_before_it_and_dies_with_text_typed_over_it() {
        assert_eq!(
            shift(TextRange::new(10, 20), edit(0, 0, 5)),
            Some(TextRange::new(15, 25))
        );
        assert_eq!(
            shift(TextRange::new(10, 20), edit(30, 31, 0)),
            Some(TextRange::new(10, 20))
        );
        assert_eq!(shift(TextRange::new(10, 20), edit(12, 13, 1)), None);
        assert_eq!(
            shift(TextRange::new(10, 20), edit(20, 20, 3)),
            Some(TextRange::new(10, 20)),
            "typing right after a range leaves it"
        );
    }

    #[test]
    fn held_findings_join_the_current_ones_once() {
        let mut hold = Hold::new(
            FileId(0),
            vec![
                finding(Code::Imp004, 100, 110),
                finding(Code::Sql001, 5, 6),
                finding(Code::Imp001, 50, 60),
            ],
        );
        // Three characters typed at offset 0.
        hold.extend(&[edit(0, 0, 1), edit(1, 1, 1), edit(2, 2, 1)]);
        let current = vec![finding(Code::Sql001, 0, 3), finding(Code::Imp001, 53, 63)];
        let merged: Vec<(Code, usize)> = hold
            .merge(&current)
            .iter()
            .map(|d| (d.code, d.location.range.start()))
            .collect();
        assert_eq!(
            merged,
            vec![(Code::Sql001, 0), (Code::Imp001, 53), (Code::Imp004, 103)]
        );
    }

    #[test]
    fn an_error_in_the_edited_batch_is_fresh_and_one_in_another_batch_is_not() {
        let text = format!("{}\nGO\n{}", "x".repeat(30), "y".repeat(100));
        let current = vec![finding(Code::Sql001, 60, 90)];
        assert!(
            fresh_error(&current, &text, edit(45, 45, 1)),
            "same batch, before it"
        );
        assert!(fresh_error(&current, &text, edit(89, 89, 1)));
        assert!(
            !fresh_error(&current, &text, edit(10, 10, 1)),
            "the batch before"
        );
        assert!(!fresh_error(
            &[finding(Code::Imp004, 60, 90)],
            &text,
            edit(45, 45, 1)
        ));
    }
}
