//! JSON for scripts and bots. The shape is stable; a change that removes or renames a
//! field raises `version`.
//!
//! ```json
//! {
//!   "version": 1,
//!   "tool": { "name": "sqlwarden", "version": "0.1.0" },
//!   "findings": [
//!     {
//!       "code": "PRM001",
//!       "name": "missing-execute-permission",
//!       "severity": "error",
//!       "message": "…",
//!       "file": "procs.sql",
//!       "start": { "line": 3, "column": 10 },
//!       "end": { "line": 3, "column": 31 },
//!       "related": [
//!         { "file": "security.sql", "start": { … }, "end": { … }, "message": "…" }
//!       ],
//!       "fix": "GRANT EXECUTE ON … TO …;",
//!       "fingerprint": "9f2c…"
//!     }
//!   ],
//!   "summary": { "errors": 1, "warnings": 0, "notes": 0, "files_with_findings": 1, "files_checked": 2 }
//! }
//! ```
//!
//! Lines and columns are 1-based; columns count Unicode code points; `end` is the
//! position just after the range. `file` is relative to the run's root (the current
//! folder when every file is inside it) with `/` separators, else absolute. `name` is
//! empty for a code without a registered rule; `fix` is `null` when there is no concrete
//! suggestion. Findings are sorted by file, position and code.

use serde::Serialize;

use crate::report::{Place, Position, Report};

/// Raised when a field is removed or renamed or its meaning changes.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    findings: Vec<Finding<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Finding<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    file: &'a str,
    start: Point,
    end: Point,
    related: Vec<Related<'a>>,
    fix: Option<&'a str>,
    fingerprint: &'a str,
}

#[derive(Serialize)]
struct Related<'a> {
    file: &'a str,
    start: Point,
    end: Point,
    message: &'a str,
}

#[derive(Serialize)]
struct Point {
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    notes: usize,
    files_with_findings: usize,
    files_checked: usize,
}

impl From<Position> for Point {
    fn from(position: Position) -> Point {
        Point {
            line: position.line,
            column: position.column,
        }
    }
}

fn points(place: &Place) -> (Point, Point) {
    (place.start.into(), place.end.into())
}

/// The report as one JSON document, in a string (for tests and small reports).
pub fn render(report: &Report<'_>) -> String {
    super::written(|out| write(report, out))
}

/// Writes the report as it is serialised, so that the document of a large report is
/// never held whole in memory (a 100k-object project's SARIF log is over 100 MB).
pub fn write(report: &Report<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let summary = report.summary();
    let document = Document {
        version: VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: report
            .findings
            .iter()
            .map(|finding| {
                let (start, end) = points(&finding.place);
                Finding {
                    code: finding.code().as_str(),
                    name: finding.name,
                    severity: finding.severity().as_str(),
                    message: finding.message(),
                    file: &finding.place.path,
                    start,
                    end,
                    related: finding
                        .related
                        .iter()
                        .map(|related| {
                            let (start, end) = points(&related.place);
                            Related {
                                file: &related.place.path,
                                start,
                                end,
                                message: &related.message,
                            }
                        })
                        .collect(),
                    fix: finding.diagnostic.fix.as_deref(),
                    fingerprint: &finding.fingerprint,
                }
            })
            .collect(),
        summary: Summary {
            errors: summary.errors,
            warnings: summary.warnings,
            notes: summary.notes,
            files_with_findings: summary.files_with_findings,
            files_checked: summary.files_checked,
        },
    };
    super::write_document(out, &document)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample;
    use serde_json::{Value, json};
    use std::path::PathBuf;

    #[test]
    fn the_documented_shape() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        let value: Value = serde_json::from_str(&render(&report)).expect("valid JSON");
        assert_eq!(value["version"], 1);
        assert_eq!(value["tool"]["name"], "sqlwarden");
        let first = &value["findings"][0];
        assert_eq!(first["code"], "PRM001");
        assert_eq!(first["severity"], "error");
        assert_eq!(first["file"], "procs.sql");
        assert_eq!(first["start"], json!({"line": 3, "column": 10}));
        assert_eq!(first["end"], json!({"line": 3, "column": 31}));
        assert_eq!(first["related"][0]["file"], "security.sql");
        assert_eq!(
            first["related"][0]["start"],
            json!({"line": 2, "column": 1})
        );
        assert_eq!(
            first["fix"],
            "GRANT EXECUTE ON pricing.current_price TO sales_app;"
        );
        assert_eq!(first["fingerprint"].as_str().map(str::len), Some(32));
        assert_eq!(value["findings"][1]["fix"], Value::Null);
        assert_eq!(
            value["summary"],
            json!({"errors": 1, "warnings": 1, "notes": 1, "files_with_findings": 2, "files_checked": 2})
        );
    }
}
