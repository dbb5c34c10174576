//! JUnit XML, for CI services that show test reports (GitLab, Azure Pipelines, Jenkins):
//! one `testsuite` per file with findings, one failed `testcase` per finding (named by
//! its rule and position, its class the file's path), the message in the failure's
//! `message` and its related locations and fix in the failure's text. A run without
//! findings is one suite with one passed case, so that the report is never empty.
//!
//! The document follows the stricter of the published schemas (the JUnit XSD of
//! windyroad/JUnit-Schema; Jenkins' junit-10.xsd accepts it too): `testsuites`, without
//! attributes, holds suites with `package` and `id`; each suite states `name`, `timestamp`, `hostname`,
//! `tests`, `failures`, `errors` and `time`, and holds `properties`, its test cases,
//! `system-out` and `system-err`; no attribute the schema does not know.

use std::fmt::Write;

use crate::report::{Finding, Report};
use analysis::Severity;

pub fn render(report: &Report<'_>) -> String {
    let mut suites: Vec<(&str, Vec<&Finding<'_>>)> = Vec::new();
    for finding in &report.findings {
        match suites
            .iter_mut()
            .find(|(path, _)| *path == finding.place.path)
        {
            Some((_, findings)) => findings.push(finding),
            None => suites.push((&finding.place.path, vec![finding])),
        }
    }
    // The stricter schema allows no attribute on `testsuites`: the totals are the sum of
    // the suites'.
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    if suites.is_empty() {
        suite_start(&mut out, report, 0, "sqlwarden", 1, 0);
        out.push_str("    <testcase name=\"no findings\" classname=\"sqlwarden\" time=\"0\"/>\n");
        suite_end(&mut out);
    }
    for (id, (path, findings)) in suites.into_iter().enumerate() {
        suite_start(&mut out, report, id, path, findings.len(), findings.len());
        for finding in findings {
            case(&mut out, finding);
        }
        suite_end(&mut out);
    }
    out.push_str("</testsuites>\n");
    out
}

fn suite_start(
    out: &mut String,
    report: &Report<'_>,
    id: usize,
    name: &str,
    tests: usize,
    failures: usize,
) {
    let name = escape(name);
    let _ = writeln!(
        out,
        "  <testsuite name=\"{name}\" package=\"{name}\" id=\"{id}\" timestamp=\"{}\" \
         hostname=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" time=\"0\">",
        escape(&report.timestamp),
        escape(&report.hostname),
    );
    out.push_str("    <properties/>\n");
}

fn suite_end(out: &mut String) {
    out.push_str("    <system-out/>\n    <system-err/>\n  </testsuite>\n");
}

fn case(out: &mut String, finding: &Finding<'_>) {
    let place = &finding.place;
    let rule = if finding.name.is_empty() {
        finding.code().to_string()
    } else {
        format!("{} {}", finding.code(), finding.name)
    };
    let name = format!(
        "{rule} at line {}, column {}",
        place.start.line, place.start.column
    );
    let kind = match finding.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    };
    let mut details = format!(
        "{}:{}:{}: {}",
        place.path,
        place.start.line,
        place.start.column,
        finding.message()
    );
    for related in &finding.related {
        let _ = write!(
            details,
            "\n{}:{}:{}: {}",
            related.place.path,
            related.place.start.line,
            related.place.start.column,
            related.message
        );
    }
    if let Some(fix) = &finding.diagnostic.fix {
        let _ = write!(details, "\nFix: {fix}");
    }
    let _ = writeln!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" time=\"0\">\n      \
         <failure message=\"{}\" type=\"{kind}\">{}</failure>\n    </testcase>",
        escape(&name),
        escape(&place.path),
        escape(finding.message()),
        escape(&details),
    );
}

/// Escapes text for an XML attribute or element, and drops the characters XML 1.0
/// cannot hold at all (control characters other than tab and line breaks).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample;
    use std::path::PathBuf;

    #[test]
    fn a_suite_per_file_and_a_failed_case_per_finding() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        let xml = render(&report);
        assert!(xml.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <testsuites>\n  \
             <testsuite name=\"procs.sql\" package=\"procs.sql\" id=\"0\" timestamp=\"1970-01-01T00:00:00\" hostname=\"localhost\" tests=\"1\" failures=\"1\" errors=\"0\" time=\"0\">\n"
        ), "{xml}");
        assert_eq!(xml.matches("<testsuite ").count(), 2);
        assert_eq!(xml.matches("<failure ").count(), 3);
        assert!(xml.contains("<failure message=\"SELECT on t, granted to public: every user, 100% of them, gets it,&#10;and guests too\" type=\"warning\">"), "{xml}");
        assert!(
            xml.contains(
                "&#10;Fix: GRANT EXECUTE ON pricing.current_price TO sales_app;</failure>"
            ),
            "{xml}"
        );
        assert!(xml.contains("classname=\"security.sql\""));
        assert!(xml.ends_with("</testsuites>\n"));
    }

    #[test]
    fn a_clean_run_is_one_passed_case() {
        let files = analysis::SourceFiles::default();
        let report = Report::new(&files, &[], None);
        let xml = render(&report);
        assert!(
            xml.contains("<testcase name=\"no findings\" classname=\"sqlwarden\" time=\"0\"/>"),
            "{xml}"
        );
        assert!(!xml.contains("<failure"));
    }

    #[test]
    fn escaping_keeps_xml_well_formed() {
        assert_eq!(escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
