//! IMP003: a `REVERT;` where the impersonation of a script's `EXECUTE AS` should end.
//!
//! The `REVERT` goes after the statements that follow the `EXECUTE AS` in its batch, or,
//! when nothing follows it there, after the last statement of the script; either way
//! before a `GO` on its own line. `EXECUTE AS` and `REVERT` pair like a stack, also
//! through `:r` includes, so the fix is offered only when every `EXECUTE AS` between the
//! finding and that point is already reverted there: then the new `REVERT` undoes the
//! finding's own.

use std::collections::HashSet;
use std::sync::Arc;

use analysis::project::Project;
use analysis::{Code, FileId};
use syntax::TextRange;
use syntax::ast::{ExecuteAsKind, Statement, StatementKind};

use super::{Edit, Finding, Fix, text};

pub(super) fn fix(finding: &Finding<'_>) -> Option<Fix> {
    // `WITH NO REVERT` gets no fix: a REVERT after it fails.
    if finding.diagnostic.code != Code::Imp003
        || finding.diagnostic.fix.as_deref() != Some("REVERT;")
    {
        return None;
    }
    let snapshot = finding.snapshot;
    let file = finding.file();
    let parsed = snapshot.workspace.scripts.get(&file)?;
    let statements = &parsed.statements;
    let index = statements.iter().position(|s| {
        s.range == finding.range()
            && matches!(&s.kind, StatementKind::ExecuteAs(e) if e.kind != ExecuteAsKind::Caller && !e.no_revert)
    })?;
    let execute_as = &statements[index];
    let batch = parsed
        .batches
        .iter()
        .find(|b| b.contains(execute_as.range.start()))
        .copied()
        .unwrap_or(TextRange::new(0, finding.text().len()));
    // The last statement of the batch after the `EXECUTE AS`, else of the script.
    let in_batch = statements[index + 1..]
        .iter()
        .take_while(|s| s.range.start() < batch.end())
        .count();
    let last_index = if in_batch > 0 {
        index + in_batch
    } else {
        statements.len() - 1
    };
    let last = &statements[last_index];
    let project = snapshot
        .workspace
        .projects
        .iter()
        .find(|p| p.reaches(file))?;
    let mut open = 0;
    let mut seen = HashSet::from([file]);
    let between = &statements[index + 1..=last_index];
    count_open(snapshot, project, file, between, &mut open, &mut seen)?;
    if open != 0 {
        return None;
    }
    let text = finding.text();
    let indent = text::indentation(text, execute_as.range.start());
    let (at, inserted) = text::insert_line_after(
        text,
        last.range.end().saturating_sub(1).max(last.range.start()),
        &format!("{indent}REVERT;"),
    );
    Some(Fix {
        // Titles are plain text in editors' menus: no Markdown quoting.
        title: format!("Add REVERT after {}", summary(text, last)),
        edits: vec![Edit::insert(file, at, inserted)],
        preferred: true,
    })
}

/// Adds to `open` the `EXECUTE AS` that the statements leave open, following `:r`
/// includes; `None` when a `REVERT` among them would undo a context opened before them
/// (the stack would go below the finding's own), or an include cannot be followed.
fn count_open(
    snapshot: &super::Snapshot,
    project: &Project,
    file: FileId,
    statements: &[Arc<Statement>],
    open: &mut usize,
    seen: &mut HashSet<FileId>,
) -> Option<()> {
    for statement in statements {
        match &statement.kind {
            StatementKind::ExecuteAs(e) if e.kind != ExecuteAsKind::Caller => *open += 1,
            StatementKind::Revert => *open = open.checked_sub(1)?,
            StatementKind::Include { .. } => {
                let included = project.include_at(file, statement.range)?;
                if !seen.insert(included) {
                    return None;
                }
                let parsed = snapshot.workspace.scripts.get(&included)?;
                count_open(snapshot, project, included, &parsed.statements, open, seen)?;
                seen.remove(&included);
            }
            _ => {}
        }
    }
    Some(())
}

/// The first line of a statement, shortened for a title.
fn summary(text: &str, statement: &Statement) -> String {
    let line = text::line(text, statement.range.start());
    let start = statement.range.start() - text::line_start(text, statement.range.start());
    let line = line.get(start..).unwrap_or(line).trim();
    match line.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_owned(),
    }
}
