//! Baselines, for adopting sqlwarden on an old project: `--write-baseline FILE` records
//! today's findings; `--baseline FILE` hides them later. Findings are matched by
//! fingerprint (code, file, normalised text of the offending line, occurrence), so
//! editing other parts of a file does not bring old findings back. The code, file and
//! message are stored for people reading the file; only the fingerprint is compared.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::report::Report;

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Baseline {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    fingerprint: String,
    code: String,
    file: String,
    line: u32,
    message: String,
}

/// The baseline file's text for every finding of `report`.
pub fn to_text(report: &Report<'_>) -> String {
    let baseline = Baseline {
        version: VERSION,
        findings: report
            .findings
            .iter()
            .map(|finding| Entry {
                fingerprint: finding.fingerprint.clone(),
                code: finding.code().to_string(),
                file: finding.place.path.clone(),
                line: finding.place.start.line,
                message: finding.message().to_string(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&baseline).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads the fingerprints of a baseline file; the error names the file.
pub fn read(path: &Path) -> Result<BTreeSet<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read baseline `{}`: {error}", path.display()))?;
    parse(&text).map_err(|error| format!("baseline `{}` is not valid: {error}", path.display()))
}

fn parse(text: &str) -> Result<BTreeSet<String>, String> {
    let baseline: Baseline = serde_json::from_str(text).map_err(|error| error.to_string())?;
    if baseline.version != VERSION {
        return Err(format!(
            "version {} is not supported (expected {VERSION})",
            baseline.version
        ));
    }
    Ok(baseline
        .findings
        .into_iter()
        .map(|entry| entry.fingerprint)
        .collect())
}

/// Drops the findings whose fingerprint the baseline holds; returns how many it dropped.
pub fn filter(report: &mut Report<'_>, known: &BTreeSet<String>) -> usize {
    let before = report.findings.len();
    report
        .findings
        .retain(|finding| !known.contains(&finding.fingerprint));
    before - report.findings.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample;
    use std::path::PathBuf;

    #[test]
    fn a_written_baseline_hides_exactly_its_findings() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        let text = to_text(&report);
        assert!(text.contains("\"code\": \"PRM001\""));
        let known = parse(&text).expect("parses");
        assert_eq!(known.len(), 3);

        let mut later = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        assert_eq!(filter(&mut later, &known), 3);
        assert!(later.findings.is_empty());

        // A baseline that only holds the first finding leaves the other two.
        let mut again = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        let only_first = BTreeSet::from([again.findings[0].fingerprint.clone()]);
        assert_eq!(filter(&mut again, &only_first), 1);
        assert_eq!(again.findings.len(), 2);
    }

    #[test]
    fn bad_baselines_are_errors() {
        assert!(parse("[]").is_err());
        assert!(parse("{\"version\": 9, \"findings\": []}").is_err());
        assert!(parse("{\"version\": 1, \"findings\": []}").is_ok_and(|set| set.is_empty()));
    }
}
