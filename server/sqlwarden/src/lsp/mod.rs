//! `sqlwarden server`: the language server, over stdio.
//!
//! One main loop over a closed [`Event`]: messages from the client, and the results of
//! work done on other threads ([`Task`]). The loop owns the analysis [`Host`]; edits
//! change its ground state at once (the edited file is reparsed incrementally on the main
//! thread), and the analysis of the projects that the edit touches runs as one job on a
//! worker thread, for a snapshot of one revision. A job's result for a revision older than
//! the current one is dropped, and a new job starts; so while a user types, the published
//! findings stay as they were until an analysis of the text as it now stands is ready.
//!
//! Requests go through the table in [`Server::on_request`], which shows which handlers
//! run on the main thread (fast reads of the last analysis) and which on a worker (those
//! that read every file). Every handler gets a [`Snapshot`], is guarded against panics,
//! and answers malformed params with `InvalidParams`. `$/cancelRequest` is honoured for
//! requests still queued and for those on a worker; a worker's answer computed for an
//! old revision is replaced by `ContentModified`. Logs go to stderr, never stdout.

mod actions;
mod convert;
mod dispatch;
mod hold;
mod hover;
mod navigation;
pub mod position;
mod snapshot;
mod symbols;
mod transport;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use analysis::host::{Edited, Host, JobResult};
use analysis::project::{LoadOptions, Progress, Workspace};
use analysis::{FileId, load::LoadError};
use crossbeam_channel::{Receiver, Sender, select};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    InitializeParams, NumberOrString, ProgressParams, ProgressParamsValue,
    PublishDiagnosticsParams, ServerCapabilities, Url, WorkDoneProgress, WorkDoneProgressBegin,
    WorkDoneProgressEnd, WorkDoneProgressReport, notification as notif, request as req,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use position::Encoding;
pub use snapshot::Snapshot;

/// How a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// `exit` after `shutdown`, as the protocol wants.
    Shutdown,
    /// `exit` without `shutdown` (or before `initialize`): the protocol asks for exit
    /// status 1.
    ExitWithoutShutdown,
    /// The client closed the connection: it is gone, which is not the server's failure
    /// (status 0).
    InputClosed,
}

/// Runs the server on stdin and stdout until the client says `exit` or closes stdin.
pub fn run_stdio() -> Result<Ended, String> {
    let (connection, writer) = transport::stdio();
    let queued = connection.sender.clone();
    let result = serve_until_end(connection);
    // Everything queued for the client is written before the process ends (the reader
    // may still be blocked on stdin; it ends with the process).
    let deadline = Instant::now() + std::time::Duration::from_secs(5);
    while !queued.is_empty() && Instant::now() < deadline && !writer.is_finished() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    drop(queued);
    transport::flush();
    result
}

/// Runs the server on a connection (stdio, or an in-memory pair in tests); `exit`
/// without `shutdown` is an error.
pub fn serve(connection: Connection) -> Result<(), String> {
    match serve_until_end(connection)? {
        Ended::Shutdown | Ended::InputClosed => Ok(()),
        Ended::ExitWithoutShutdown => Err("the client said exit before shutdown".to_owned()),
    }
}

/// Runs the server on a connection and says how the session ended.
pub fn serve_until_end(connection: Connection) -> Result<Ended, String> {
    let Some((id, params)) = wait_for_initialize(&connection) else {
        return Ok(Ended::ExitWithoutShutdown);
    };
    let params: InitializeParams = match serde_json::from_value(params) {
        Ok(params) => params,
        Err(error) => {
            let response = Response::new_err(
                id,
                ErrorCode::InvalidParams as i32,
                format!("initialize: {error}"),
            );
            let _ = connection.sender.send(response.into());
            return Err(format!("initialize params were malformed: {error}"));
        }
    };
    let encoding = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let result = serde_json::json!({
        "capabilities": capabilities(encoding),
        "serverInfo": { "name": "sqlwarden", "version": env!("CARGO_PKG_VERSION") },
    });
    let _ = connection.sender.send(Response::new_ok(id, result).into());
    // The `initialized` notification is not waited for: what comes before it is handled
    // as it would be after it (a client may send `didOpen` first), and when it comes the
    // main loop ignores it.
    let mut server = Server::new(connection.sender.clone(), &params, encoding);
    server.start();
    server.main_loop(&connection)
}

/// Reads until `initialize` arrives, as the protocol asks: requests are answered
/// `ServerNotInitialized`, notifications other than `exit` and stray responses are
/// dropped. `None` when the client said `exit` or closed the connection first.
fn wait_for_initialize(connection: &Connection) -> Option<(RequestId, Value)> {
    loop {
        match connection.receiver.recv().ok()? {
            Message::Request(request) if request.method == req::Initialize::METHOD => {
                return Some((request.id, request.params));
            }
            Message::Request(request) => {
                let response = Response::new_err(
                    request.id,
                    ErrorCode::ServerNotInitialized as i32,
                    format!("{} before initialize", request.method),
                );
                let _ = connection.sender.send(response.into());
            }
            Message::Notification(notification) if notification.method == notif::Exit::METHOD => {
                return None;
            }
            Message::Notification(notification) => {
                log(&format!(
                    "{} before initialize: ignored",
                    notification.method
                ));
            }
            Message::Response(response) => {
                log(&format!(
                    "a response to {} before initialize: ignored",
                    response.id
                ));
            }
        }
    }
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    use lsp_types::{
        CodeActionKind, CodeActionOptions, CodeActionProviderCapability, HoverProviderCapability,
        OneOf, SaveOptions, TextDocumentSyncCapability, TextDocumentSyncKind,
        TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
    };
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            resolve_provider: Some(false),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

/// The most client messages the main loop reads before it looks at finished work again.
const MAX_BATCH: usize = 512;

/// Everything the main loop reacts to.
enum Event {
    Client(Message),
    Task(Task),
    /// Typing paused while findings were held (see [`hold`]).
    Idle,
}

/// Work finished on another thread.
enum Task {
    /// Files parsed so far while loading, of the total.
    Progress(usize, usize),
    /// A load finished (for the generation it was started for).
    Loaded(Box<Loaded>),
    /// An analysis job finished.
    Analyzed(Box<JobResult>),
    /// A request answered on a worker, for the revision it read.
    Answered(RequestId, u64, Response),
}

/// What a load on a worker gives back.
struct Loaded {
    generation: u64,
    workspace: Result<Workspace, LoadError>,
    started: Instant,
    /// The documents it was given as overlays: one of them that the workspace does not
    /// hold was left out by the load (a path that is a folder now, or excluded), and
    /// loading again would only leave it out again.
    overlaid: HashSet<PathBuf>,
}

/// An open document: what the client says it holds.
struct Document {
    version: i32,
    path: PathBuf,
    text: String,
}

/// What the client's settings (`initializationOptions`, `workspace/didChangeConfiguration`)
/// say, in the same terms as `check`'s command line.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Settings {
    select: Vec<String>,
    ignore: Vec<String>,
    default_schema: Option<String>,
    variables: BTreeMap<String, String>,
    config_file: Option<PathBuf>,
    /// The `--encoding` of `check`: what files without a byte-order mark that are not
    /// UTF-8 are read as.
    encoding: Option<String>,
    /// For protocol tests: hold every worker's answer this long, so that a test can
    /// cancel it or change the text meanwhile without racing the worker.
    test_worker_delay_ms: u64,
}

impl Settings {
    /// Settings from a JSON value; the `sqlwarden` section when there is one. Unknown
    /// keys are ignored, and a value of the wrong shape leaves the defaults.
    fn from_value(value: Option<&Value>) -> Settings {
        let Some(value) = value else {
            return Settings::default();
        };
        let value = value.get("sqlwarden").unwrap_or(value);
        match serde_json::from_value::<Settings>(value.clone()) {
            // Clients send every setting with its default: an empty string is "not set".
            Ok(mut settings) => {
                settings.default_schema = settings.default_schema.filter(|s| !s.trim().is_empty());
                settings.config_file = settings.config_file.filter(|p| !p.as_os_str().is_empty());
                settings.encoding = settings.encoding.filter(|s| !s.trim().is_empty());
                settings
            }
            Err(error) => {
                log(&format!("settings ignored: {error}"));
                Settings::default()
            }
        }
    }
}

/// Writes a line to stderr, the only place a language server may log.
fn log(message: &str) {
    eprintln!("sqlwarden server: {message}");
}

struct Server {
    sender: Sender<Message>,
    tasks: (Sender<Task>, Receiver<Task>),
    encoding: Encoding,
    roots: Vec<PathBuf>,
    settings: Settings,
    /// The analysis, once the first load has finished.
    host: Option<Host>,
    /// The snapshot handlers read, made at most once per revision.
    snapshot: Option<Arc<Snapshot>>,
    documents: HashMap<Url, Document>,
    /// URLs whose last publish was not empty: cleared when they have nothing left.
    published: HashSet<Url>,
    /// The load in flight, by generation; a newer request for a reload waits for it.
    loading: Option<u64>,
    generation: u64,
    reload_wanted: bool,
    /// The revision of the analysis job in flight.
    job: Option<u64>,
    /// Requests answered on a worker, not yet sent: (method, cancelled).
    in_flight: HashMap<RequestId, bool>,
    progress_token: Option<NumberOrString>,
    progress_sent: usize,
    watch_files: bool,
    shutting_down: bool,
    next_request: i32,
    /// Set by a reload: the next analysis publishes every file, not only the changed.
    republish_all: bool,
    /// Edits that `didChange` queued in this batch of messages, not yet given to the host.
    pending_edits: Vec<(FileId, Vec<(syntax::TextRange, String)>)>,
    /// Edits by file since the last analysis applied, and the latest edit of all.
    edit_log: HashMap<FileId, Vec<hold::Edit>>,
    last_edit: Option<(FileId, hold::Edit)>,
    /// Findings held while a statement is typed (see [`hold`]).
    hold: Option<hold::Hold>,
    /// `SQLWARDEN_LSP_TIMING=1`: log, for each analysis, how long after the first edit it
    /// covers it started, ran and was published (figures for benchmarks, on stderr).
    timing: Option<Timing>,
}

/// When the work for one analysis happened.
#[derive(Clone, Copy, Default)]
struct Timing {
    edited: Option<Instant>,
    started: Option<Instant>,
}

impl Server {
    fn new(sender: Sender<Message>, params: &InitializeParams, encoding: Encoding) -> Server {
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
        #[allow(deprecated)]
        if roots.is_empty() {
            roots.extend(params.root_uri.as_ref().and_then(|u| u.to_file_path().ok()));
        }
        let roots = roots
            .into_iter()
            .map(|r| std::fs::canonicalize(&r).unwrap_or(r))
            .collect();
        let capabilities = &params.capabilities;
        let watch_files = capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        let progress = capabilities
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        Server {
            sender,
            tasks: crossbeam_channel::unbounded(),
            encoding,
            roots,
            settings: Settings::from_value(params.initialization_options.as_ref()),
            host: None,
            snapshot: None,
            documents: HashMap::new(),
            published: HashSet::new(),
            loading: None,
            generation: 0,
            reload_wanted: false,
            job: None,
            in_flight: HashMap::new(),
            progress_token: progress.then(|| NumberOrString::String("sqlwarden/index".into())),
            progress_sent: 0,
            watch_files,
            shutting_down: false,
            next_request: 0,
            republish_all: false,
            pending_edits: Vec::new(),
            edit_log: HashMap::new(),
            last_edit: None,
            hold: None,
            timing: std::env::var_os("SQLWARDEN_LSP_TIMING").map(|_| Timing::default()),
        }
    }

    /// After `initialize`: register the file watcher and start the first index.
    fn start(&mut self) {
        if self.watch_files {
            let watchers: Vec<Value> = [
                "**/*.sql",
                "**/*.sqlproj",
                "**/*.cs",
                "**/*.csproj",
                "**/sqlwarden.toml",
            ]
            .iter()
            .map(|glob| serde_json::json!({ "globPattern": glob }))
            .collect();
            let registration = serde_json::json!({
                "registrations": [{
                    "id": "sqlwarden-watched-files",
                    "method": notif::DidChangeWatchedFiles::METHOD,
                    "registerOptions": { "watchers": watchers },
                }]
            });
            self.request(req::RegisterCapability::METHOD, registration);
        }
        if let Some(token) = self.progress_token.clone() {
            self.request(
                req::WorkDoneProgressCreate::METHOD,
                serde_json::json!({ "token": token }),
            );
            self.progress(WorkDoneProgress::Begin(WorkDoneProgressBegin {
                title: "sqlwarden: indexing".to_owned(),
                cancellable: Some(false),
                message: Some("finding projects".to_owned()),
                percentage: Some(0),
            }));
        }
        self.reload();
    }

    fn main_loop(&mut self, connection: &Connection) -> Result<Ended, String> {
        let receiver = connection.receiver.clone();
        let tasks = self.tasks.1.clone();
        loop {
            let idle = match &self.hold {
                Some(hold) => {
                    crossbeam_channel::after(hold::IDLE.saturating_sub(hold.last_edit.elapsed()))
                }
                None => crossbeam_channel::never(),
            };
            let first = select! {
                recv(receiver) -> message => match message {
                    Ok(message) => Event::Client(message),
                    // The client closed stdin: nothing more will come.
                    Err(_) => return Ok(Ended::InputClosed),
                },
                recv(tasks) -> task => match task {
                    Ok(task) => Event::Task(task),
                    Err(_) => return Ok(Ended::InputClosed),
                },
                recv(idle) -> _ => Event::Idle,
            };
            // Everything already waiting is read at once, so that a burst of keystrokes
            // becomes one analysis and a cancellation can catch a request still queued.
            // The batch is bounded, so that a client that floods the server cannot keep
            // finished work (answers from workers, analyses) waiting for ever.
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH
                && let Ok(message) = receiver.try_recv()
            {
                batch.push(Event::Client(message));
            }
            while let Ok(task) = tasks.try_recv() {
                batch.push(Event::Task(task));
            }
            let cancelled: HashSet<RequestId> = batch
                .iter()
                .filter_map(|event| match event {
                    Event::Client(Message::Notification(n)) if n.method == "$/cancelRequest" => {
                        id_field(&n.params)
                    }
                    _ => None,
                })
                .collect();
            for event in batch {
                // Queued keystrokes reach the host before anything that reads it.
                let is_edit = matches!(
                    &event,
                    Event::Client(Message::Notification(n)) if n.method == notif::DidChangeTextDocument::METHOD
                );
                if !is_edit {
                    self.flush_edits();
                }
                match event {
                    Event::Client(Message::Request(request)) => {
                        if request.method == req::Initialize::METHOD {
                            self.respond(Response::new_err(
                                request.id,
                                ErrorCode::InvalidRequest as i32,
                                "initialize was already sent".to_owned(),
                            ));
                            continue;
                        }
                        if request.method == req::Shutdown::METHOD {
                            self.shutting_down = true;
                            self.respond(Response::new_ok(request.id, Value::Null));
                            continue;
                        }
                        if cancelled.contains(&request.id) {
                            self.respond(Response::new_err(
                                request.id,
                                ErrorCode::RequestCanceled as i32,
                                "cancelled by the client".to_owned(),
                            ));
                            continue;
                        }
                        if self.shutting_down {
                            self.respond(Response::new_err(
                                request.id,
                                ErrorCode::InvalidRequest as i32,
                                "the server is shutting down".to_owned(),
                            ));
                            continue;
                        }
                        self.on_request(request);
                    }
                    Event::Client(Message::Notification(notification)) => {
                        if notification.method == notif::Exit::METHOD {
                            return Ok(if self.shutting_down {
                                Ended::Shutdown
                            } else {
                                Ended::ExitWithoutShutdown
                            });
                        }
                        self.on_notification(notification);
                    }
                    Event::Client(Message::Response(response)) => {
                        if let Some(error) = response.error {
                            log(&format!(
                                "the client refused request {}: {}",
                                response.id, error.message
                            ));
                        }
                    }
                    Event::Task(task) => self.on_task(task),
                    Event::Idle => self.release_hold(),
                }
            }
            self.flush_edits();
            self.schedule();
        }
    }

    fn send(&self, message: Message) {
        // The writer thread only stops when the client is gone; then there is no one to
        // tell.
        let _ = self.sender.send(message);
    }

    fn respond(&self, response: Response) {
        self.send(Message::Response(response));
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        match serde_json::to_value(params) {
            Ok(params) => self.send(Message::Notification(Notification::new(
                method.to_owned(),
                params,
            ))),
            Err(error) => log(&format!("cannot encode {method}: {error}")),
        }
    }

    fn request(&mut self, method: &str, params: Value) {
        self.next_request += 1;
        let id = RequestId::from(format!("sqlwarden-{}", self.next_request));
        self.send(Message::Request(Request::new(
            id,
            method.to_owned(),
            params,
        )));
    }

    fn progress(&self, value: WorkDoneProgress) {
        if let Some(token) = &self.progress_token {
            self.notify(
                notif::Progress::METHOD,
                ProgressParams {
                    token: token.clone(),
                    value: ProgressParamsValue::WorkDone(value),
                },
            );
        }
    }

    // ----- ground state: loading and edits -----

    /// Loads the projects under the workspace folders again, on a worker, with the open
    /// documents as overlays. A reload asked for while one runs waits for it.
    fn reload(&mut self) {
        if self.loading.is_some() {
            self.reload_wanted = true;
            return;
        }
        self.generation += 1;
        let generation = self.generation;
        self.loading = Some(generation);
        let overlays: BTreeMap<PathBuf, String> = self
            .documents
            .values()
            .map(|d| (d.path.clone(), d.text.clone()))
            .collect();
        let overlaid: HashSet<PathBuf> = overlays.keys().cloned().collect();
        let settings = self.settings.clone();
        let roots = self.roots.clone();
        let sender = self.tasks.0.clone();
        let first = self.host.is_none() && self.progress_token.is_some();
        // What is loaded now: unchanged files keep their parses.
        let reuse = self
            .host
            .as_ref()
            .map(|host| std::sync::Arc::new(host.workspace().clone()));
        std::thread::spawn(move || {
            let started = Instant::now();
            let progress_sender = sender.clone();
            let progress = first.then(|| {
                Progress::new(move |done, total| {
                    let _ = progress_sender.send(Task::Progress(done, total));
                })
            });
            let options = LoadOptions {
                variables: settings.variables.into_iter().collect(),
                overlays,
                default_schema: settings.default_schema.filter(|s| !s.trim().is_empty()),
                config: settings.config_file,
                encoding: settings.encoding,
                select: settings.select,
                ignore: settings.ignore,
                progress,
                reuse,
                ..LoadOptions::default()
            };
            let loaded = if roots.is_empty() {
                Ok(Workspace::default())
            } else {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    analysis::load::load(&roots, &options)
                }));
                result.unwrap_or_else(|_| {
                    Err(LoadError::Usage(
                        "loading the workspace failed; please report it".to_owned(),
                    ))
                })
            };
            let _ = sender.send(Task::Loaded(Box::new(Loaded {
                generation,
                workspace: loaded,
                started,
                overlaid,
            })));
        });
    }

    fn on_loaded(&mut self, loaded: Loaded) {
        let Loaded {
            generation,
            workspace,
            started,
            overlaid,
        } = loaded;
        if self.loading == Some(generation) {
            self.loading = None;
        }
        let workspace = match workspace {
            Ok(workspace) => workspace,
            Err(error) => {
                // A bad configuration file: say so, keep what was there.
                log(&error.to_string());
                self.notify(
                    notif::ShowMessage::METHOD,
                    lsp_types::ShowMessageParams {
                        typ: lsp_types::MessageType::ERROR,
                        message: format!("sqlwarden: {error}"),
                    },
                );
                if self.host.is_none() {
                    self.host = Some(Host::new(Workspace::default()));
                }
                self.end_progress();
                return;
            }
        };
        log(&format!(
            "loaded {} files in {} projects in {:.0?}",
            workspace.files.len(),
            workspace.projects.len(),
            started.elapsed()
        ));
        let mut host = Host::new(workspace);
        // Documents changed while the load ran: their newest text wins.
        for document in self.documents.values() {
            if let Some(file) = host.workspace().files.find(&document.path) {
                if host.workspace().files.get(file).text != document.text
                    && host.set_text(file, document.text.clone()) == Edited::NeedsReload
                {
                    self.reload_wanted = true;
                }
            } else if self.inside_roots(&document.path) && !overlaid.contains(&document.path) {
                // Opened while the load ran: load again with it.
                self.reload_wanted = true;
            }
        }
        self.host = Some(host);
        self.snapshot = None;
        // A new host numbers files anew: what was published must be judged again.
        self.republish_all = true;
        if self.reload_wanted {
            self.reload_wanted = false;
            self.reload();
        }
    }

    fn inside_roots(&self, path: &Path) -> bool {
        self.roots.iter().any(|root| path.starts_with(root))
    }

    fn end_progress(&mut self) {
        if self.progress_token.is_some() {
            self.progress(WorkDoneProgress::End(WorkDoneProgressEnd {
                message: Some("indexed".to_owned()),
            }));
            self.progress_token = None;
        }
    }

    fn on_task(&mut self, task: Task) {
        match task {
            Task::Progress(done, total) => {
                // A report per 2% is plenty for a progress bar.
                let step = (total / 50).max(1);
                if self.progress_token.is_some()
                    && (done == total || done >= self.progress_sent + step)
                {
                    self.progress_sent = done;
                    self.progress(WorkDoneProgress::Report(WorkDoneProgressReport {
                        cancellable: Some(false),
                        message: Some(format!("{done}/{total} files parsed")),
                        percentage: Some((done * 100 / total.max(1)) as u32),
                    }));
                }
            }
            Task::Loaded(loaded) => self.on_loaded(*loaded),
            Task::Analyzed(result) => self.on_analyzed(*result),
            Task::Answered(id, revision, response) => {
                let Some(cancelled) = self.in_flight.remove(&id) else {
                    return;
                };
                let current = self.host.as_ref().map_or(0, Host::revision);
                let response = if cancelled {
                    Response::new_err(
                        id,
                        ErrorCode::RequestCanceled as i32,
                        "cancelled by the client".to_owned(),
                    )
                } else if revision != current {
                    Response::new_err(
                        id,
                        ErrorCode::ContentModified as i32,
                        "the text changed while the answer was computed".to_owned(),
                    )
                } else {
                    response
                };
                self.respond(response);
            }
        }
    }

    /// Starts an analysis job when the ground state is ahead of the findings and none
    /// runs.
    fn schedule(&mut self) {
        if self.job.is_some() || self.loading.is_some() {
            return;
        }
        let Some(host) = &self.host else {
            return;
        };
        if !host.is_dirty() {
            if self.republish_all {
                self.republish_all = false;
                self.publish_everything();
            }
            return;
        }
        let job = host.job();
        self.job = Some(job.revision());
        if let Some(timing) = &mut self.timing {
            timing.started = Some(Instant::now());
        }
        let sender = self.tasks.0.clone();
        std::thread::spawn(move || {
            let revision = job.revision();
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job.run())) {
                Ok(result) => {
                    let _ = sender.send(Task::Analyzed(Box::new(result)));
                }
                Err(_) => {
                    log(&format!(
                        "the analysis of revision {revision} failed; please report it"
                    ));
                }
            }
        });
    }

    fn on_analyzed(&mut self, result: JobResult) {
        self.job = None;
        let Some(host) = &mut self.host else {
            return;
        };
        // What the file typed in last showed before this analysis, for a hold.
        let before = self
            .last_edit
            .map(|(file, _)| host.diagnostics(file).to_vec())
            .unwrap_or_default();
        // A stale result is dropped: the next `schedule` analyses the current revision.
        let Ok(changed) = host.apply(result) else {
            return;
        };
        if let Some(timing) = self.timing.take() {
            let now = Instant::now();
            let since = |t: Option<Instant>| t.map_or(0.0, |t| (now - t).as_secs_f64() * 1000.0);
            log(&format!(
                "analysis: {:.1} ms after the edit, of which the job {:.1} ms",
                since(timing.edited),
                since(timing.started)
            ));
            self.timing = Some(Timing::default());
        }
        self.snapshot = None;
        let log = std::mem::take(&mut self.edit_log);
        if self.republish_all {
            self.republish_all = false;
            self.hold = None;
            self.publish_everything();
            self.end_progress();
            return;
        }
        let typing = self
            .last_edit
            .filter(|(file, edit)| {
                let text = &host.workspace().files.get(*file).text;
                hold::fresh_error(host.diagnostics(*file), text, *edit)
            })
            .map(|(file, _)| file);
        match typing {
            Some(file) => {
                if self.hold.as_ref().is_some_and(|h| h.file != file) {
                    self.release_hold();
                }
                let hold = self
                    .hold
                    .get_or_insert_with(|| hold::Hold::new(file, before));
                hold.extend(log.get(&file).map_or(&[][..], Vec::as_slice));
                hold.pending
                    .extend(changed.iter().copied().filter(|&f| f != file));
                self.publish(file);
            }
            None => {
                let held = self.hold.take();
                let mut files: std::collections::BTreeSet<FileId> = changed.into_iter().collect();
                if let Some(held) = held {
                    files.insert(held.file);
                    files.extend(held.pending);
                }
                for file in files {
                    self.publish(file);
                }
            }
        }
        self.end_progress();
    }

    /// Ends a hold: every deferred file, and the held one, as the analysis says.
    fn release_hold(&mut self) {
        let Some(held) = self.hold.take() else {
            return;
        };
        self.publish(held.file);
        for file in held.pending {
            self.publish(file);
        }
    }

    /// Notes an edit of a file, for holds: the log since the last analysis, and the
    /// latest edit.
    fn log_edits(&mut self, file: FileId, edits: &[hold::Edit]) {
        if let Some(timing) = &mut self.timing {
            timing.edited.get_or_insert_with(Instant::now);
        }
        if let Some(hold) = &mut self.hold {
            if hold.file == file {
                hold.last_edit = Instant::now();
            } else {
                self.release_hold();
            }
        }
        self.edit_log
            .entry(file)
            .or_default()
            .extend_from_slice(edits);
        if let Some(&last) = edits.last() {
            self.last_edit = Some((file, last));
        }
    }

    /// Publishes one file's findings, with the version of its open document.
    fn publish(&mut self, file: FileId) {
        let Some(host) = &self.host else {
            return;
        };
        let source = host.workspace().files.get(file);
        let Some(uri) = convert::url(&source.absolute) else {
            return;
        };
        let held;
        let shown = match &self.hold {
            Some(hold) if hold.file == file => {
                held = hold.merge(host.diagnostics(file));
                held.as_slice()
            }
            _ => host.diagnostics(file),
        };
        let diagnostics: Vec<lsp_types::Diagnostic> = shown
            .iter()
            .map(|d| convert::diagnostic(d, &host.workspace().files, self.encoding))
            .collect();
        let version = self.documents.get(&uri).map(|d| d.version);
        if diagnostics.is_empty() {
            // A file that never had findings needs no empty list, unless it is open: the
            // editor then learns that its new version has none.
            if !self.published.remove(&uri) && version.is_none() {
                return;
            }
        } else {
            self.published.insert(uri.clone());
        }
        self.notify(
            notif::PublishDiagnostics::METHOD,
            PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            },
        );
    }

    /// After a reload: every file with findings, and an empty list for every URL that
    /// had findings and has none now.
    fn publish_everything(&mut self) {
        let Some(host) = &self.host else {
            return;
        };
        let files: Vec<FileId> = host.files_with_diagnostics().collect();
        let now: HashSet<Url> = files
            .iter()
            .filter_map(|&f| convert::url(&host.workspace().files.get(f).absolute))
            .collect();
        let gone: Vec<Url> = self.published.difference(&now).cloned().collect();
        for uri in gone {
            self.published.remove(&uri);
            let version = self.documents.get(&uri).map(|d| d.version);
            self.notify(
                notif::PublishDiagnostics::METHOD,
                PublishDiagnosticsParams {
                    uri,
                    diagnostics: Vec::new(),
                    version,
                },
            );
        }
        for file in files {
            self.publish(file);
        }
    }
}

/// The `id` field of a JSON object (a message, or the params of a `$/cancelRequest`),
/// when it is one a request id can be: a number that fits an `i32`, or a string.
fn id_field(value: &Value) -> Option<RequestId> {
    match value.get("id")? {
        Value::Number(n) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(RequestId::from),
        Value::String(s) => Some(RequestId::from(s.clone())),
        _ => None,
    }
}

/// Decodes a message's params, or says why not.
fn params<P: DeserializeOwned>(value: Value) -> Result<P, String> {
    serde_json::from_value(value).map_err(|e| e.to_string())
}
