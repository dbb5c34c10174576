//! SARIF 2.1.0 for code-scanning services: one `run`, the rules with their documentation,
//! results with relative URIs under `%SRCROOT%`, related locations, and partial
//! fingerprints that do not change when lines move.
//!
//! The run records its category (`automationDetails`) and one `invocation`: that it
//! succeeded, the command line, and each parse error (SQL001) again as a tool execution
//! notification. Security rules carry a `security-severity` calibrated per rule and
//! CWE tags where one fits (see `report::security_severity` and `report::cwes`).
//!
//! Columns count Unicode code points (`columnKind: unicodeCodePoints`, stated
//! explicitly although it is SARIF's default); `endColumn` is the column just after the
//! range, as §3.30.8 of the specification defines it.

use std::collections::BTreeMap;

use serde::Serialize;
use url::Url;

use crate::report::{Place, Report};
use analysis::{Code, RuleMeta, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
/// The key of our fingerprint in `partialFingerprints`; the suffix is its version.
pub const FINGERPRINT_KEY: &str = "sqlwarden/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    automation_details: AutomationDetails,
    invocations: [Invocation<'a>; 1],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

/// The run's category (§3.17): `sqlwarden/`, so that code scanning keeps its alerts
/// apart from other tools' (an upload step's `category` input may refine it).
#[derive(Serialize)]
struct AutomationDetails {
    id: &'static str,
}

/// How the run went (§3.20). The log is written only when the analysis ran, so
/// `executionSuccessful` is true; what it could not parse (SQL001) is reported as
/// notifications too, as CodeQL reports its extraction errors.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    command_line: Option<String>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    arguments: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification<'a> {
    level: &'static str,
    message: MessageRef<'a>,
    locations: [Location<'a>; 1],
    associated_rule: RuleReference,
}

#[derive(Serialize)]
struct RuleReference {
    id: &'static str,
    index: usize,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    short_description: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Help>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_configuration: Option<Configuration>,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: &'static str,
    markdown: &'static str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    /// GitHub code scanning ranks security alerts by this score (0.0 to 10.0:
    /// 9.0 and up critical, 7.0 high, 4.0 medium, below that low).
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<MessageRef<'a>>,
}

#[derive(Serialize)]
struct MessageRef<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

/// The project's home page or repository, when the package declares one (`homepage` or
/// `repository` in Cargo.toml); none is made up.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|uri| !uri.is_empty())
}

/// Where a rule's background lives on the web: the first SQL Server documentation page its
/// *References* section links to. The rule's own documentation travels in `help`, and the
/// project has no public home page to host it, so the link names a page that exists.
pub fn help_uri(code: Code) -> Option<String> {
    let doc = analysis::rules::find(code)?.meta.doc;
    let references = &doc[doc.find("References")?..];
    let start = references.find("https://")?;
    let link = &references[start..];
    let end = link
        .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | ']' | '"' | '`'))
        .unwrap_or(link.len());
    Some(link[..end].trim_end_matches(['.', ',']).to_owned())
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The first paragraph of the doc's *What it does* section, or the summary.
fn full_description(meta: &RuleMeta) -> String {
    let mut lines = meta.doc.lines().skip_while(|line| {
        !(line.starts_with('#') && line.to_ascii_lowercase().contains("what it does"))
    });
    if lines.next().is_none() {
        return meta.summary.to_string();
    }
    let paragraph: Vec<&str> = lines
        .skip_while(|line| line.trim().is_empty())
        .take_while(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(str::trim)
        .collect();
    if paragraph.is_empty() {
        meta.summary.to_string()
    } else {
        paragraph.join(" ")
    }
}

fn rule(meta: &RuleMeta) -> Rule {
    Rule {
        id: meta.code.as_str(),
        name: Some(meta.name),
        short_description: Some(Text {
            text: meta.summary.to_string(),
        }),
        full_description: Some(Text {
            text: full_description(meta),
        }),
        help: Some(Help {
            text: meta.doc,
            markdown: meta.doc,
        }),
        help_uri: help_uri(meta.code),
        default_configuration: Some(Configuration {
            level: level(meta.severity),
        }),
        properties: RuleProperties {
            tags: tags(meta.code),
            security_severity: security_severity(meta.code),
        },
    }
}

/// A score for the security rules only ([`crate::report::security_severity`]): the
/// text rules (SQL) are not security alerts.
fn security_severity(code: Code) -> Option<String> {
    crate::report::security_severity(code).map(|score| format!("{score:.1}"))
}

/// The rule's group, `security` for the security rules, and CodeQL's spelling of the
/// CWE entries that fit (`external/cwe/cwe-89`), which code scanning shows and filters by.
fn tags(code: Code) -> Vec<String> {
    let mut tags = vec![code.group().to_ascii_lowercase()];
    if !crate::report::is_text_rule(code) {
        tags.push("security".to_string());
    }
    for cwe in crate::report::cwes(code) {
        tags.push(format!("external/cwe/cwe-{cwe}"));
    }
    tags
}

/// The command line as one string, each argument quoted when a shell would split it.
fn command_line(arguments: &[String]) -> Option<String> {
    if arguments.is_empty() {
        return None;
    }
    let quoted: Vec<String> = arguments
        .iter()
        .map(|argument| {
            if !argument.is_empty()
                && argument
                    .chars()
                    .all(|c| c.is_alphanumeric() || "-_./=:,@%+".contains(c))
            {
                argument.clone()
            } else {
                format!("'{}'", argument.replace('\'', "'\\''"))
            }
        })
        .collect();
    Some(quoted.join(" "))
}

/// The run's root as a file URI ending in `/`, as `originalUriBaseIds` requires.
fn root_uri(report: &Report<'_>) -> Option<String> {
    let root = report.root.as_ref()?;
    Url::from_directory_path(root).ok().map(String::from)
}

fn artifact(report: &Report<'_>, place: &Place) -> ArtifactLocation {
    if place.relative {
        let uri = match report.root.as_ref().and_then(|root| {
            let base = Url::from_directory_path(root).ok()?;
            let file = Url::from_file_path(root.join(&place.path)).ok()?;
            base.make_relative(&file)
        }) {
            Some(uri) => uri,
            None => place.path.clone(),
        };
        ArtifactLocation {
            uri,
            uri_base_id: Some(SRCROOT),
        }
    } else {
        let uri = Url::from_file_path(&place.path)
            .map(String::from)
            .unwrap_or_else(|()| place.path.clone());
        ArtifactLocation {
            uri,
            uri_base_id: None,
        }
    }
}

fn physical(report: &Report<'_>, place: &Place) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: artifact(report, place),
        region: Region {
            start_line: place.start.line,
            start_column: place.start.column,
            end_line: place.end.line,
            end_column: place.end.column,
        },
    }
}

/// The report as one JSON document, in a string (for tests and small reports).
pub fn render(report: &Report<'_>) -> String {
    super::written(|out| write(report, out))
}

/// Writes the report as it is serialised, so that the document of a large report is
/// never held whole in memory (a 100k-object project's SARIF log is over 100 MB).
pub fn write(report: &Report<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut rules: Vec<Rule> = analysis::rules::all()
        .into_iter()
        .map(|registered| rule(&registered.meta))
        .collect();
    let mut index: BTreeMap<Code, usize> = analysis::rules::all()
        .into_iter()
        .enumerate()
        .map(|(i, registered)| (registered.meta.code, i))
        .collect();

    let mut results = Vec::with_capacity(report.findings.len());
    let mut notifications = Vec::new();
    for finding in &report.findings {
        let code = finding.code();
        // A code without a registered rule still gets a descriptor, so that every
        // `ruleIndex` points at an entry.
        let rule_index = *index.entry(code).or_insert_with(|| {
            rules.push(Rule {
                id: code.as_str(),
                name: None,
                short_description: None,
                full_description: None,
                help: None,
                help_uri: help_uri(code),
                default_configuration: None,
                properties: RuleProperties {
                    tags: tags(code),
                    security_severity: security_severity(code),
                },
            });
            rules.len() - 1
        });
        let mut text = finding.message().to_string();
        if let Some(fix) = &finding.diagnostic.fix {
            text.push_str(if text.ends_with('.') {
                " Fix: "
            } else {
                ". Fix: "
            });
            text.push_str(fix);
        }
        results.push(SarifResult {
            rule_id: code.as_str(),
            rule_index,
            level: level(finding.severity()),
            message: Message { text },
            locations: [Location {
                id: None,
                physical_location: physical(report, &finding.place),
                message: None,
            }],
            related_locations: finding
                .related
                .iter()
                .enumerate()
                .map(|(i, related)| Location {
                    id: Some(i + 1),
                    physical_location: physical(report, &related.place),
                    message: Some(MessageRef {
                        text: &related.message,
                    }),
                })
                .collect(),
            partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, finding.fingerprint.as_str())]),
        });
        if code == Code::Sql001 {
            notifications.push(Notification {
                level: "error",
                message: MessageRef {
                    text: finding.message(),
                },
                locations: [Location {
                    id: None,
                    physical_location: physical(report, &finding.place),
                    message: None,
                }],
                associated_rule: RuleReference {
                    id: code.as_str(),
                    index: rule_index,
                },
            });
        }
    }

    let original_uri_base_ids = root_uri(report)
        .map(|uri| {
            BTreeMap::from([(
                SRCROOT,
                ArtifactLocation {
                    uri,
                    uri_base_id: None,
                },
            )])
        })
        .unwrap_or_default();

    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: env!("CARGO_PKG_NAME"),
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: information_uri(),
                    rules,
                },
            },
            automation_details: AutomationDetails { id: "sqlwarden/" },
            invocations: [Invocation {
                execution_successful: true,
                command_line: command_line(&report.command_line),
                arguments: report.command_line.get(1..).unwrap_or_default(),
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids,
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    super::write_document(out, &log)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample;
    use serde_json::{Value, json};
    use std::path::PathBuf;

    #[test]
    fn results_locations_and_fingerprints() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        let log: Value = serde_json::from_str(&render(&report)).expect("valid JSON");
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(
            run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file:///proj/"
        );
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let driver = &run["tool"]["driver"];
        // The package declares no public home page, so the log names none rather than a
        // made-up one.
        assert_eq!(driver["informationUri"].as_str(), information_uri());
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        for rule in driver["rules"].as_array().into_iter().flatten() {
            let security = rule["properties"]["tags"]
                .as_array()
                .is_some_and(|tags| tags.iter().any(|tag| tag == "security"));
            assert_eq!(
                security,
                rule["properties"]["security-severity"].is_string(),
                "{rule}"
            );
        }
        let first = &run["results"][0];
        assert_eq!(first["ruleId"], "PRM001");
        assert_eq!(first["level"], "error");
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        let index = first["ruleIndex"].as_u64().expect("index") as usize;
        assert_eq!(rules[index]["id"], "PRM001");
        assert_eq!(
            first["locations"][0]["physicalLocation"],
            json!({
                "artifactLocation": {"uri": "procs.sql", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 3, "startColumn": 10, "endLine": 3, "endColumn": 31}
            })
        );
        assert_eq!(first["relatedLocations"][0]["id"], 1);
        assert_eq!(
            first["relatedLocations"][0]["message"]["text"],
            "the grant that lets sales_app execute dbo.quote"
        );
        assert!(first["message"]["text"].as_str().is_some_and(|text| {
            text.ends_with("chain. Fix: GRANT EXECUTE ON pricing.current_price TO sales_app;")
        }));
        assert_eq!(
            first["partialFingerprints"][FINGERPRINT_KEY],
            report.findings[0].fingerprint.as_str()
        );
        assert!(run["results"][1].get("relatedLocations").is_none());
        assert_eq!(run["automationDetails"]["id"], "sqlwarden/");
        assert_eq!(run["invocations"][0]["executionSuccessful"], true);
        // No parse error, no notification.
        assert!(
            run["invocations"][0]
                .get("toolExecutionNotifications")
                .is_none()
        );
    }

    #[test]
    fn scores_and_cwe_tags_are_calibrated_per_rule() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        let log: Value = serde_json::from_str(&render(&report)).expect("valid JSON");
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .expect("rules")
            .clone();
        let rule = |id: &str| {
            rules
                .iter()
                .find(|r| r["id"] == id)
                .unwrap_or_else(|| panic!("{id} listed"))
                .clone()
        };
        assert_eq!(rule("IMP004")["properties"]["security-severity"], "9.1");
        assert_eq!(
            rule("IMP004")["properties"]["tags"],
            json!([
                "imp",
                "security",
                "external/cwe/cwe-89",
                "external/cwe/cwe-250"
            ])
        );
        assert_eq!(rule("PRM006")["properties"]["security-severity"], "2.0");
        assert_eq!(
            rule("PRM005")["properties"]["tags"],
            json!(["prm", "security", "external/cwe/cwe-732"])
        );
        assert_eq!(
            rule("PRM009")["properties"]["tags"][2],
            "external/cwe/cwe-269"
        );
        assert_eq!(
            rule("IMP001")["properties"]["tags"][2],
            "external/cwe/cwe-250"
        );
        assert!(
            rule("SQL001")["properties"]
                .get("security-severity")
                .is_none()
        );
    }

    #[test]
    fn parse_errors_are_notifications_too_and_the_command_line_is_recorded() {
        let (files, mut diagnostics) = sample();
        diagnostics[2].code = Code::Sql001;
        diagnostics[2].severity = Severity::Error;
        let mut report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        report.command_line = vec![
            "sqlwarden".into(),
            "check".into(),
            "my dir".into(),
            "--format=sarif".into(),
        ];
        let log: Value = serde_json::from_str(&render(&report)).expect("valid JSON");
        let invocation = &log["runs"][0]["invocations"][0];
        assert_eq!(
            invocation["commandLine"],
            "sqlwarden check 'my dir' --format=sarif"
        );
        assert_eq!(
            invocation["arguments"],
            json!(["check", "my dir", "--format=sarif"])
        );
        let notifications = invocation["toolExecutionNotifications"]
            .as_array()
            .expect("notifications");
        assert_eq!(notifications.len(), 1);
        assert_eq!(notifications[0]["level"], "error");
        assert_eq!(notifications[0]["associatedRule"]["id"], "SQL001");
        assert_eq!(
            notifications[0]["message"]["text"],
            "this suppression suppressed nothing"
        );
        assert_eq!(
            notifications[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "security.sql"
        );
        let index = notifications[0]["associatedRule"]["index"]
            .as_u64()
            .unwrap() as usize;
        assert_eq!(
            log["runs"][0]["tool"]["driver"]["rules"][index]["id"],
            "SQL001"
        );
    }

    #[test]
    fn paths_with_spaces_are_percent_encoded_and_outsiders_are_absolute() {
        let mut files = analysis::SourceFiles::default();
        let inside = files.add(
            PathBuf::from("my dir/a#1.sql"),
            PathBuf::from("/proj/my dir/a#1.sql"),
            "x".into(),
        );
        let outside = files.add(
            PathBuf::from("/other/b.sql"),
            PathBuf::from("/other/b.sql"),
            "y".into(),
        );
        let diagnostic = |file| analysis::Diagnostic {
            code: Code::Sql001,
            severity: Severity::Error,
            message: "m".into(),
            location: analysis::Location {
                file,
                range: syntax::TextRange::new(0, 1),
            },
            related: vec![],
            fix: None,
        };
        let diagnostics = vec![diagnostic(inside), diagnostic(outside)];
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        let log: Value = serde_json::from_str(&render(&report)).expect("valid JSON");
        let uri = |i: usize| {
            log["runs"][0]["results"][i]["locations"][0]["physicalLocation"]["artifactLocation"]
                .clone()
        };
        assert_eq!(
            uri(0),
            json!({"uri": "my%20dir/a%231.sql", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(uri(1), json!({"uri": "file:///other/b.sql"}));
    }

    /// Every rule's `helpUri` is a real documentation page taken from its References.
    #[test]
    fn every_rule_links_to_a_documentation_page() {
        for rule in analysis::rules::all() {
            let uri = super::help_uri(rule.meta.code)
                .unwrap_or_else(|| panic!("{} has no reference link", rule.meta.code));
            assert!(
                uri.starts_with("https://") && !uri.contains(char::is_whitespace),
                "{}: {uri}",
                rule.meta.code
            );
        }
    }
}
