//! `textDocument/hover`.

use lsp_types::{Hover, HoverParams};

use super::Snapshot;

pub fn hover(_snapshot: &Snapshot, _params: HoverParams) -> Result<Option<Hover>, String> {
    Ok(None)
}
