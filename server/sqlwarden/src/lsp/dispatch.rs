//! The dispatch table: which handler answers each request and notification, and where
//! it runs. Reads of the last analysis that touch one file run on the main thread; reads
//! that go through every file run on a worker thread with a snapshot, so the loop keeps
//! taking keystrokes meanwhile.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use analysis::host::Edited;
use lsp_server::{ErrorCode, Notification, Request, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    DidChangeConfigurationParams, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, FileChangeType,
};
use serde_json::Value;

use super::{Document, Server, Settings, Snapshot, Task, actions, hover, log, navigation, params};

/// A request handler: a pure read of a snapshot.
type Handler<R> =
    fn(&Snapshot, <R as req::Request>::Params) -> Result<<R as req::Request>::Result, String>;

impl Server {
    pub(super) fn on_request(&mut self, request: Request) {
        match request.method.as_str() {
            // Main thread: one file, the last analysis.
            req::HoverRequest::METHOD => self.on_main::<req::HoverRequest>(request, hover::hover),
            req::GotoDefinition::METHOD => {
                self.on_main::<req::GotoDefinition>(request, navigation::definition)
            }
            req::DocumentSymbolRequest::METHOD => {
                self.on_main::<req::DocumentSymbolRequest>(request, navigation::document_symbols)
            }
            req::CodeActionRequest::METHOD => {
                self.on_main::<req::CodeActionRequest>(request, actions::code_actions)
            }
            // Worker: every file of the workspace.
            req::References::METHOD => {
                self.on_worker::<req::References>(request, navigation::references)
            }
            req::WorkspaceSymbolRequest::METHOD => self
                .on_worker::<req::WorkspaceSymbolRequest>(request, navigation::workspace_symbols),
            _ => self.respond(Response::new_err(
                request.id,
                ErrorCode::MethodNotFound as i32,
                format!("sqlwarden does not handle {}", request.method),
            )),
        }
    }

    fn snapshot(&mut self) -> Option<Arc<Snapshot>> {
        let host = self.host.as_ref()?;
        if self
            .snapshot
            .as_ref()
            .is_none_or(|s| s.revision != host.revision())
        {
            self.snapshot = Some(Arc::new(Snapshot::new(host, self.encoding)));
        }
        self.snapshot.clone()
    }

    fn on_main<R: req::Request>(&mut self, request: Request, handler: Handler<R>) {
        let id = request.id.clone();
        let response = match self.snapshot() {
            Some(snapshot) => answer::<R>(&snapshot, request, handler),
            // Before the first index there is nothing to say yet.
            None => Response::new_ok(id, Value::Null),
        };
        self.respond(response);
    }

    fn on_worker<R: req::Request>(&mut self, request: Request, handler: Handler<R>)
    where
        R::Params: Send,
    {
        let Some(snapshot) = self.snapshot() else {
            self.respond(Response::new_ok(request.id, Value::Null));
            return;
        };
        self.in_flight.insert(request.id.clone(), false);
        let sender = self.tasks.0.clone();
        let delay = std::time::Duration::from_millis(self.settings.test_worker_delay_ms);
        std::thread::spawn(move || {
            std::thread::sleep(delay);
            let id = request.id.clone();
            let response = answer::<R>(&snapshot, request, handler);
            let _ = sender.send(Task::Answered(id, snapshot.revision, response));
        });
    }

    pub(super) fn on_notification(&mut self, notification: Notification) {
        let method = notification.method.clone();
        let result = match method.as_str() {
            notif::DidOpenTextDocument::METHOD => {
                params(notification.params).map(|p| self.did_open(p))
            }
            notif::DidChangeTextDocument::METHOD => {
                params(notification.params).map(|p| self.did_change(p))
            }
            notif::DidCloseTextDocument::METHOD => {
                params(notification.params).map(|p| self.did_close(p))
            }
            notif::DidChangeWatchedFiles::METHOD => {
                params(notification.params).map(|p| self.did_change_watched(p))
            }
            notif::DidChangeConfiguration::METHOD => {
                params(notification.params).map(|p| self.did_change_configuration(p))
            }
            notif::Cancel::METHOD => {
                if let Some(id) = super::id_field(&notification.params)
                    && let Some(cancelled) = self.in_flight.get_mut(&id)
                {
                    *cancelled = true;
                }
                Ok(())
            }
            // Saving changes nothing the buffer did not already say.
            _ => Ok(()),
        };
        if let Err(error) = result {
            log(&format!("{method}: malformed params ignored: {error}"));
        }
    }

    fn did_open(&mut self, p: DidOpenTextDocumentParams) {
        let Some(path) = path_of(&p.text_document.uri) else {
            return;
        };
        self.documents.insert(
            p.text_document.uri.clone(),
            Document {
                version: p.text_document.version,
                path: path.clone(),
                text: p.text_document.text.clone(),
            },
        );
        if self.roots.is_empty()
            && is_project_file(&path)
            && let Some(folder) = path.parent()
        {
            // A client without a workspace folder (an editor opened on one file): the
            // workspace is the nearest folder above with a `.sqlproj`, so the file is
            // analysed in its project, else the file's own folder.
            self.roots
                .push(project_folder(folder).unwrap_or_else(|| folder.to_path_buf()));
            self.reload();
            return;
        }
        self.take_text(&path, p.text_document.text);
        // The version of the open document goes with its next publish.
        if let Some(file) = self
            .host
            .as_ref()
            .and_then(|h| h.workspace().files.find(&path))
            && self.job.is_none()
            && !self.host.as_ref().is_some_and(|h| h.is_dirty())
        {
            self.publish(file);
        }
    }

    /// Gives the host a file's whole new text (or reloads when the host does not know
    /// the file and it belongs in a workspace folder).
    /// What the workspace reads files without a byte-order mark that are not UTF-8 as.
    fn encoding(&self) -> analysis::load::decode::Fallback {
        self.host
            .as_ref()
            .map(|h| h.workspace().config.encoding)
            .unwrap_or_default()
    }

    fn take_text(&mut self, path: &Path, text: String) {
        let Some(host) = &mut self.host else {
            return; // The load in flight reads the document as an overlay.
        };
        match host.workspace().files.find(path) {
            Some(file) if host.workspace().files.get(file).text == text => {
                // The same text (a document opened as it is on disk): nothing to do but
                // keep the tree for the edits to come.
                host.set_text(file, text);
            }
            Some(file) => {
                let replaced =
                    syntax::TextRange::new(0, host.workspace().files.get(file).text.len());
                let inserted = text.len();
                let outcome = host.set_text(file, text);
                self.log_edits(file, &[super::hold::Edit { replaced, inserted }]);
                if outcome == Edited::NeedsReload {
                    self.reload();
                }
            }
            None if is_project_file(path) && self.inside_roots(path) => self.reload(),
            None => {}
        }
    }

    fn did_change(&mut self, p: DidChangeTextDocumentParams) {
        let encoding = self.encoding;
        let Some(document) = self.documents.get_mut(&p.text_document.uri) else {
            log(&format!(
                "didChange for {} which is not open: ignored",
                p.text_document.uri
            ));
            return;
        };
        document.version = p.text_document.version;
        let mut edits = Vec::with_capacity(p.content_changes.len());
        for change in p.content_changes {
            let range = match change.range {
                Some(range) => {
                    let index = syntax::LineIndex::new(&document.text);
                    super::position::text_range_in(&document.text, &index, range, encoding)
                }
                None => syntax::TextRange::new(0, document.text.len()),
            };
            document.text.replace_range(range.as_range(), &change.text);
            edits.push((range, change.text));
        }
        let path = document.path.clone();
        let text = document.text.clone();
        let Some(host) = &mut self.host else {
            return;
        };
        if is_project_shape(&path) {
            // An open `.sqlproj` is read as the overlay of its buffer.
            self.reload();
            return;
        }
        match host.workspace().files.find(&path) {
            Some(file) => {
                // Kept until the batch of messages ends (or something reads the host),
                // so that a burst of keystrokes costs one reparse.
                match self.pending_edits.last_mut() {
                    Some((last, queued)) if *last == file => queued.extend(edits),
                    _ => self.pending_edits.push((file, edits)),
                }
            }
            None => {
                self.flush_edits();
                self.take_text(&path, text);
            }
        }
    }

    /// Gives the host the edits that `didChange` queued, file by file in order.
    pub(super) fn flush_edits(&mut self) {
        for (file, edits) in std::mem::take(&mut self.pending_edits) {
            let Some(host) = &mut self.host else {
                return;
            };
            let outcome = host.edit(file, &edits);
            let logged: Vec<super::hold::Edit> = edits
                .iter()
                .map(|(range, text)| super::hold::Edit {
                    replaced: *range,
                    inserted: text.len(),
                })
                .collect();
            self.log_edits(file, &logged);
            if outcome == Edited::NeedsReload {
                self.reload();
            }
        }
    }

    fn did_close(&mut self, p: DidCloseTextDocumentParams) {
        let Some(document) = self.documents.remove(&p.text_document.uri) else {
            return;
        };
        // The file on disk is what the findings describe again.
        match analysis::load::read_text(&document.path, self.encoding()) {
            Ok(text) => self.take_text(&document.path, text),
            // An unsaved buffer that was never written leaves the workspace.
            Err(_) => self.reload(),
        }
        if let Some(file) = self
            .host
            .as_ref()
            .and_then(|h| h.workspace().files.find(&document.path))
        {
            // Published again without the document's version.
            self.publish_again(file);
        }
    }

    fn did_change_watched(&mut self, p: DidChangeWatchedFilesParams) {
        for change in p.changes {
            let Some(path) = path_of(&change.uri) else {
                continue;
            };
            if is_project_shape(&path) {
                self.reload();
                continue;
            }
            if self.documents.contains_key(&change.uri) {
                // The buffer wins over the disk while it is open.
                continue;
            }
            if change.typ == FileChangeType::CHANGED {
                match analysis::load::read_text(&path, self.encoding()) {
                    Ok(text) => self.take_text(&path, text),
                    Err(error) => {
                        log(&format!("{}: {error}", path.display()));
                        self.reload();
                    }
                }
            } else if is_project_file(&path) {
                // A file created or deleted changes what the projects hold.
                self.reload();
            }
        }
    }

    fn did_change_configuration(&mut self, p: DidChangeConfigurationParams) {
        let settings = Settings::from_value(Some(&p.settings));
        if format!("{settings:?}") != format!("{:?}", self.settings) {
            self.settings = settings;
            self.reload();
        }
    }

    fn publish_again(&mut self, file: analysis::FileId) {
        if let Some(host) = &self.host
            && let Some(uri) = super::convert::url(&host.workspace().files.get(file).absolute)
        {
            // Mark it published so that an empty list is sent too.
            self.published.insert(uri);
        }
        self.publish(file);
    }
}

/// Runs a handler with its params decoded, guarded against panics.
fn answer<R: req::Request>(snapshot: &Snapshot, request: Request, handler: Handler<R>) -> Response {
    let id = request.id;
    let params: R::Params = match serde_json::from_value(request.params) {
        Ok(params) => params,
        Err(error) => {
            return Response::new_err(
                id,
                ErrorCode::InvalidParams as i32,
                format!("{}: {error}", request.method),
            );
        }
    };
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler(snapshot, params)));
    match outcome {
        Ok(Ok(result)) => match serde_json::to_value(result) {
            Ok(value) => Response::new_ok(id, value),
            Err(error) => Response::new_err(id, ErrorCode::InternalError as i32, error.to_string()),
        },
        Ok(Err(message)) => Response::new_err(id, ErrorCode::InvalidParams as i32, message),
        Err(_) => {
            log(&format!("{} failed; please report it", request.method));
            Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!(
                    "{} failed inside sqlwarden; please report it",
                    request.method
                ),
            )
        }
    }
}

/// The nearest folder at or above `start` that holds a `.sqlproj`.
fn project_folder(start: &Path) -> Option<PathBuf> {
    start.ancestors().take(12).find_map(|folder| {
        let entries = std::fs::read_dir(folder).ok()?;
        entries
            .flatten()
            .any(|e| {
                e.path()
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("sqlproj"))
            })
            .then(|| folder.to_path_buf())
    })
}

fn path_of(uri: &lsp_types::Url) -> Option<PathBuf> {
    let path = uri.to_file_path().ok()?;
    Some(std::fs::canonicalize(&path).unwrap_or(path))
}

/// A file that projects are made of: a script, or the C# of an assembly.
fn is_project_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("sql") || e.eq_ignore_ascii_case("cs"))
}

/// A file that decides the projects' shape: a `.sqlproj` or the configuration.
fn is_project_shape(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("sqlproj") || e.eq_ignore_ascii_case("csproj"))
        || path
            .file_name()
            .is_some_and(|n| n.eq_ignore_ascii_case("sqlwarden.toml"))
}
