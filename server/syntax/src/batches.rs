//! Where the `GO` batches of a script begin and end, found lexically.
//!
//! `GO` is not T-SQL: sqlcmd and SSMS split the script at lines that hold only `GO`
//! (optionally a repeat count and a trailing `--` comment) and send each batch to the
//! server on its own. A `GO` inside a block comment or a string is not a separator, so
//! the scan follows comments (which nest), strings and quoted names across lines.

use crate::TextRange;

/// The batches of `text`, in order, covering it completely. Each batch ends after its
/// `GO` line (line break included), as the grammar's `batch` node does.
pub fn batch_ranges(text: &str) -> Vec<TextRange> {
    let bytes = text.as_bytes();
    let mut ranges = Vec::new();
    let mut batch_start = 0;
    let mut state = State::Code;
    let mut line_start = 0;
    let mut i = 0;
    while i <= bytes.len() {
        let at_end = i == bytes.len();
        if at_end || bytes[i] == b'\n' {
            let line_end = if at_end { i } else { i + 1 };
            if state_at_line_start(&state) && is_go_line(&text[line_start..i]) {
                ranges.push(TextRange::new(batch_start, line_end));
                batch_start = line_end;
            }
            if at_end {
                break;
            }
            line_start = line_end;
            // A `--` comment ends with its line.
            if state == State::LineComment {
                state = State::Code;
            }
            i += 1;
            continue;
        }
        let next = bytes.get(i + 1).copied();
        match state {
            State::Code => match (bytes[i], next) {
                (b'-', Some(b'-')) => {
                    state = State::LineComment;
                    i += 1;
                }
                (b'/', Some(b'*')) => {
                    state = State::BlockComment(1);
                    i += 1;
                }
                (b'\'', _) => state = State::Quoted(b'\''),
                (b'"', _) => state = State::Quoted(b'"'),
                (b'[', _) => state = State::Quoted(b']'),
                _ => {}
            },
            State::LineComment => {}
            State::BlockComment(depth) => match (bytes[i], next) {
                (b'/', Some(b'*')) => {
                    state = State::BlockComment(depth + 1);
                    i += 1;
                }
                (b'*', Some(b'/')) => {
                    state = if depth == 1 {
                        State::Code
                    } else {
                        State::BlockComment(depth - 1)
                    };
                    i += 1;
                }
                _ => {}
            },
            State::Quoted(close) => {
                if bytes[i] == close {
                    // A doubled closing character stands for itself.
                    if next == Some(close) {
                        i += 1;
                    } else {
                        state = State::Code;
                    }
                }
            }
        }
        i += 1;
    }
    if batch_start < text.len() || ranges.is_empty() {
        ranges.push(TextRange::new(batch_start, text.len()));
    }
    ranges
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Code,
    LineComment,
    BlockComment(u32),
    Quoted(u8),
}

/// A line can be a separator only when it starts outside comments and strings; a line
/// comment that began on the line itself is allowed (`GO -- next`).
fn state_at_line_start(state: &State) -> bool {
    matches!(state, State::Code | State::LineComment)
}

pub(crate) fn is_go_line(line: &str) -> bool {
    let line = line.trim();
    let line = match line.find("--") {
        Some(comment) => line[..comment].trim_end(),
        None => line,
    };
    let Some(rest) = line.get(..2).filter(|go| go.eq_ignore_ascii_case("go")) else {
        return false;
    };
    let count = line[rest.len()..].trim();
    count.is_empty() || count.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::batch_ranges;

    fn batches(text: &str) -> Vec<&str> {
        batch_ranges(text)
            .into_iter()
            .map(|r| &text[r.as_range()])
            .collect()
    }

    #[test]
    fn splits_at_go_lines_only() {
        assert_eq!(
            batches("SELECT 1\nGO\nSELECT 2\n  go 5  \nSELECT 3"),
            ["SELECT 1\nGO\n", "SELECT 2\n  go 5  \n", "SELECT 3"]
        );
        assert_eq!(
            batches("SELECT 1\r\nGO -- done\r\n"),
            ["SELECT 1\r\nGO -- done\r\n"]
        );
        // `GOTO`, `GO` after code and `GO` inside comments or strings do not split.
        assert_eq!(batches("GOTO x\nSELECT 1 GO\n").len(), 1);
        assert_eq!(batches("/* a /* b */\nGO\n*/ SELECT 1\n").len(), 1);
        assert_eq!(batches("SELECT 'it''s\nGO\n'\n").len(), 1);
        assert_eq!(batches("SELECT [a\nGO\n]\n").len(), 1);
        assert_eq!(batches("-- GO\nGO\nx").len(), 2);
        assert_eq!(batches(""), [""]);
    }
}
