//! What a request handler reads: one revision of the workspace and the models of its
//! last analysis, shared so that a worker thread can read it while the main loop goes on.

use std::collections::BTreeMap;
use std::sync::Arc;

use analysis::host::Host;
use analysis::model::Model;
use analysis::project::Workspace;
use analysis::{Diagnostic, FileId, SourceFile};
use lsp_types::{Position, Url};

use super::position::{self, Encoding};

pub struct Snapshot {
    pub revision: u64,
    pub workspace: Workspace,
    /// By project index: the model of the last analysis (`None` before the first).
    pub models: Vec<Option<Arc<Model>>>,
    pub encoding: Encoding,
    /// The findings the host shows, by file (only files that have some, after
    /// suppressions and the configuration): hover explains them, code actions fix them.
    pub diagnostics: BTreeMap<FileId, Vec<Diagnostic>>,
    /// True when the findings and models describe the workspace's current text; while an
    /// edit awaits analysis their ranges may point into text that is gone.
    pub analysed: bool,
}

impl Snapshot {
    pub fn new(host: &Host, encoding: Encoding) -> Snapshot {
        let workspace = host.workspace().clone();
        let models = (0..workspace.projects.len())
            .map(|i| host.model(i).cloned())
            .collect();
        let diagnostics = host
            .files_with_diagnostics()
            .map(|file| (file, host.diagnostics(file).to_vec()))
            .collect();
        Snapshot {
            revision: host.revision(),
            workspace,
            models,
            encoding,
            diagnostics,
            analysed: !host.is_dirty(),
        }
    }

    /// The file a URL names, when the workspace has it.
    pub fn file(&self, uri: &Url) -> Option<FileId> {
        let path = uri.to_file_path().ok()?;
        self.workspace.files.find(&path).or_else(|| {
            std::fs::canonicalize(&path)
                .ok()
                .and_then(|p| self.workspace.files.find(&p))
        })
    }

    pub fn source(&self, file: FileId) -> &SourceFile {
        self.workspace.files.get(file)
    }

    /// The byte offset of a client position in a file.
    pub fn offset(&self, file: FileId, position: Position) -> usize {
        position::offset(self.source(file), position, self.encoding)
    }

    pub fn url(&self, file: FileId) -> Option<Url> {
        super::convert::url(&self.source(file).absolute)
    }

    pub fn location(&self, file: FileId, range: syntax::TextRange) -> Option<lsp_types::Location> {
        Some(lsp_types::Location::new(
            self.url(file)?,
            position::range(self.source(file), range, self.encoding),
        ))
    }

    /// The projects that analyse a file, with their models, first the one that lists it.
    pub fn models_of(&self, file: FileId) -> Vec<(usize, &Arc<Model>)> {
        self.workspace
            .projects
            .iter()
            .enumerate()
            .filter(|(_, p)| p.analyses(file))
            .filter_map(|(i, _)| self.models[i].as_ref().map(|m| (i, m)))
            .collect()
    }
}
