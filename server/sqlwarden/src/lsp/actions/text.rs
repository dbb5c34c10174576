//! Small facts about a file's text that the fixers need to insert whole lines: its line
//! ending, where lines start, their indentation, and `GO` separators.

/// The file's own line ending: CRLF when it uses one, else LF.
pub fn eol(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// The offset where the line holding `offset` starts.
pub fn line_start(text: &str, offset: usize) -> usize {
    let offset = floor(text, offset);
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// The offset where the line after the one holding `offset` starts, when there is one.
pub fn next_line_start(text: &str, offset: usize) -> Option<usize> {
    let offset = floor(text, offset);
    text[offset..].find('\n').map(|i| offset + i + 1)
}

/// The text of the line holding `offset`, without its line ending.
pub fn line(text: &str, offset: usize) -> &str {
    let start = line_start(text, offset);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    text[start..end].trim_end_matches('\r')
}

/// The whitespace that starts the line holding `offset`.
pub fn indentation(text: &str, offset: usize) -> &str {
    let line = line(text, offset);
    &line[..line.len() - line.trim_start().len()]
}

/// True when only whitespace stands between the start of its line and `offset`.
pub fn starts_line(text: &str, offset: usize) -> bool {
    let offset = floor(text, offset);
    text[line_start(text, offset)..offset].trim().is_empty()
}

/// A `GO` batch separator line: `GO`, optionally a count, optionally a comment.
pub fn is_go_line(line: &str) -> bool {
    let line = line.trim();
    let line = line.split("--").next().unwrap_or("").trim();
    let mut words = line.split_whitespace();
    words.next().is_some_and(|w| w.eq_ignore_ascii_case("GO"))
        && words
            .next()
            .is_none_or(|count| count.chars().all(|c| c.is_ascii_digit()))
        && words.next().is_none()
}

/// An edit that puts `content` on a line of its own after the line holding `offset`, with
/// the file's line ending; at the end of a file without a final line break, the break
/// goes before it instead.
pub fn insert_line_after(text: &str, offset: usize, content: &str) -> (usize, String) {
    let eol = eol(text);
    match next_line_start(text, offset) {
        Some(at) => (at, format!("{content}{eol}")),
        None => (text.len(), format!("{eol}{content}")),
    }
}

/// The same word in the case of `like`: lower case when `like` is all lower case.
pub fn in_case_of(word: &str, like: &str) -> String {
    if like.chars().any(|c| c.is_ascii_uppercase()) {
        word.to_ascii_uppercase()
    } else {
        word.to_ascii_lowercase()
    }
}

/// `offset` clamped into the text and moved back onto a character boundary, so that a
/// range from a stale or odd source never panics on slicing.
fn floor(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_lines_are_recognised_with_counts_and_comments() {
        assert!(is_go_line("GO"));
        assert!(is_go_line("  go 2 "));
        assert!(is_go_line("GO -- end of the batch"));
        assert!(!is_go_line("GOTO x"));
        assert!(!is_go_line("GO x"));
    }

    #[test]
    fn a_line_is_inserted_with_the_files_own_line_ending() {
        assert_eq!(
            insert_line_after("A;\r\nGO\r\n", 0, "B;"),
            (4, "B;\r\n".to_owned())
        );
        assert_eq!(insert_line_after("A;", 0, "B;"), (2, "\nB;".to_owned()));
    }
}
