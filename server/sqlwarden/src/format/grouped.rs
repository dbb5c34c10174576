//! The findings by file, as ruff's `grouped` output: each file's path once, then one
//! indented line per finding (`line:column severity[CODE] message`), a blank line between
//! files, then the summary line. Files come in the order of their first finding.

use std::fmt::Write;

use crate::format::Options;
use crate::format::concise::line;
use crate::format::text::summary_line;
use crate::report::{Finding, Report};

pub fn render(report: &Report<'_>, options: &Options) -> String {
    let mut files: Vec<(&str, Vec<&Finding<'_>>)> = Vec::new();
    for finding in &report.findings {
        match files
            .iter_mut()
            .find(|(path, _)| *path == finding.place.path)
        {
            Some((_, findings)) => findings.push(finding),
            None => files.push((&finding.place.path, vec![finding])),
        }
    }
    let mut out = String::new();
    for (path, findings) in files {
        let width = findings
            .iter()
            .map(|f| format!("{}:{}", f.place.start.line, f.place.start.column).len())
            .max()
            .unwrap_or(0);
        let _ = writeln!(out, "{path}:");
        for finding in findings {
            let position = format!(
                "{}:{}",
                finding.place.start.line, finding.place.start.column
            );
            let _ = writeln!(out, "  {position:<width$} {}", line(finding));
        }
        out.push('\n');
    }
    if !options.quiet {
        out.push_str(&summary_line(report));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample;
    use std::path::PathBuf;

    #[test]
    fn each_path_once_with_its_findings_below() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        assert_eq!(
            render(&report, &Options::default()),
            "procs.sql:\n  \
             3:10 error[PRM001] sales_app may execute dbo.quote, which calls pricing.current_price across a broken ownership chain\n\
             \n\
             security.sql:\n  \
             4:1 warning[PRM005] SELECT on t, granted to public: every user, 100% of them, gets it, and guests too\n  \
             3:4 note[SQL003] this suppression suppressed nothing\n\
             \n\
             1 error, 1 warning, 1 note in 2 of 2 files (PRM001, PRM005, SQL003)\n"
        );
    }
}
