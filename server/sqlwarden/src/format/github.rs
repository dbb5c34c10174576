//! GitHub Actions workflow commands (`::error file=…,line=…::message`), which GitHub shows
//! as annotations on the pull request's changed lines.
//!
//! Escaping follows the runner's rules: in the message, `%`, `\r` and `\n` become
//! `%25`, `%0D` and `%0A`; in property values `:` and `,` are escaped too (`%3A`, `%2C`),
//! because they separate properties. Columns are given only for a single-line range,
//! as GitHub ignores them otherwise; `endColumn` is the last column of the range.

use std::fmt::Write;

use crate::report::{Finding, Report};
use analysis::Severity;

pub fn render(report: &Report<'_>) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        line(&mut out, finding);
    }
    out
}

fn line(out: &mut String, finding: &Finding<'_>) {
    let command = match finding.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let place = &finding.place;
    let mut properties = vec![
        ("file", place.path.clone()),
        ("line", place.start.line.to_string()),
        ("endLine", place.end.line.to_string()),
    ];
    if place.start.line == place.end.line {
        let last = place.end.column.saturating_sub(1).max(place.start.column);
        properties.push(("col", place.start.column.to_string()));
        properties.push(("endColumn", last.to_string()));
    }
    let title = if finding.name.is_empty() {
        finding.code().to_string()
    } else {
        format!("{} {}", finding.code(), finding.name)
    };
    properties.push(("title", title));

    let mut message = finding.message().to_string();
    for related in &finding.related {
        let _ = write!(
            message,
            "\n{}:{}:{}: {}",
            related.place.path,
            related.place.start.line,
            related.place.start.column,
            related.message
        );
    }
    if let Some(fix) = &finding.diagnostic.fix {
        let _ = write!(message, "\nFix: {fix}");
    }

    let properties = properties
        .iter()
        .map(|(name, value)| format!("{name}={}", escape_property(value)))
        .collect::<Vec<_>>()
        .join(",");
    let _ = writeln!(out, "::{command} {properties}::{}", escape_data(&message));
}

/// Escapes a message (the text after `::`).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value, where `:` and `,` also have meaning.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample;
    use std::path::PathBuf;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("100%\r\nok: a,b"), "100%25%0D%0Aok: a,b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn one_command_per_finding_with_levels_and_positions() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        let out = render(&report);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{out}");
        // The title names the rule when the rule is registered.
        let title = analysis::rules::find(analysis::Code::Prm001)
            .map_or("PRM001".to_string(), |rule| {
                format!("PRM001 {}", rule.meta.name)
            });
        assert_eq!(
            lines[0],
            format!(
                "::error file=procs.sql,line=3,endLine=3,col=10,endColumn=30,title={}::\
                 sales_app may execute dbo.quote, which calls pricing.current_price across a broken ownership chain\
                 %0Asecurity.sql:2:1: the grant that lets sales_app execute dbo.quote\
                 %0AFix: GRANT EXECUTE ON pricing.current_price TO sales_app;",
                escape_property(&title)
            )
        );
        assert!(lines[1].starts_with("::warning file=security.sql,line=4,"));
        assert!(lines[1].ends_with("every user, 100%25 of them, gets it,%0Aand guests too"));
        assert!(lines[2].starts_with("::notice file=security.sql,line=3,"));
    }
}
