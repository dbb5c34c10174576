//! Name normalisation: unquoting `[a]]b]` and `"a""b"`, the case-insensitive comparison
//! key, and splitting multi-part names written as text (`sp_addrolemember 'db_owner'`,
//! `EXEC ('SELECT * FROM [dbo].[t]')`, `.sqlproj` properties).
//!
//! SQL Server's default collations compare names case-insensitively, so the model keys
//! every name with [`key`] and keeps the original spelling for messages.

use crate::ast::Name;

/// The value of one name part with its quoting removed: `[a]]b]` is `a]b`, `"a""b"` is
/// `a"b`; an unquoted part is returned as written. A part whose closing quote is missing
/// (half-written code) loses only its opening quote.
pub fn unquote(part: &str) -> Name {
    if let Some(inner) = part.strip_prefix('[') {
        let inner = inner.strip_suffix(']').unwrap_or(inner);
        return inner.replace("]]", "]").into();
    }
    if let Some(inner) = part.strip_prefix('"') {
        let inner = inner.strip_suffix('"').unwrap_or(inner);
        return inner.replace("\"\"", "\"").into();
    }
    part.into()
}

/// The comparison key of an unquoted name part: lower case, as SQL Server's default
/// case-insensitive collations compare names.
pub fn key(value: &str) -> String {
    value.to_lowercase()
}

/// Whether two unquoted name parts name the same thing.
pub fn same(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        // For ASCII text the lower-case key is the ASCII lower case, without allocating.
        return a.eq_ignore_ascii_case(b);
    }
    a == b || key(a) == key(b)
}

/// Splits a multi-part name written as text into its unquoted parts: `[dbo].[a.b]` is
/// `["dbo", "a.b"]`, `db..t` is `["db", "", "t"]`. Surrounding whitespace of each part
/// is dropped. An unterminated quote runs to the end of the text.
pub fn split(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' | '"' => {
                let close = if c == '[' { ']' } else { '"' };
                while let Some(inner) = chars.next() {
                    if inner == close {
                        if chars.peek() == Some(&close) {
                            chars.next();
                            current.push(close);
                        } else {
                            break;
                        }
                    } else {
                        current.push(inner);
                    }
                }
            }
            '.' => parts.push(std::mem::take(&mut current).trim().to_owned()),
            _ => current.push(c),
        }
    }
    parts.push(current.trim().to_owned());
    parts
}

/// Quotes a name part with brackets when it needs them, for messages and suggested
/// fixes (`GRANT EXECUTE ON [dbo].[my proc] TO …`).
/// Whether a name is a placeholder that a later step fills in rather than a real name: a
/// SQLCMD variable (`$(Role)`) or an SSMS template parameter (`<role_name, sysname, Owner>`).
/// SSMS's "Specify Values for Template Parameters" replaces those before the script runs, and
/// projects keep such templates, so no rule should treat one as a missing object.
pub fn is_placeholder(name: &str) -> bool {
    let name = name.trim();
    name.contains("$(") || (name.contains('<') && name.contains('>') && name.contains(','))
}

pub fn quote(value: &str) -> String {
    let plain = value
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && value.chars().all(|c| c.is_alphanumeric() || c == '_');
    if plain {
        value.to_owned()
    } else {
        format!("[{}]", value.replace(']', "]]"))
    }
}

/// Whether a function call (its lower-cased name, maybe schema-qualified: `sys.object_id`)
/// maps a name to what it names and returns NULL when nothing has that name, so that a
/// non-NULL result, or a row matched on it, proves the name exists
/// (https://learn.microsoft.com/sql/t-sql/functions/object-id-transact-sql and its
/// siblings).
pub fn is_existence_function(name: &str) -> bool {
    const FUNCTIONS: &[&str] = &[
        "object_id",
        "db_id",
        "schema_id",
        "type_id",
        "user_id",
        "suser_id",
        "suser_sid",
        "database_principal_id",
        "col_length",
    ];
    FUNCTIONS.contains(&name.rsplit('.').next().unwrap_or(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquotes_brackets_and_double_quotes() {
        assert_eq!(unquote("[a]]b]"), "a]b");
        assert_eq!(unquote("\"a\"\"b\""), "a\"b");
        assert_eq!(unquote("[Sales Data]"), "Sales Data");
        assert_eq!(unquote("plain"), "plain");
        assert_eq!(unquote("[$(DatabaseName)]"), "$(DatabaseName)");
        // Half-written: the closing bracket is missing.
        assert_eq!(unquote("[open"), "open");
    }

    #[test]
    fn keys_compare_case_insensitively() {
        assert_eq!(key("DBO"), "dbo");
        assert_eq!(key("Ärger"), "ärger");
        assert!(same("Sales", "SALES"));
        assert!(!same("Sales", "Sale"));
    }

    #[test]
    fn splits_multi_part_names() {
        assert_eq!(split("[dbo].[a.b]"), vec!["dbo", "a.b"]);
        assert_eq!(split("db..t"), vec!["db", "", "t"]);
        assert_eq!(split(" dbo . t "), vec!["dbo", "t"]);
        assert_eq!(split("\"x\"\"y\".z"), vec!["x\"y", "z"]);
        assert_eq!(split("[a]]b].c"), vec!["a]b", "c"]);
        assert_eq!(split("t"), vec!["t"]);
        assert_eq!(split("[unterminated.x"), vec!["unterminated.x"]);
    }

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(quote("dbo"), "dbo");
        assert_eq!(quote("my proc"), "[my proc]");
        assert_eq!(quote("a]b"), "[a]]b]");
        assert_eq!(quote("1x"), "[1x]");
    }

    #[test]
    fn placeholders_are_not_names() {
        assert!(is_placeholder("$(AppRole)"));
        assert!(is_placeholder("<assembly_name, sysname, sample_assembly>"));
        assert!(!is_placeholder("sales_app"));
        // A comparison operator in odd text is not a template parameter.
        assert!(!is_placeholder("a<b"));
    }
}
