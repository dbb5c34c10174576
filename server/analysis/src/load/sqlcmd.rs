//! SQLCMD as the loader needs it: the `:r` and `:setvar` lines of a file, and every
//! `$(Name)` reference in it.
//!
//! sqlcmd handles its commands line by line before any T-SQL is parsed: a command is a
//! line whose first non-blank character is `:`, outside a block comment or a string that
//! spans lines. The loader scans the text the same way instead of waiting for the parse,
//! so that the `:r` graph (which decides what files to read) is known before the files are
//! parsed in parallel. Variables are substituted everywhere, comments and strings
//! included, so references are found by a plain scan.

use std::collections::BTreeMap;

use syntax::TextRange;

/// One SQLCMD command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// From the `:` to the end of the line (line break excluded).
    pub range: TextRange,
    pub kind: DirectiveKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DirectiveKind {
    /// `:r path`, with the path as written (quotes removed, variables not substituted).
    Include { path: String },
    /// `:setvar name [value]`, the value's quotes removed.
    SetVar { name: String, value: Option<String> },
}

/// What the scanner is inside of, at the start of a line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Code,
    LineComment,
    BlockComment(u32),
    /// A literal or quoted identifier closed by this byte (`'`, `"` or `]`).
    Quoted(u8),
}

/// The `:r` and `:setvar` lines of a file, in text order.
pub fn directives(text: &str) -> Vec<Directive> {
    scan(text).0
}

/// The comments of a file (`--` to the end of the line, `/* */` nested), in text order.
pub fn comments(text: &str) -> Vec<TextRange> {
    scan(text).1
}

/// One pass over a file: its command lines and its comments.
fn scan(text: &str) -> (Vec<Directive>, Vec<TextRange>) {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut comments = Vec::new();
    let mut comment_start = 0;
    let mut state = State::Code;
    let mut i = 0;
    while i < bytes.len() {
        let line_start = i == 0 || bytes[i - 1] == b'\n';
        if line_start && state == State::Code {
            let mut j = i;
            while j < bytes.len() && matches!(bytes[j], b' ' | b'\t') {
                j += 1;
            }
            if bytes.get(j) == Some(&b':') {
                let end = text[j..].find('\n').map_or(bytes.len(), |n| j + n);
                let mut line_end = end;
                while line_end > j && bytes[line_end - 1] == b'\r' {
                    line_end -= 1;
                }
                if let Some(kind) = command(&text[j + 1..line_end]) {
                    out.push(Directive {
                        range: TextRange::new(j, line_end),
                        kind,
                    });
                }
                // A command line is not T-SQL: a quote in a path opens no string.
                i = end;
                continue;
            }
        }
        // Most bytes of code change nothing: skip them in a tight loop.
        if state == State::Code && !starts_token(bytes[i]) {
            i += 1;
            while i < bytes.len() && !starts_token(bytes[i]) {
                i += 1;
            }
            continue;
        }
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        match state {
            State::Code => match b {
                b'-' if next == Some(b'-') => {
                    state = State::LineComment;
                    comment_start = i;
                    i += 1;
                }
                b'/' if next == Some(b'*') => {
                    state = State::BlockComment(1);
                    comment_start = i;
                    i += 1;
                }
                b'\'' => state = State::Quoted(b'\''),
                b'"' => state = State::Quoted(b'"'),
                b'[' => state = State::Quoted(b']'),
                _ => {}
            },
            State::LineComment => {
                if b == b'\n' {
                    state = State::Code;
                    comments.push(TextRange::new(comment_start, i));
                }
            }
            State::BlockComment(depth) => {
                if b == b'/' && next == Some(b'*') {
                    state = State::BlockComment(depth + 1);
                    i += 1;
                } else if b == b'*' && next == Some(b'/') {
                    i += 1;
                    state = if depth == 1 {
                        comments.push(TextRange::new(comment_start, i + 1));
                        State::Code
                    } else {
                        State::BlockComment(depth - 1)
                    };
                }
            }
            State::Quoted(close) => {
                if b == close {
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
    // A comment still open at the end of the text runs to its end.
    if matches!(state, State::LineComment | State::BlockComment(_)) {
        comments.push(TextRange::new(comment_start, bytes.len()));
    }
    (out, comments)
}

/// True for a byte that can change the scanner's state in code, or start a line.
fn starts_token(b: u8) -> bool {
    matches!(b, b'-' | b'/' | b'\'' | b'"' | b'[' | b'\n')
}

/// Parses the text after the `:` of a command line.
fn command(line: &str) -> Option<DirectiveKind> {
    let word_end = line
        .find(|c: char| c.is_ascii_whitespace())
        .unwrap_or(line.len());
    let (word, rest) = line.split_at(word_end);
    let rest = rest.trim();
    if word.eq_ignore_ascii_case("r") {
        let path = unquote(rest);
        return (!path.is_empty()).then_some(DirectiveKind::Include { path });
    }
    if word.eq_ignore_ascii_case("setvar") {
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let (name, value) = rest.split_at(name_end);
        if name.is_empty() {
            return None;
        }
        let value = value.trim();
        return Some(DirectiveKind::SetVar {
            name: name.to_owned(),
            value: (!value.is_empty()).then(|| unquote(value)),
        });
    }
    None
}

/// Removes the double quotes around a command argument (`""` inside stands for `"`).
fn unquote(text: &str) -> String {
    match text.strip_prefix('"') {
        Some(inner) => {
            let mut out = String::new();
            let mut chars = inner.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        out.push('"');
                    } else {
                        break;
                    }
                } else {
                    out.push(c);
                }
            }
            out
        }
        None => text.to_owned(),
    }
}

/// One `$(Name)` in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VariableRef {
    pub name: String,
    /// From the `$` to the `)`, inclusive.
    pub range: TextRange,
}

/// Every `$(Name)` in a text, wherever it stands.
pub fn variable_refs(text: &str) -> Vec<VariableRef> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find("$(") {
        let start = from + found;
        let name_start = start + 2;
        let mut end = name_start;
        while end < bytes.len() && is_name_byte(bytes[end]) {
            end += 1;
        }
        if end > name_start && bytes.get(end) == Some(&b')') {
            out.push(VariableRef {
                name: text[name_start..end].to_owned(),
                range: TextRange::new(start, end + 1),
            });
            from = end + 1;
        } else {
            from = name_start;
        }
    }
    out
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Variables by upper-cased name: sqlcmd variable names are case-insensitive.
pub type Variables = BTreeMap<String, String>;

/// Replaces every `$(Name)` that `variables` (keyed by upper-cased name) defines; the
/// others stay as written.
pub fn substitute(text: &str, variables: &Variables) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for reference in variable_refs(text) {
        if let Some(value) = variables.get(&reference.name.to_ascii_uppercase()) {
            out.push_str(&text[last..reference.range.start()]);
            out.push_str(value);
            last = reference.range.end();
        }
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<DirectiveKind> {
        directives(text).into_iter().map(|d| d.kind).collect()
    }

    fn include(path: &str) -> DirectiveKind {
        DirectiveKind::Include {
            path: path.to_owned(),
        }
    }

    #[test]
    fn commands_at_line_starts_with_their_ranges() {
        let text =
            "SELECT 1\r\n  :r .\\a b.sql\r\n:SETVAR Role \"app \"\"x\"\"\"\r\n:setvar Empty\r\n";
        let found = directives(text);
        assert_eq!(
            found.iter().map(|d| d.kind.clone()).collect::<Vec<_>>(),
            vec![
                include(".\\a b.sql"),
                DirectiveKind::SetVar {
                    name: "Role".into(),
                    value: Some("app \"x\"".into())
                },
                DirectiveKind::SetVar {
                    name: "Empty".into(),
                    value: None
                },
            ]
        );
        assert_eq!(
            &text[found[0].range.start()..found[0].range.end()],
            ":r .\\a b.sql"
        );
    }

    #[test]
    fn quoted_paths_and_other_commands() {
        assert_eq!(
            kinds(":r \"sub dir/x.sql\"\n:on error exit\n:R y.sql"),
            vec![include("sub dir/x.sql"), include("y.sql")]
        );
        // `:r` alone names nothing; `:rx` is another command.
        assert!(kinds(":r\n:rx a.sql\n").is_empty());
    }

    #[test]
    fn commands_inside_comments_and_strings_are_text() {
        let text = "/* a comment\n:r hidden.sql\n*/\nSELECT 'multi\n:r alsohidden.sql\n';\n-- :r no.sql\nSELECT 1 -- it's\n:r yes.sql\n";
        assert_eq!(kinds(text), vec![include("yes.sql")]);
        let nested = "/* outer /* inner */\n:r hidden.sql\n*/\n:r shown.sql";
        assert_eq!(kinds(nested), vec![include("shown.sql")]);
        // An apostrophe in a command line opens no string.
        assert_eq!(
            kinds(":r it's.sql\n:r next.sql"),
            vec![include("it's.sql"), include("next.sql")]
        );
    }

    #[test]
    fn comment_ranges() {
        let text = "SELECT 1 -- one\r\n/* two /* nested */ still */ x /* open";
        let found: Vec<&str> = comments(text)
            .into_iter()
            .map(|r| &text[r.as_range()])
            .collect();
        assert_eq!(
            found,
            ["-- one\r", "/* two /* nested */ still */", "/* open"]
        );
    }

    #[test]
    fn variable_references_anywhere() {
        let text = "CREATE USER [$(User)] -- $(In_Comment)\nSELECT '$(x-y)', $(, $(unclosed";
        let refs = variable_refs(text);
        let names: Vec<&str> = refs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["User", "In_Comment", "x-y"]);
        assert_eq!(&text[refs[0].range.start()..refs[0].range.end()], "$(User)");
    }

    #[test]
    fn substitution_is_case_insensitive_and_keeps_unknown_names() {
        let mut vars = Variables::new();
        vars.insert("DIR".into(), "scripts".into());
        assert_eq!(
            substitute("$(dir)\\$(Other)\\x.sql", &vars),
            "scripts\\$(Other)\\x.sql"
        );
    }
}
