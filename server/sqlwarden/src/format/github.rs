//! GitHub Actions workflow commands (`::error file=…,line=…::message`), which GitHub shows
//! as annotations on the pull request's changed lines, and the Markdown of the job's step
//! summary.
//!
//! GitHub shows only ten annotations of each severity per step, so the commands come
//! most important first ([`Report::by_importance`]): errors before warnings, and within a
//! severity the security rules, by their score, before the text rules (SQL001 last).
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
    for finding in report.by_importance() {
        line(&mut out, finding);
    }
    out
}

/// How many findings the step summary lists.
const SUMMARY_TOP: usize = 20;

/// Markdown for `$GITHUB_STEP_SUMMARY`: the counts, a table of the rules found, and the
/// most important findings, each linked to its line when `blob` (the repository's
/// `…/blob/<sha>/` address) is known.
pub fn step_summary(report: &Report<'_>, blob: Option<&str>) -> String {
    let mut out = String::from("## sqlwarden\n\n");
    let _ = writeln!(
        out,
        "{}\n",
        crate::format::text::counts_line(&report.summary())
    );
    if report.findings.is_empty() {
        return out;
    }
    out.push_str("| Rule | Name | Severity | Findings |\n| --- | --- | --- | ---: |\n");
    for count in report.counts() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            count.code,
            count.name,
            crate::format::concise::severity(count.severity),
            count.count
        );
    }
    let top = report.by_importance();
    let _ = writeln!(
        out,
        "\n### The {} most important findings\n",
        top.len().min(SUMMARY_TOP)
    );
    for finding in top.into_iter().take(SUMMARY_TOP) {
        let place = &finding.place;
        let at = format!("{}:{}", place.path, place.start.line);
        let location = match blob {
            Some(blob) if place.relative => format!(
                "[`{at}`]({blob}{}#L{})",
                place.path.replace(' ', "%20"),
                place.start.line
            ),
            _ => format!("`{at}`"),
        };
        let message: Vec<&str> = finding.message().split_whitespace().collect();
        let _ = writeln!(
            out,
            "- **{}** {} {location}: {}",
            finding.code(),
            crate::format::concise::severity(finding.severity()),
            markdown_text(&message.join(" "))
        );
    }
    out
}

/// Keeps a message from opening HTML or a table in Markdown.
fn markdown_text(text: &str) -> String {
    text.replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
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

    #[test]
    fn the_most_important_come_first_and_parse_errors_last() {
        let (files, mut diagnostics) = sample();
        // A parse error (an error) before the chain in output order, and an injection.
        let mut parse = diagnostics[0].clone();
        parse.code = analysis::Code::Sql001;
        parse.message = "p".into();
        let mut injection = diagnostics[0].clone();
        injection.code = analysis::Code::Imp004;
        injection.message = "i".into();
        diagnostics.insert(0, parse);
        diagnostics.push(injection);
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        let titles: Vec<String> = render(&report)
            .lines()
            .map(|l| {
                let at = l.find("title=").expect("title") + 6;
                l[at..at + 6].to_string()
            })
            .collect();
        assert_eq!(titles, ["IMP004", "PRM001", "SQL001", "PRM005", "SQL003"]);
    }

    #[test]
    fn the_step_summary_counts_rules_and_links_the_top_findings() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        let markdown = step_summary(&report, Some("https://github.com/o/r/blob/abc/"));
        let name = |code| analysis::rules::find(code).map_or("", |r| r.meta.name);
        assert!(markdown.starts_with("## sqlwarden\n\n1 error, 1 warning, 1 note in 2 of 2 files\n\n| Rule | Name | Severity | Findings |\n"), "{markdown}");
        assert!(
            markdown.contains(&format!(
                "| PRM001 | {} | error | 1 |\n",
                name(analysis::Code::Prm001)
            )),
            "{markdown}"
        );
        assert!(markdown.contains("### The 3 most important findings\n\n- **PRM001** error [`procs.sql:3`](https://github.com/o/r/blob/abc/procs.sql#L3): sales_app may execute"), "{markdown}");
        assert!(markdown.contains("- **PRM005** warning [`security.sql:4`](https://github.com/o/r/blob/abc/security.sql#L4): SELECT on t, granted to public: every user, 100% of them, gets it, and guests too\n"), "{markdown}");
    }
}
