//! SSMS template parameters (`<name, type, default>`), filled with their defaults.
//!
//! SQL Server Management Studio's "Specify Values for Template Parameters" (Ctrl+Shift+M)
//! replaces every `<parameter_name, data_type, value>` of a script by a value before the
//! script runs, the default being the third part
//! (https://learn.microsoft.com/ssms/template/templates-ssms). The grammar takes a
//! parameter wherever a name or a constant stands; a template may put one anywhere else
//! (a keyword, an option's value, a whole expression or query), and there only the filled
//! script can be parsed. [`fill`] writes that script, byte for byte the same length as the
//! template, so every offset, line and column of the text stays true.

/// One template parameter: where it stands, and where its default stands inside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TemplateParameter {
    /// From the `<` to after the `>`.
    pub start: usize,
    pub end: usize,
    /// The third part, between the second comma and the `>` (spaces around it included).
    pub default_start: usize,
    pub default_end: usize,
}

/// The template parameters of `text[from..to]`, in order: a `<`, a name, then two commas
/// and a `>`, on one line, with no `<` or `>` inside (the type and the default may be
/// empty); the name and the type hold no quote, parenthesis or `;`, the default may
/// (`<identity, sysname, 'x'>`, `<type, , char(10)>`). The name may start with any
/// other character but a space, `=` or `,` (SSMS takes `<-/+ rows, int, -2>`), so this is
/// wider than the grammar's `template_parameter` token, which must not take a comparison
/// for a name.
pub fn parameters(text: &str, from: usize, to: usize) -> Vec<TemplateParameter> {
    let bytes = text.as_bytes();
    let to = to.min(bytes.len());
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        if bytes[i] == b'<'
            && let Some(parameter) = parameter_at(bytes, i, to)
        {
            i = parameter.end;
            out.push(parameter);
            continue;
        }
        i += 1;
    }
    out
}

fn parameter_at(bytes: &[u8], start: usize, to: usize) -> Option<TemplateParameter> {
    let first = *bytes.get(start + 1)?;
    if first.is_ascii_whitespace() || matches!(first, b'<' | b'>' | b'=' | b',') {
        return None;
    }
    let mut commas = Vec::with_capacity(2);
    let mut i = start + 1;
    while i < to {
        match bytes[i] {
            b'\r' | b'\n' | b'<' => return None,
            // A name or a type never holds a quote or a parenthesis: `N'<', N'&lt;'),
            // N'>'` is two strings in a call, not a parameter.
            b'\'' | b'"' | b'(' | b')' | b';' if commas.len() < 2 => return None,
            b',' if commas.len() < 2 => commas.push(i),
            b'>' if commas.len() == 2 => {
                return Some(TemplateParameter {
                    start,
                    end: i + 1,
                    default_start: commas[1] + 1,
                    default_end: i,
                });
            }
            b'>' => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Replaces, in place, every template parameter in `text[from..to]` by its default (without
/// the spaces around it), and returns the parameters replaced (none: `text` is unchanged).
/// The text keeps its length: the default is followed by spaces. When a closing quote or
/// bracket follows the parameter (`'<path, varchar, c:\k.pvk>'`, `[<schema, sysname, dbo>]`),
/// it moves up to the default and the spaces follow it, so that the string or the name holds
/// the default alone. A parameter glued to a name after it (`<prefix, , tbl>_archive`) puts
/// the spaces first, and one glued on both sides is left as it is: the grammar reads it as a
/// name. Nothing outside `from..to` is written.
pub fn fill(text: &mut String, from: usize, to: usize) -> Vec<TemplateParameter> {
    let to = to.min(text.len());
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'@' || b == b'#';
    let mut filled = parameters(text, from, to);
    filled.retain(|parameter| {
        let bytes = text.as_bytes();
        let before = parameter.start.checked_sub(1).map(|i| bytes[i]);
        let after = bytes[..to].get(parameter.end).copied();
        let glued_after = after.is_some_and(is_word);
        if before.is_some_and(is_word) && glued_after {
            return false;
        }
        // SSMS offers the default without the spaces around it. A parameter starts with
        // `<` and ends with `>`, so its default is whole characters.
        let default = text[parameter.default_start..parameter.default_end].trim_ascii();
        // Padding in bytes, not characters: the default may hold non-ASCII text.
        let pad = " ".repeat(parameter.end - parameter.start - default.len());
        let (end, replacement) = match after.filter(|b| matches!(b, b'\'' | b']' | b'"')) {
            _ if glued_after => (parameter.end, format!("{pad}{default}")),
            // The delimiter moves to right after the default; its old place becomes one
            // more space.
            Some(close) => (
                parameter.end + 1,
                format!("{default}{}{pad}", close as char),
            ),
            None => (parameter.end, format!("{default}{pad}")),
        };
        text.replace_range(parameter.start..end, &replacement);
        true
    });
    filled
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(text: &str) -> String {
        let mut out = text.to_owned();
        fill(&mut out, 0, text.len());
        out
    }

    /// Whether `text` holds nothing to fill: `fill` replaces nothing and leaves it as it is.
    fn nothing_to_fill(text: &str) -> bool {
        let mut out = text.to_owned();
        fill(&mut out, 0, text.len()).is_empty() && out == text
    }

    #[test]
    fn a_parameter_becomes_its_default_and_the_length_stays() {
        let text = "ALTER TABLE t WITH ( STATE = <state,bool,OFF > );";
        let out = filled(text);
        assert_eq!(
            out,
            format!("ALTER TABLE t WITH ( STATE = OFF{} );", " ".repeat(14))
        );
        assert_eq!(out.len(), text.len());
    }

    #[test]
    fn an_empty_type_or_default_is_a_parameter() {
        assert_eq!(
            filled("FETCH RELATIVE <-/+ n, int, -2>"),
            format!("FETCH RELATIVE -2{}", " ".repeat(14))
        );
        assert_eq!(
            filled("SELECT <c, , 1>"),
            format!("SELECT 1{}", " ".repeat(7))
        );
        assert_eq!(
            filled("x <allow_null,,NULL>"),
            format!("x NULL{}", " ".repeat(14))
        );
        assert_eq!(
            filled("<t, , char(10)>"),
            format!("char(10){}", " ".repeat(7))
        );
        assert_eq!(
            filled("= <id, sysname, 'x'>"),
            format!("= 'x'{}", " ".repeat(15))
        );
        assert_eq!(
            filled("AS <select, , >;"),
            format!("AS {};", " ".repeat(12))
        );
    }

    #[test]
    fn a_quoted_default_keeps_its_delimiters_beside_it() {
        let pvk = "FILE = '<path, varchar, c:\\k.pvk>'";
        assert_eq!(filled(pvk), format!("FILE = 'c:\\k.pvk'{}", " ".repeat(17)));
        assert_eq!(
            filled("[<schema_type, , dbo>].t"),
            format!("[dbo]{}.t", " ".repeat(17))
        );
        // Text after the parameter inside the string stays where it was.
        assert_eq!(
            filled("'<dir, , c:>\\x.bak'"),
            format!("'c:{}\\x.bak'", " ".repeat(9))
        );
    }

    #[test]
    fn a_parameter_glued_to_a_name_keeps_the_name_whole() {
        assert_eq!(
            filled("<p, , tbl>_archive"),
            format!("{}tbl_archive", " ".repeat(7))
        );
        assert!(nothing_to_fill("df_<c, sysname, x>_1"));
    }

    #[test]
    fn what_is_not_a_parameter_is_left_alone() {
        // Comparisons, a two-part placeholder, a broken one, and one across lines.
        for text in [
            "WHERE a < b AND c > d",
            "TO <broker_instance, sysname>",
            "= <track,bit,<track>",
            "<a, b,\n c>",
            "< a, b, c>",
            "<=a, b, c>",
            "a <> b, c, d >",
            "REPLACE(REPLACE(@x, N'<', N'&lt;'), N'>', N'&gt;')",
            "'<a', 'b', 'c>'",
        ] {
            assert!(nothing_to_fill(text), "{text}");
        }
    }

    #[test]
    fn only_the_given_range_is_filled() {
        let mut out = String::from("<a,,1> <b,,2>");
        let found = fill(&mut out, 6, 13);
        assert_eq!(out, "<a,,1> 2     ");
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].start, found[0].end), (7, 13));
        // A closing quote past the range stays where it is.
        let mut out = String::from("'<a,,1>'");
        assert_eq!(fill(&mut out, 0, 7).len(), 1);
        assert_eq!(out, "'1     '");
    }

    #[test]
    fn non_ascii_text_around_and_inside_stays_valid() {
        let text = "SELECT N'é' + <name, , Ünïcode>";
        let out = filled(text);
        assert_eq!(out, format!("SELECT N'é' + Ünïcode{}", " ".repeat(10)));
        assert_eq!(out.len(), text.len());
    }
}
