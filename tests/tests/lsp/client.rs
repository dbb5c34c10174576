//! A language client for tests: it drives `sqlwarden::lsp::serve` over an in-memory
//! connection, answers the server's own requests, and keeps the latest diagnostics
//! published for each URL.

use std::collections::HashMap;
use std::path::Path;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Client {
    connection: Connection,
    server: Option<JoinHandle<Result<(), String>>>,
    next_id: i32,
    /// Every notification received, in order.
    pub notifications: Vec<Notification>,
    /// Requests the server sent to the client.
    pub server_requests: Vec<Request>,
    /// The latest publishDiagnostics params by URL.
    pub diagnostics: HashMap<String, Value>,
    /// Responses that arrived while waiting for another.
    responses: HashMap<RequestId, Response>,
    /// What the server answered to `initialize`.
    pub initialize_result: Value,
}

/// The `file://` URL of a path.
pub fn url(path: &Path) -> String {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    format!("file://{}", path.display())
}

impl Client {
    /// Starts a server on `root` with the given client capabilities and initialization
    /// options, and completes the handshake.
    pub fn start(root: &Path, capabilities: Value, options: Value) -> Client {
        let (server_side, client_side) = Connection::memory();
        let server = std::thread::spawn(move || sqlwarden::lsp::serve(server_side));
        Client::from_connection(
            client_side,
            server,
            json!({
                "processId": null,
                "rootUri": url(root),
                "workspaceFolders": [{ "uri": url(root), "name": "root" }],
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        )
    }

    /// Completes the handshake with `initialize` params of the test's own.
    pub fn from_connection(
        client_side: Connection,
        server: JoinHandle<Result<(), String>>,
        initialize: Value,
    ) -> Client {
        let mut client = Client {
            connection: client_side,
            server: Some(server),
            next_id: 0,
            notifications: Vec::new(),
            server_requests: Vec::new(),
            diagnostics: HashMap::new(),
            responses: HashMap::new(),
            initialize_result: Value::Null,
        };
        let result = client.request("initialize", initialize);
        assert!(result.error.is_none(), "initialize failed: {result:?}");
        client.initialize_result = result.result.unwrap_or(Value::Null);
        client.notify("initialized", json!({}));
        client
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(Message::Notification(Notification::new(
            method.to_owned(),
            params,
        )));
    }

    pub fn send(&mut self, message: Message) {
        self.connection
            .sender
            .send(message)
            .expect("the server is running");
    }

    /// Sends a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> RequestId {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Message::Request(Request::new(
            id.clone(),
            method.to_owned(),
            params,
        )));
        id
    }

    pub fn request(&mut self, method: &str, params: Value) -> Response {
        let id = self.send_request(method, params);
        self.response(&id)
    }

    /// Waits for the response to a request sent earlier.
    pub fn response(&mut self, id: &RequestId) -> Response {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(response) = self.responses.remove(id) {
                return response;
            }
            assert!(Instant::now() < deadline, "no response to {id:?}");
            self.receive_one(deadline);
        }
    }

    fn receive_one(&mut self, deadline: Instant) -> bool {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.connection.receiver.recv_timeout(left) {
            Ok(Message::Response(response)) => {
                self.responses.insert(response.id.clone(), response);
                true
            }
            Ok(Message::Notification(notification)) => {
                if notification.method == "textDocument/publishDiagnostics" {
                    let uri = notification.params["uri"].as_str().unwrap_or("").to_owned();
                    self.diagnostics.insert(uri, notification.params.clone());
                }
                self.notifications.push(notification);
                true
            }
            Ok(Message::Request(request)) => {
                // The client accepts what the server asks (watchers, progress tokens).
                let response = Response::new_ok(request.id.clone(), Value::Null);
                self.server_requests.push(request);
                self.send(Message::Response(response));
                true
            }
            Err(_) => false,
        }
    }

    /// Reads messages until `done` holds for the client's state.
    pub fn wait_until(&mut self, what: &str, mut done: impl FnMut(&Client) -> bool) {
        let deadline = Instant::now() + TIMEOUT;
        while !done(self) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            self.receive_one(deadline);
        }
    }

    /// Reads whatever arrives for `quiet` (to see that nothing more comes).
    pub fn drain(&mut self, quiet: Duration) {
        let deadline = Instant::now() + quiet;
        while Instant::now() < deadline && self.receive_one(deadline) {}
    }

    /// The codes published for a file, with their 0-based lines, sorted.
    pub fn codes(&self, uri: &str) -> Vec<(String, u64)> {
        let mut out: Vec<(String, u64)> = self
            .diagnostics
            .get(uri)
            .and_then(|p| p["diagnostics"].as_array())
            .map(|list| {
                list.iter()
                    .map(|d| {
                        (
                            d["code"].as_str().unwrap_or("").to_owned(),
                            d["range"]["start"]["line"].as_u64().unwrap_or(0),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out
    }

    /// The version the latest publish for a file carried.
    pub fn version(&self, uri: &str) -> Option<i64> {
        self.diagnostics
            .get(uri)
            .and_then(|p| p["version"].as_i64())
    }

    /// `shutdown` then `exit`; the server must end cleanly.
    pub fn shutdown(mut self) {
        let response = self.request("shutdown", Value::Null);
        assert!(response.error.is_none(), "{response:?}");
        self.notify("exit", Value::Null);
        let server = self.server.take().expect("running");
        let result = server.join().expect("the server thread did not panic");
        assert_eq!(result, Ok(()));
    }

    /// Ends the server by closing the connection, as a client that dies does.
    pub fn close(mut self) -> Result<(), String> {
        let server = self.server.take().expect("running");
        drop(self.connection);
        server.join().expect("the server thread did not panic")
    }
}
