//! One line per finding, as ruff's `concise` output: `path:line:column: severity[CODE]
//! message`, with the message's line breaks folded into spaces so that every finding is
//! one line for `grep` and editors' error parsers; then the summary line.

use std::fmt::Write;

use crate::format::Options;
use crate::format::text::summary_line;
use crate::report::{Finding, Report};
use analysis::Severity;

pub fn render(report: &Report<'_>, options: &Options) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        let _ = writeln!(
            out,
            "{}:{}:{}: {}",
            finding.place.path,
            finding.place.start.line,
            finding.place.start.column,
            line(finding)
        );
    }
    if !options.quiet {
        out.push_str(&summary_line(report));
        out.push('\n');
    }
    out
}

/// `severity[CODE] message`, on one line.
pub fn line(finding: &Finding<'_>) -> String {
    let message: Vec<&str> = finding.message().split_whitespace().collect();
    format!(
        "{}[{}] {}",
        severity(finding.severity()),
        finding.code(),
        message.join(" ")
    )
}

pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample;
    use std::path::PathBuf;

    #[test]
    fn one_line_per_finding_then_the_summary() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        assert_eq!(
            render(&report, &Options::default()),
            "procs.sql:3:10: error[PRM001] sales_app may execute dbo.quote, which calls pricing.current_price across a broken ownership chain\n\
             security.sql:4:1: warning[PRM005] SELECT on t, granted to public: every user, 100% of them, gets it, and guests too\n\
             security.sql:3:4: note[SQL003] this suppression suppressed nothing\n\
             1 error, 1 warning, 1 note in 2 of 2 files (PRM001, PRM005, SQL003)\n"
        );
    }
}
