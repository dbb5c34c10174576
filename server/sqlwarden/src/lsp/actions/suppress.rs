//! Suppression comments for any finding: `-- sqlwarden-ignore CODE: reason` above the
//! statement, or `-- sqlwarden-ignore-file CODE: reason` at the top of the file.
//!
//! A suppression needs a reason, so the comment carries a placeholder that the user
//! replaces; the placeholder is itself a reason, so the comment works as inserted.

use std::sync::Arc;

use syntax::ast::{Statement, StatementKind};

use super::{Edit, Finding, Fix, text};

/// What the user replaces with why the finding is safe to silence.
pub const REASON: &str = "TODO: why this is safe";

pub(super) fn fixes(finding: &Finding<'_>) -> Vec<Fix> {
    let snapshot = finding.snapshot;
    let file = finding.file();
    // Only a script's comments are read, and only in a file that a project analyses.
    let Some(parsed) = snapshot.workspace.scripts.get(&file) else {
        return Vec::new();
    };
    if !analysis::suppression::analysed_files(&snapshot.workspace).contains(&file) {
        return Vec::new();
    }
    let code = finding.diagnostic.code.as_str();
    let text = finding.text();
    let eol = text::eol(text);
    let mut fixes = Vec::new();
    if let Some(statement) = innermost(&parsed.statements, finding.range().start) {
        let start = statement.range.start;
        let at = text::line_start(text, start);
        // The comment must be the last thing before the statement and cover the finding
        // once inserted, exactly as the suppression pass will read it.
        let covers = text::starts_line(text, start)
            && analysis::suppression::own_line_scope(parsed, at)
                .is_some_and(|scope| scope.contains(finding.range().start));
        if covers {
            let indent = text::indentation(text, start);
            fixes.push(Fix {
                title: format!("Suppress {code} on this statement"),
                edits: vec![Edit::insert(
                    file,
                    at,
                    format!("{indent}-- sqlwarden-ignore {code}: {REASON}{eol}"),
                )],
                preferred: false,
            });
        }
    }
    fixes.push(Fix {
        title: format!("Suppress {code} in this file"),
        edits: vec![Edit::insert(
            file,
            0,
            format!("-- sqlwarden-ignore-file {code}: {REASON}{eol}"),
        )],
        preferred: false,
    });
    fixes
}

/// The innermost statement that holds `offset`: a statement of a module's body when the
/// offset is in one, else the top-level statement.
fn innermost(statements: &[Arc<Statement>], offset: usize) -> Option<&Statement> {
    let outer = statements
        .iter()
        .find(|s| s.range.contains(offset) || s.range.start == offset)?;
    // The body is flattened, so the last statement that starts before the offset and
    // holds it is the innermost one (an `IF` head before its branch).
    if let StatementKind::CreateObject(object) = &outer.kind
        && let Some(module) = &object.module
        && let Some(inner) = module
            .body
            .iter()
            .filter(|s| s.range.contains(offset))
            .max_by_key(|s| s.range.start)
    {
        return Some(inner);
    }
    Some(outer)
}
