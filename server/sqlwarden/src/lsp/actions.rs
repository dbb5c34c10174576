//! `textDocument/codeAction`: quick fixes, each a `WorkspaceEdit` the user accepts.
//!
//! Every action is attached to the finding it fixes and is offered only when its edit is
//! certain to do what its title says: the findings must describe the current text (no
//! edit awaiting analysis), and each fixer checks the text it edits before it proposes
//! anything. The server never writes a file; the client applies the edit.
//!
//! The fixers, one module each: [`grant`] adds the GRANT a PRM finding names, [`revert`]
//! ends an impersonation, [`clr`] lowers an assembly's trust, and [`suppress`] writes a
//! suppression comment for any finding.

mod clr;
mod grant;
mod revert;
mod suppress;
mod text;

use std::collections::HashMap;

use analysis::{Diagnostic, FileId};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
    NumberOrString, TextEdit, WorkspaceEdit,
};
use syntax::TextRange;

use super::{Snapshot, convert, position};

/// A change to one file, in byte offsets of its current text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Edit {
    pub file: FileId,
    pub range: TextRange,
    pub text: String,
}

impl Edit {
    fn insert(file: FileId, offset: usize, text: String) -> Edit {
        Edit {
            file,
            range: TextRange::new(offset, offset),
            text,
        }
    }
}

/// One quick fix before it is turned into the protocol's shape.
pub(super) struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    /// The fix that removes the cause (not a suppression): editors apply it first.
    pub preferred: bool,
}

/// A finding the request is about, with what the fixers read.
pub(super) struct Finding<'a> {
    pub snapshot: &'a Snapshot,
    pub diagnostic: &'a Diagnostic,
}

impl Finding<'_> {
    fn file(&self) -> FileId {
        self.diagnostic.location.file
    }

    fn range(&self) -> TextRange {
        self.diagnostic.location.range
    }

    fn text(&self) -> &str {
        &self.snapshot.source(self.file()).text
    }
}

pub fn code_actions(
    snapshot: &Snapshot,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>, String> {
    if let Some(only) = &params.context.only
        && !only.iter().any(wants_quickfix)
    {
        return Ok(None);
    }
    let Some(file) = snapshot.file(&params.text_document.uri) else {
        return Ok(None);
    };
    // While an edit awaits analysis, the findings' ranges may point into text that is
    // gone; the client asks again once the new findings are published.
    if !snapshot.analysed {
        return Ok(None);
    }
    let Some(findings) = snapshot.diagnostics.get(&file) else {
        return Ok(Some(Vec::new()));
    };
    let source = snapshot.source(file);
    let requested = position::text_range_in(
        &source.text,
        &source.line_index,
        params.range,
        snapshot.encoding,
    );
    let mut actions = Vec::new();
    for diagnostic in findings {
        let published =
            convert::diagnostic(diagnostic, &snapshot.workspace.files, snapshot.encoding);
        let sent = params.context.diagnostics.iter().find(|d| {
            d.range == published.range
                && d.code == Some(NumberOrString::String(diagnostic.code.as_str().to_owned()))
        });
        let range = diagnostic.location.range;
        let touches = range.start() <= requested.end() && requested.start() <= range.end();
        if sent.is_none() && !touches {
            continue;
        }
        let attached = sent.cloned().unwrap_or(published);
        let finding = Finding {
            snapshot,
            diagnostic,
        };
        let fixes = grant::fix(&finding)
            .into_iter()
            .chain(revert::fix(&finding))
            .chain(clr::fix(&finding))
            .chain(suppress::fixes(&finding));
        for fix in fixes {
            if let Some(action) = to_action(snapshot, fix, &attached) {
                actions.push(CodeActionOrCommand::CodeAction(action));
            }
        }
    }
    Ok(Some(actions))
}

/// True when a requested kind selects quick fixes: `quickfix` itself, or the empty kind
/// that selects every action.
fn wants_quickfix(kind: &CodeActionKind) -> bool {
    let kind = kind.as_str();
    kind.is_empty() || kind == CodeActionKind::QUICKFIX.as_str()
}

fn to_action(
    snapshot: &Snapshot,
    fix: Fix,
    attached: &lsp_types::Diagnostic,
) -> Option<CodeAction> {
    let mut changes: HashMap<lsp_types::Url, Vec<TextEdit>> = HashMap::new();
    for edit in fix.edits {
        let source = snapshot.source(edit.file);
        changes
            .entry(snapshot.url(edit.file)?)
            .or_default()
            .push(TextEdit {
                range: position::range(source, edit.range, snapshot.encoding),
                new_text: edit.text,
            });
    }
    Some(CodeAction {
        title: fix.title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![attached.clone()]),
        edit: Some(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(fix.preferred),
        ..CodeAction::default()
    })
}
