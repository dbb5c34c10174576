//! Go to definition, find references, document and workspace symbols.

use lsp_types::{
    DocumentSymbolParams, DocumentSymbolResponse, GotoDefinitionParams, GotoDefinitionResponse,
    Location, ReferenceParams, WorkspaceSymbolParams, WorkspaceSymbolResponse,
};

use super::Snapshot;

pub fn definition(
    _snapshot: &Snapshot,
    _params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>, String> {
    Ok(None)
}

pub fn references(
    _snapshot: &Snapshot,
    _params: ReferenceParams,
) -> Result<Option<Vec<Location>>, String> {
    Ok(None)
}

pub fn document_symbols(
    _snapshot: &Snapshot,
    _params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>, String> {
    Ok(None)
}

pub fn workspace_symbols(
    _snapshot: &Snapshot,
    _params: WorkspaceSymbolParams,
) -> Result<Option<WorkspaceSymbolResponse>, String> {
    Ok(None)
}
