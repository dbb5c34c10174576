//! Property tests (proptest) for the pieces of the syntax layer with laws: the line index
//! (offsets ↔ UTF-8 and UTF-16 positions), name normalisation (quoting, keys, splitting),
//! and the incremental reparse (edit then reparse gives what a parse of the edited text
//! from scratch gives), for the T-SQL and, by its lowering, the C#.

use proptest::prelude::*;
use syntax::names;
use syntax::{LineIndex, TextRange};

/// Text with the characters that break position arithmetic: multi-byte UTF-8, characters
/// outside the BMP (two UTF-16 units), CR, LF and CRLF line ends, tabs.
fn awkward_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("a".to_owned()),
            Just("SELECT ".to_owned()),
            Just("\n".to_owned()),
            Just("\r\n".to_owned()),
            Just("\r".to_owned()),
            Just("\t".to_owned()),
            Just("é".to_owned()),
            Just("名".to_owned()),
            Just("𝄞".to_owned()),
            Just("'".to_owned()),
            "[a-z]{1,4}",
        ],
        0..60,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Every character boundary survives offset → UTF-16 position → offset and offset →
    /// UTF-8 position → offset, and the position's line holds the offset.
    #[test]
    fn line_index_round_trips(text in awkward_text()) {
        let index = LineIndex::new(&text);
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            let utf16 = index.utf16(offset, &text);
            let utf8 = index.utf8(offset);
            prop_assert_eq!(utf16.line, utf8.line);
            prop_assert_eq!(utf8.line as usize, index.line_of(offset));
            // An offset inside a CRLF pair sits past its line's end: it clamps there.
            let line = index.line_range(utf8.line as usize, &text);
            let expected = offset.min(line.end());
            prop_assert_eq!(index.offset_utf16(utf16, &text), expected);
            prop_assert_eq!(index.offset_utf8(utf8, &text), expected);
            // UTF-16 columns never exceed UTF-8 columns; they count units, not bytes.
            prop_assert!(utf16.col <= utf8.col);
        }
    }

    /// Positions past a line's end clamp to it, past the last line to the text's end, and
    /// never land inside a character.
    #[test]
    fn positions_out_of_range_clamp_to_boundaries(text in awkward_text(), line in 0u32..80, col in 0u32..200) {
        let index = LineIndex::new(&text);
        let pos = syntax::LineCol { line, col };
        for offset in [index.offset_utf16(pos, &text), index.offset_utf8(pos, &text)] {
            prop_assert!(offset <= text.len());
            prop_assert!(text.is_char_boundary(offset));
        }
    }

    /// Quoting then unquoting gives the name back; the key is case-insensitive and
    /// idempotent; `same` is what equal keys say, and is symmetric.
    #[test]
    fn names_quote_unquote_and_compare(name in "[a-zA-Z0-9_ \\]\\[\"é.]{0,12}", other in "[a-zA-Z_é]{0,6}") {
        prop_assert_eq!(names::unquote(&names::quote(&name)), name.clone());
        prop_assert_eq!(names::key(&names::key(&name)), names::key(&name));
        prop_assert_eq!(names::key(&name.to_uppercase()), names::key(&name.to_lowercase()));
        prop_assert_eq!(names::same(&name, &other), names::key(&name) == names::key(&other));
        prop_assert_eq!(names::same(&name, &other), names::same(&other, &name));
        prop_assert!(names::same(&name, &name.to_ascii_uppercase()));
    }

    /// A multi-part name made of bracketed parts splits back into those parts.
    #[test]
    fn split_undoes_bracketed_joins(parts in proptest::collection::vec("[a-zA-Z0-9 .\\]é]{0,8}", 1..4)) {
        let joined = parts.iter().map(|p| format!("[{}]", p.replace(']', "]]"))).collect::<Vec<_>>().join(".");
        let expected: Vec<String> = parts.iter().map(|p| p.trim().to_owned()).collect();
        prop_assert_eq!(names::split(&joined), expected);
    }
}

/// Real scripts to edit: every statement kind the analysis reads, a procedure body long
/// enough for statement-level recovery, GO batches and SQLCMD lines.
const SCRIPTS: &[&str] = &[
    include_str!("scripts/long-procedure-bodies.sql"),
    "CREATE SCHEMA hr AUTHORIZATION hr_owner;\nGO\nCREATE TABLE hr.Salaries (id int PRIMARY KEY, amount money);\nGO\n\
     CREATE PROCEDURE hr.Raise @id int, @pct int\nWITH EXECUTE AS OWNER\nAS\nBEGIN\n    UPDATE hr.Salaries SET amount = amount * (1 + @pct / 100.0) WHERE id = @id;\n\
         EXEC ('SELECT * FROM hr.Salaries WHERE id = ' + @id);\nEND\nGO\nGRANT EXECUTE ON hr.Raise TO payroll_clerk;\nGO\n\
     :setvar Env dev\n:r .\\Other.sql\nPRINT '$(Env)';\nGO\n",
];

/// Snippets typed into a script: tokens that open or close constructs (quotes, comments,
/// parentheses, BEGIN/END), whole statements, GO lines and junk.
fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("'".to_owned()),
        Just("/*".to_owned()),
        Just("*/".to_owned()),
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just(" BEGIN ".to_owned()),
        Just(" END ".to_owned()),
        Just("\nGO\n".to_owned()),
        Just(";".to_owned()),
        Just(" SELECT 1 FROM t WHERE x = @p; ".to_owned()),
        Just(" EXECUTE AS USER = 'u'; ".to_owned()),
        Just(" GRANT SELECT ON t TO u; ".to_owned()),
        Just("é𝄞".to_owned()),
        Just("\r\n".to_owned()),
        "[a-z@#$ ]{1,6}",
        Just(String::new()),
    ]
}

/// Edits as (start fraction, length, replacement): positions are scaled to the text as
/// the edits before left it, so every edit lands inside it.
fn edits() -> impl Strategy<Value = Vec<(f64, usize, String)>> {
    proptest::collection::vec((0.0f64..1.0, 0usize..40, typed()), 1..6)
}

fn floor(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    /// Editing a parsed script and reparsing incrementally gives the same lowered
    /// statements, comments, batches and errors as parsing the edited text from scratch.
    #[test]
    fn incremental_reparse_equals_a_fresh_parse(script in 0..SCRIPTS.len(), edits in edits(), one_by_one in any::<bool>()) {
        let mut parsed = syntax::parse(SCRIPTS[script]);
        let mut text = SCRIPTS[script].to_owned();
        let mut applied: Vec<(TextRange, String)> = Vec::new();
        for (at, len, replacement) in &edits {
            let start = floor(&text, (*at * text.len() as f64) as usize);
            let end = floor(&text, start + len);
            text.replace_range(start..end, replacement);
            applied.push((TextRange::new(start, end), replacement.clone()));
        }
        if one_by_one {
            for (range, replacement) in &applied {
                parsed.edit(*range, replacement);
            }
        } else {
            let borrowed: Vec<(TextRange, &str)> = applied.iter().map(|(r, s)| (*r, s.as_str())).collect();
            parsed.edit_all(&borrowed);
        }
        prop_assert_eq!(parsed.text(), text.as_str());
        let fresh = syntax::parse(&text);
        prop_assert_eq!(format!("{:?}", parsed.lower()), format!("{:?}", fresh.lower()));
        prop_assert_eq!(parsed.errors(), fresh.errors());
    }

    /// The C# lowering never panics on edited source, and what it lowers is a function
    /// of the text alone (lowering the same text twice gives the same thing).
    #[test]
    fn csharp_lowering_is_total_and_deterministic(edits in edits()) {
        let mut text = "using System.IO;\nnamespace N {\n  public static class C {\n    static int n;\n    [Microsoft.SqlServer.Server.SqlProcedure]\n    public static void P(string p) { lock (typeof(C)) { File.Delete(p); } }\n  }\n}\n".to_owned();
        for (at, len, replacement) in &edits {
            let start = floor(&text, (*at * text.len() as f64) as usize);
            let end = floor(&text, start + len);
            text.replace_range(start..end, replacement);
        }
        let first = syntax::csharp::parse_csharp(&text);
        let second = syntax::csharp::parse_csharp(&text);
        prop_assert_eq!(first, second);
    }
}
