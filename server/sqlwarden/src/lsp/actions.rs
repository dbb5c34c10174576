//! `textDocument/codeAction`: quick fixes, each a `WorkspaceEdit` the user accepts.

use lsp_types::{CodeActionParams, CodeActionResponse};

use super::Snapshot;

pub fn code_actions(
    _snapshot: &Snapshot,
    _params: CodeActionParams,
) -> Result<Option<CodeActionResponse>, String> {
    Ok(None)
}
