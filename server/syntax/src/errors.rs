//! Syntax errors from a tree: one per error region, never a cascade.
//!
//! tree-sitter marks text it skipped with `ERROR` nodes and tokens it invented with
//! zero-width "missing" nodes. A single typo can produce several of them side by side,
//! so regions that overlap or touch (with only whitespace between) merge into one error,
//! named after the first thing that went wrong.

use tree_sitter::Node;

use crate::{SyntaxError, TextRange};

/// Collects the error regions under `root`, merged, in text order.
pub(crate) fn collect(root: Node<'_>, text: &str) -> Vec<SyntaxError> {
    let mut raw = Vec::new();
    if root.has_error() {
        gather(root, text, &mut raw);
    }
    // The comment scanner accepts a block comment that never closes (it runs to the end
    // of the file, so it is the last token); SQL Server rejects it.
    if let Some(last) = root.descendant_for_byte_range(text.len().saturating_sub(1), text.len())
        && last.kind() == "marginalia"
        && let Some(comment) = text.get(last.byte_range())
        && let Some((_, "comment")) = unterminated(comment)
    {
        raw.push(SyntaxError {
            range: TextRange::new(last.start_byte(), last.end_byte()),
            message: "unterminated comment".to_owned(),
        });
    }
    merge(raw, text)
}

/// Sorts errors and merges those that overlap or touch (with only whitespace between)
/// into one, named after the first.
pub(crate) fn merge(mut raw: Vec<SyntaxError>, text: &str) -> Vec<SyntaxError> {
    raw.sort_by_key(|error: &SyntaxError| (error.range.start(), error.range.end()));
    let mut merged: Vec<SyntaxError> = Vec::new();
    for error in raw {
        if let Some(last) = merged.last_mut() {
            let gap = text
                .get(last.range.end()..error.range.start())
                .unwrap_or("");
            if error.range.start() <= last.range.end() || gap.trim().is_empty() {
                last.range = last.range.cover(error.range);
                continue;
            }
        }
        merged.push(error);
    }
    merged
}

fn gather(node: Node<'_>, text: &str, out: &mut Vec<SyntaxError>) {
    crate::deep(|| {
        if node.is_missing() {
            out.push(SyntaxError {
                range: TextRange::new(node.start_byte(), node.end_byte()),
                message: format!("missing {}", describe_kind(node.kind())),
            });
            return;
        }
        if node.is_error() {
            out.push(error_region(node, text));
            return;
        }
        let before = out.len();
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if child.has_error() || child.is_missing() {
                gather(child, text, out);
            }
        }
        if out.len() == before && node.has_error() {
            // A missing token that the grammar hides inside a visible node (an identifier
            // whose word is missing) shows only as an error on that node.
            out.push(SyntaxError {
                range: TextRange::new(node.start_byte(), node.end_byte()),
                message: format!("missing {}", describe_kind(node.kind())),
            });
        }
    })
}

/// The message for an `ERROR` node: what it starts with, or what was left open.
pub(crate) fn error_region(node: Node<'_>, text: &str) -> SyntaxError {
    let mut range = TextRange::new(node.start_byte(), node.end_byte());
    let region = text.get(node.byte_range()).unwrap_or("");
    let rest = text.get(node.start_byte()..).unwrap_or("");
    let message = match unterminated(rest).filter(|(at, _)| *at < region.len().max(1)) {
        Some((at, what)) => {
            // Point at the opening quote, not at the statement it swallowed.
            range = range.with_start(range.start() + at);
            format!("unterminated {what}")
        }
        None => match first_token(region) {
            Some(token) => format!("unexpected `{token}`"),
            None => "unexpected end of input".to_owned(),
        },
    };
    SyntaxError { range, message }
}

/// Where the text, read from an error region's start to the end of the file, leaves a
/// string, quoted name or block comment open, and what it is.
pub(crate) fn unterminated(rest: &str) -> Option<(usize, &'static str)> {
    let bytes = rest.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        let opened = index;
        match bytes[index] {
            b'\'' | b'[' | b'"' => {
                let (close, what) = match bytes[index] {
                    b'\'' => (b'\'', "string"),
                    b'[' => (b']', "quoted name"),
                    _ => (b'"', "quoted name"),
                };
                index += 1;
                loop {
                    match bytes.get(index) {
                        None => return Some((opened, what)),
                        Some(&c) if c == close => {
                            // A doubled closing quote stands for itself.
                            if bytes.get(index + 1) == Some(&close) {
                                index += 2;
                                continue;
                            }
                            break;
                        }
                        Some(_) => index += 1,
                    }
                }
            }
            b'-' if bytes.get(index + 1) == Some(&b'-') => {
                while index < bytes.len() && bytes[index] != b'\n' {
                    index += 1;
                }
            }
            b'/' if bytes.get(index + 1) == Some(&b'*') => {
                // Block comments nest in T-SQL.
                let mut depth = 0usize;
                loop {
                    if index >= bytes.len() {
                        return Some((opened, "comment"));
                    }
                    if bytes[index..].starts_with(b"/*") {
                        depth += 1;
                        index += 2;
                    } else if bytes[index..].starts_with(b"*/") {
                        depth -= 1;
                        index += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        index += 1;
                    }
                }
                continue;
            }
            _ => {}
        }
        index += 1;
    }
    None
}

/// The first token of a region, shortened for a message.
pub(crate) fn first_token(region: &str) -> Option<String> {
    let trimmed = region.trim_start();
    let first = trimmed.chars().next()?;
    let token: String = if first.is_alphanumeric() || first == '_' || first == '@' || first == '#' {
        trimmed
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '@' | '#' | '$'))
            .take(40)
            .collect()
    } else {
        first.to_string()
    };
    Some(token)
}

/// A node kind as people say it: keywords in upper case, punctuation quoted as written.
fn describe_kind(kind: &str) -> String {
    match kind {
        "identifier" | "object_reference" | "_identifier" => return "name".to_owned(),
        "literal" => return "value".to_owned(),
        _ => {}
    }
    if let Some(word) = kind.strip_prefix("keyword_") {
        return format!("`{}`", word.to_uppercase());
    }
    if kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return kind.trim_start_matches('_').replace('_', " ");
    }
    format!("`{kind}`")
}
