//! GitLab's Code Quality report: a JSON array of issues in the Code Climate shape, which
//! a merge request shows beside the changed lines (`artifacts: reports: codequality`).
//!
//! Each issue has the fields GitLab reads: `description`, `check_name` (the code),
//! `fingerprint` (ours, stable when lines move), `severity` (`blocker`, `critical`,
//! `major`, `minor` or `info`) and `location` (`path` relative to the repository and
//! `lines.begin`/`lines.end`); `categories` says `Security` for the security rules.
//! Severity follows the finding's level and, for errors, the rule's score: an error of a
//! rule scored critical (an injection) is a `blocker`.

use serde::Serialize;

use crate::report::{Finding, Report};
use analysis::Severity;

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: &'static str,
    description: String,
    categories: [&'static str; 1],
    severity: &'static str,
    fingerprint: &'a str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

fn severity(finding: &Finding<'_>) -> &'static str {
    let score = crate::report::security_severity(finding.code()).unwrap_or(0.0);
    match finding.severity() {
        Severity::Error if score >= 9.0 => "blocker",
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Note => "minor",
    }
}

pub fn render(report: &Report<'_>) -> String {
    let issues: Vec<Issue<'_>> = report
        .findings
        .iter()
        .map(|finding| {
            let description = if finding.name.is_empty() {
                format!("{}: {}", finding.code(), finding.message())
            } else {
                format!("{} {}: {}", finding.code(), finding.name, finding.message())
            };
            Issue {
                kind: "issue",
                check_name: finding.code().as_str(),
                description,
                categories: [if crate::report::is_text_rule(finding.code()) {
                    "Bug Risk"
                } else {
                    "Security"
                }],
                severity: severity(finding),
                fingerprint: &finding.fingerprint,
                location: Location {
                    path: &finding.place.path,
                    lines: Lines {
                        begin: finding.place.start.line,
                        end: finding.place.end.line,
                    },
                },
            }
        })
        .collect();
    super::written(|out| super::write_document(out, &issues))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample;
    use serde_json::{Value, json};
    use std::path::PathBuf;

    #[test]
    fn issues_with_code_severity_fingerprint_and_lines() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        let issues: Value = serde_json::from_str(&render(&report)).expect("JSON");
        let issues = issues.as_array().expect("an array");
        assert_eq!(issues.len(), 3);
        assert_eq!(issues[0]["check_name"], "PRM001");
        assert_eq!(issues[0]["severity"], "critical");
        assert_eq!(issues[0]["categories"], json!(["Security"]));
        assert_eq!(
            issues[0]["fingerprint"],
            report.findings[0].fingerprint.as_str()
        );
        assert_eq!(
            issues[0]["location"],
            json!({"path": "procs.sql", "lines": {"begin": 3, "end": 3}})
        );
        assert_eq!(issues[1]["severity"], "major");
        assert_eq!(issues[2]["severity"], "minor");
        assert_eq!(issues[2]["categories"], json!(["Bug Risk"]));
        assert!(
            issues[1]["description"]
                .as_str()
                .is_some_and(|d| d.starts_with("PRM005 grant-to-public: SELECT on t")),
            "{}",
            issues[1]
        );
    }

    #[test]
    fn no_findings_is_an_empty_array() {
        let files = analysis::SourceFiles::default();
        let report = Report::new(&files, &[], None);
        assert_eq!(render(&report), "[]\n");
    }
}
