//! Suppression comments for any finding: `-- sqlwarden-ignore CODE: reason` above the
//! statement, or `-- sqlwarden-ignore-file CODE: reason` at the top of the file; in C#,
//! the same with `//`, above the finding's line.
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
    // Only the comments of a file that a project analyses are read.
    if !analysis::suppression::analysed_files(&snapshot.workspace).contains(&file) {
        return Vec::new();
    }
    if snapshot.workspace.csharp.contains_key(&file) {
        return csharp_fixes(finding);
    }
    let Some(parsed) = snapshot.workspace.scripts.get(&file) else {
        return Vec::new();
    };
    let code = finding.diagnostic.code.as_str();
    let text = finding.text();
    let eol = text::eol(text);
    let mut fixes = Vec::new();
    if let Some(statement) = innermost(&parsed.statements, finding.range().start()) {
        let start = statement.range.start();
        let at = text::line_start(text, start);
        // The comment must be the last thing before the statement and cover the finding
        // once inserted, exactly as the suppression pass will read it.
        let covers = text::starts_line(text, start)
            && analysis::suppression::own_line_scope(parsed, at)
                .is_some_and(|scope| scope.contains(finding.range().start()));
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

/// In C#, `// sqlwarden-ignore CODE: reason` on a line of its own above the finding's
/// line (it covers the next line of code), or `// sqlwarden-ignore-file` at the top.
fn csharp_fixes(finding: &Finding<'_>) -> Vec<Fix> {
    let file = finding.file();
    let code = finding.diagnostic.code.as_str();
    let text = finding.text();
    let eol = text::eol(text);
    let at = text::line_start(text, finding.range().start());
    let indent = text::indentation(text, at);
    vec![
        Fix {
            title: format!("Suppress {code} on this line"),
            edits: vec![Edit::insert(
                file,
                at,
                format!("{indent}// sqlwarden-ignore {code}: {REASON}{eol}"),
            )],
            preferred: false,
        },
        Fix {
            title: format!("Suppress {code} in this file"),
            edits: vec![Edit::insert(
                file,
                0,
                format!("// sqlwarden-ignore-file {code}: {REASON}{eol}"),
            )],
            preferred: false,
        },
    ]
}

/// The innermost statement that holds `offset`: a statement of a module's body when the
/// offset is in one, else the top-level statement.
fn innermost(statements: &[Arc<Statement>], offset: usize) -> Option<&Statement> {
    let outer = statements
        .iter()
        .find(|s| s.range.contains(offset) || s.range.start() == offset)?;
    // The body is flattened, so the last statement that starts before the offset and
    // holds it is the innermost one (an `IF` head before its branch).
    if let StatementKind::CreateObject(object) = &outer.kind
        && let Some(module) = &object.module
        && let Some(inner) = module
            .body
            .iter()
            .filter(|s| s.range.contains(offset))
            .max_by_key(|s| s.range.start())
    {
        return Some(inner);
    }
    Some(outer)
}
