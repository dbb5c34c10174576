//! The stdio transport: LSP's `Content-Length` framing on stdin and stdout, read and
//! written on two threads. `lsp-server` has one too, but its reader stops at the first
//! frame that is not a JSON-RPC message, and the server must survive anything a client
//! sends: here a bad frame is logged and skipped (a request that can be recognised gets
//! an error reply), and reading goes on.

use std::io::{self, BufRead, Read};
use std::thread::JoinHandle;

use crossbeam_channel::{Sender, unbounded};
use lsp_server::{Connection, ErrorCode, Message, RequestId, Response};
use serde_json::Value;

use super::log;

/// The largest frame read: bigger ones are skipped, never buffered whole.
const MAX_FRAME: usize = 512 * 1024 * 1024;

/// The longest header line kept: the rest of a longer one is read and dropped, so that
/// bytes without a newline never pile up in memory.
const MAX_HEADER_LINE: u64 = 8 * 1024;

/// A connection on stdin and stdout, and the writer's thread.
pub fn stdio() -> (Connection, JoinHandle<()>) {
    let (to_client, outgoing) = unbounded::<Message>();
    let (incoming, from_client) = unbounded::<Message>();
    let writer = std::thread::spawn(move || {
        let stdout = io::stdout();
        let mut stdout = stdout.lock();
        for message in outgoing {
            if message.write(&mut stdout).is_err() {
                // The client is gone; nobody is left to read.
                return;
            }
        }
    });
    let replies = to_client.clone();
    std::thread::spawn(move || {
        let stdin = io::stdin();
        let mut stdin = io::BufReader::new(stdin.lock());
        read_frames(&mut stdin, &incoming, &replies);
    });
    (
        Connection {
            sender: to_client,
            receiver: from_client,
        },
        writer,
    )
}

/// Waits a moment for the writer to finish the message it took last, and flushes.
pub fn flush() {
    std::thread::sleep(std::time::Duration::from_millis(20));
    let _ = io::Write::flush(&mut io::stdout());
}

/// Reads frames until the input ends, sending each message on; bad frames are logged.
pub fn read_frames(
    input: &mut impl BufRead,
    messages: &Sender<Message>,
    replies: &Sender<Message>,
) {
    loop {
        let length = match read_headers(input) {
            Ok(Some(Some(length))) => length,
            Ok(Some(None)) => {
                log("a message without a valid Content-Length header was skipped");
                continue;
            }
            Ok(None) => return,
            Err(error) => {
                log(&format!("cannot read from the client: {error}"));
                return;
            }
        };
        if length > MAX_FRAME {
            log(&format!("a message of {length} bytes was skipped"));
            if io::copy(&mut input.take(length as u64), &mut io::sink()).is_err() {
                return;
            }
            continue;
        }
        let mut body = vec![0; length];
        if input.read_exact(&mut body).is_err() {
            return;
        }
        match parse_message(&body) {
            Ok(message) => {
                let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                if messages.send(message).is_err() || exit {
                    return;
                }
            }
            Err((error, id)) => {
                log(&format!(
                    "a message that is not JSON-RPC was skipped: {error}"
                ));
                // A request whose id can still be read is answered, so the client does
                // not wait for ever.
                if let Some(id) = id {
                    let reply = Response::new_err(
                        id,
                        ErrorCode::InvalidRequest as i32,
                        format!("not a JSON-RPC message: {error}"),
                    );
                    let _ = replies.send(Message::Response(reply));
                }
            }
        }
    }
}

/// A frame's body as a message; else why not, and the id when one can be read. A body
/// with a `method` that is not a string is an invalid request, not a response (which
/// is what `lsp-server` would read it as, since it has an id).
fn parse_message(body: &[u8]) -> Result<Message, (String, Option<RequestId>)> {
    let value: Value = serde_json::from_slice(body).map_err(|e| (e.to_string(), None))?;
    let id = super::id_field(&value);
    if value.get("method").is_some_and(|m| !m.is_string()) {
        return Err(("the method is not a string".to_owned(), id));
    }
    serde_json::from_value::<Message>(value).map_err(|e| (e.to_string(), id))
}

/// Reads one frame's headers: `None` at the end of the input, `Some(None)` when they had
/// no usable `Content-Length`.
fn read_headers(input: &mut impl BufRead) -> io::Result<Option<Option<usize>>> {
    let mut length = None;
    let mut any = false;
    loop {
        let mut line = Vec::new();
        if input
            .by_ref()
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)?
            == 0
        {
            return Ok(None);
        }
        if !line.ends_with(b"\n") {
            // A header line this long (or cut off by the end of the input) is no
            // header: the frame has no usable length.
            input.skip_until(b'\n')?;
            any = true;
            length = None;
            continue;
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if any {
                return Ok(Some(length));
            }
            // Blank lines between frames are tolerated.
            continue;
        }
        any = true;
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn bad_frames_are_skipped_and_reading_goes_on() {
        let input = [
            frame("not json at all"),
            frame("[]"),
            "X-Nonsense: 1\r\n\r\n".to_owned(),
            "Content-Length: many\r\n\r\n".to_owned(),
            // JSON with an id, but neither a request, a response nor a notification.
            frame(r#"{"jsonrpc":"2.0","id":5,"error":"x"}"#),
            // A header line of 1 MB without a newline until its end.
            format!("{}\r\n\r\n", "x".repeat(1 << 20)),
            frame(r#"{"jsonrpc":"2.0","id":6,"method":"shutdown","params":null}"#),
        ]
        .concat();
        let (messages, received) = unbounded();
        let (replies, answered) = unbounded();
        read_frames(&mut io::Cursor::new(input), &messages, &replies);
        let got: Vec<Message> = received.try_iter().collect();
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(matches!(&got[0], Message::Request(r) if r.method == "shutdown"));
        let errors: Vec<Message> = answered.try_iter().collect();
        assert_eq!(
            errors.len(),
            1,
            "the request with a readable id is answered: {errors:?}"
        );
        assert!(matches!(&errors[0], Message::Response(r) if r.id == RequestId::from(5)));
    }
}
