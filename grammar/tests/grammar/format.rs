//! The tree-sitter corpus format: reading test files, normalising S-expressions and printing
//! them the way the tree-sitter CLI does.
//!
//! A corpus file is a sequence of cases. Each case opens with a header (a line of at least three
//! `=`, the title, optional attribute lines such as `:skip` or `:error`, and another line of `=`),
//! then the source, then a divider (a line of at least three `-`; when the body holds several,
//! the longest one, as in the CLI), then the expected tree. The source ends before the newline
//! that precedes the divider.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// One case of a corpus file.
#[derive(Debug, Clone)]
pub struct Case {
    /// The file the case was read from.
    pub file: PathBuf,
    /// The 1-based line of the case's first header line, so a failure can be found quickly.
    pub line: usize,
    pub title: String,
    /// `:skip`: the case documents a known gap and is not compared.
    pub skip: bool,
    /// `:error`: the case asserts only that the tree has an error.
    pub error: bool,
    pub source: String,
    pub expected: String,
    /// The byte range of the expected tree in the file (everything after the divider line up to
    /// the next header), which `UPDATE_CORPUS=1` replaces.
    pub expected_range: Range<usize>,
}

/// Problems in the corpus file itself (not in the grammar).
#[derive(Debug)]
pub struct FormatError {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

/// A line of the file with its byte range (without the line terminator).
struct Line<'a> {
    text: &'a str,
    start: usize,
    /// The byte just after the line terminator.
    next: usize,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let next = if end < text.len() { end + 1 } else { end };
        out.push(Line {
            text: text[start..end].trim_end_matches('\r'),
            start,
            next,
        });
        start = next;
    }
    out
}

fn is_rule(line: &str, ch: char) -> bool {
    line.len() >= 3 && line.chars().all(|c| c == ch)
}

/// Whether a header starts at line `i`: `===`, a title, attribute lines, `===`.
/// Returns the index of the closing `===` line.
fn header_at(lines: &[Line<'_>], i: usize) -> Option<usize> {
    if !is_rule(lines.get(i)?.text, '=') {
        return None;
    }
    let title = lines.get(i + 1)?;
    if title.text.trim().is_empty() || is_rule(title.text, '=') {
        return None;
    }
    let mut j = i + 2;
    while lines.get(j)?.text.starts_with(':') {
        j += 1;
    }
    is_rule(lines.get(j)?.text, '=').then_some(j)
}

/// Reads every case of one corpus file.
pub fn parse_corpus(file: &Path, text: &str) -> Result<Vec<Case>, FormatError> {
    let lines = lines(text);
    let error = |line: usize, message: String| FormatError {
        file: file.to_path_buf(),
        line,
        message,
    };
    let mut headers = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(close) = header_at(&lines, i) {
            headers.push((i, close));
            i = close + 1;
        } else {
            if headers.is_empty() && !lines[i].text.trim().is_empty() {
                return Err(error(i + 1, "text before the first case header".into()));
            }
            i += 1;
        }
    }
    let mut cases = Vec::new();
    for (n, &(open, close)) in headers.iter().enumerate() {
        let body_end_line = headers.get(n + 1).map_or(lines.len(), |h| h.0);
        let title = lines[open + 1].text.trim().to_string();
        let (mut skip, mut is_error) = (false, false);
        for attr in &lines[open + 2..close] {
            match attr.text.trim() {
                ":skip" => skip = true,
                ":error" => is_error = true,
                other => {
                    return Err(error(
                        open + 1,
                        format!("case {title:?}: unsupported attribute {other:?}"),
                    ));
                }
            }
        }
        // The divider is the longest dash line of the body; ties go to the first one.
        let divider = (close + 1..body_end_line)
            .filter(|&l| is_rule(lines[l].text, '-'))
            .max_by_key(|&l| (lines[l].text.len(), std::cmp::Reverse(l)))
            .ok_or_else(|| error(open + 1, format!("case {title:?} has no `---` divider")))?;
        let source_start = lines[close].next;
        let divider_start = lines[divider].start;
        let mut source = &text[source_start..divider_start.max(source_start)];
        // As in the CLI, the newline just before the divider is not part of the source.
        source = source.strip_suffix('\n').unwrap_or(source);
        source = source.strip_suffix('\r').unwrap_or(source);
        let expected_start = lines[divider].next;
        let expected_end = if body_end_line < lines.len() {
            lines[body_end_line].start
        } else {
            text.len()
        };
        cases.push(Case {
            file: file.to_path_buf(),
            line: open + 1,
            title,
            skip,
            error: is_error,
            source: source.to_string(),
            expected: text[expected_start..expected_end].to_string(),
            expected_range: expected_start..expected_end,
        });
    }
    Ok(cases)
}

/// Splits an S-expression into `(`, `)`, quoted atoms and bare atoms.
pub fn tokens(sexp: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = sexp.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' | ')' => out.push(c.to_string()),
            '"' | '\'' => {
                let mut end = sexp.len();
                let mut escaped = false;
                for (i, d) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if d == '\\' {
                        escaped = true;
                    } else if d == c {
                        end = i + d.len_utf8();
                        break;
                    }
                }
                out.push(sexp[start..end].to_string());
            }
            _ => {
                let mut end = sexp.len();
                while let Some(&(i, d)) = chars.peek() {
                    if d.is_whitespace() || d == '(' || d == ')' {
                        end = i;
                        break;
                    }
                    chars.next();
                }
                out.push(sexp[start..end].to_string());
            }
        }
    }
    out
}

/// Lines starting with `;` in an expected tree are comments, as in the CLI.
fn strip_comments(sexp: &str) -> String {
    sexp.lines()
        .filter(|l| !l.trim_start().starts_with(';'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The S-expression with whitespace normalised: one space between atoms, none inside parens.
pub fn normalise(sexp: &str) -> String {
    let mut out = String::new();
    let mut prev_open = true;
    for token in tokens(&strip_comments(sexp)) {
        if token != ")" && !prev_open {
            out.push(' ');
        }
        prev_open = token == "(";
        out.push_str(&token);
    }
    out
}

/// Prints an S-expression as the tree-sitter CLI does: one named node per line, two spaces of
/// indentation per level, a field name on the line of the node it labels.
pub fn pretty(sexp: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut after_field = false;
    let mut prev_open = false;
    for token in tokens(sexp) {
        let is_field = token.ends_with(':') && !token.starts_with(['"', '\'']);
        match token.as_str() {
            "(" => {
                if !out.is_empty() && !after_field {
                    out.push('\n');
                    out.push_str(&"  ".repeat(depth));
                }
                out.push('(');
                depth += 1;
                after_field = false;
                prev_open = true;
                continue;
            }
            ")" => {
                out.push(')');
                depth = depth.saturating_sub(1);
            }
            _ if is_field => {
                out.push('\n');
                out.push_str(&"  ".repeat(depth));
                out.push_str(&token);
                out.push(' ');
                after_field = true;
                prev_open = false;
                continue;
            }
            _ => {
                if !prev_open {
                    out.push(' ');
                }
                out.push_str(&token);
            }
        }
        after_field = false;
        prev_open = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headers_attributes_and_the_longest_divider() {
        let text = "==========\nfirst\n==========\nSELECT 1 -- x\n---\n---------\n(program)\n\n\
                    ===\nsecond\n:skip\n:error\n===\nGO\n---\n\n(program\n  (batch))\n";
        let cases = parse_corpus(Path::new("t.txt"), text).expect("well-formed");
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].title, "first");
        assert_eq!(cases[0].source, "SELECT 1 -- x\n---");
        assert_eq!(normalise(&cases[0].expected), "(program)");
        assert!(!cases[0].skip && !cases[0].error);
        assert_eq!(cases[1].line, 9);
        assert!(cases[1].skip && cases[1].error);
        assert_eq!(cases[1].source, "GO");
        assert_eq!(
            &text[cases[1].expected_range.clone()],
            "\n(program\n  (batch))\n"
        );
    }

    #[test]
    fn rejects_unknown_attributes_and_missing_dividers() {
        assert!(parse_corpus(Path::new("t"), "===\na\n:bogus\n===\nx\n---\n()\n").is_err());
        assert!(parse_corpus(Path::new("t"), "===\na\n===\nx\n").is_err());
        assert!(parse_corpus(Path::new("t"), "stray\n===\na\n===\nx\n---\n").is_err());
    }

    #[test]
    fn normalises_whitespace_and_keeps_quoted_atoms() {
        assert_eq!(
            normalise("( a\n  f: ( b )  (MISSING \")\")\n; a comment\n (UNEXPECTED ' ') )"),
            "(a f: (b) (MISSING \")\") (UNEXPECTED ' '))"
        );
    }

    #[test]
    fn pretty_prints_like_the_cli() {
        assert_eq!(
            pretty("(program (batch (statement (select name: (identifier) (MISSING \";\")))))"),
            "(program\n  (batch\n    (statement\n      (select\n        name: (identifier)\n        (MISSING \";\")))))"
        );
    }
}
