//! Azure Pipelines logging commands: one `##vso[task.logissue …]message` line per
//! finding, which the pipeline shows as an error or warning on the run's summary and
//! links to the file and line. Azure has no third level, so notes are warnings.
//!
//! Escaping follows the agent's rules: in property values `;`, `\r`, `\n` and `]` become
//! `%3B`, `%0D`, `%0A` and `%5D` (`;` and `]` end a property and the command); in the
//! message `\r` and `\n` become `%0D` and `%0A`; `%` is `%AZP25` in both, so that text
//! that looks like an escape survives. Findings come most important first, as for
//! GitHub.

use std::fmt::Write;

use crate::report::{Finding, Report};
use analysis::Severity;

pub fn render(report: &Report<'_>) -> String {
    let mut out = String::new();
    for finding in report.by_importance() {
        line(&mut out, finding);
    }
    out
}

fn line(out: &mut String, finding: &Finding<'_>) {
    let kind = match finding.severity() {
        Severity::Error => "error",
        Severity::Warning | Severity::Note => "warning",
    };
    let place = &finding.place;
    let properties = [
        ("type", kind.to_string()),
        ("sourcepath", place.path.clone()),
        ("linenumber", place.start.line.to_string()),
        ("columnnumber", place.start.column.to_string()),
        ("code", finding.code().to_string()),
    ];
    let mut message = format!("{} {}: {}", finding.code(), finding.name, finding.message());
    if finding.name.is_empty() {
        message = format!("{}: {}", finding.code(), finding.message());
    }
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
    out.push_str("##vso[task.logissue ");
    for (name, value) in properties {
        let _ = write!(out, "{name}={};", escape_property(&value));
    }
    let _ = writeln!(out, "]{}", escape_data(&message));
}

/// Escapes the message (the text after `]`).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%AZP25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value, where `;` and `]` also have meaning.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(';', "%3B").replace(']', "%5D")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample;
    use std::path::PathBuf;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("100%\r\nok; a]"), "100%AZP25%0D%0Aok; a]");
        assert_eq!(escape_property("a;b]c%\n"), "a%3Bb%5Dc%AZP25%0A");
    }

    #[test]
    fn one_command_per_finding_notes_as_warnings() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        let out = render(&report);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{out}");
        let name = analysis::rules::find(analysis::Code::Prm001).map_or("", |r| r.meta.name);
        assert_eq!(
            lines[0],
            format!(
                "##vso[task.logissue type=error;sourcepath=procs.sql;linenumber=3;columnnumber=10;code=PRM001;]\
                 PRM001 {name}: sales_app may execute dbo.quote, which calls pricing.current_price across a broken ownership chain\
                 %0Asecurity.sql:2:1: the grant that lets sales_app execute dbo.quote\
                 %0AFix: GRANT EXECUTE ON pricing.current_price TO sales_app;"
            )
        );
        assert!(lines[1].starts_with(
            "##vso[task.logissue type=warning;sourcepath=security.sql;linenumber=4;columnnumber=1;code=PRM005;]"
        ));
        assert!(lines[1].ends_with("every user, 100%AZP25 of them, gets it,%0Aand guests too"));
        assert!(
            lines[2].starts_with(
                "##vso[task.logissue type=warning;sourcepath=security.sql;linenumber=3;"
            )
        );
    }
}
