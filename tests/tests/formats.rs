//! What users see, in every format, for the small fixture project in
//! `fixtures/small`. Each snapshot has an explicit expectation beside it: the findings'
//! codes and lines must be exactly the `--!expect` markers written in the fixture's
//! files, so that a snapshot cannot bless a lost or a new finding.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;
use sqlwarden_tests::{Program, case, package_dir, sarif};

fn program() -> Program {
    Program::new(env!("CARGO_BIN_EXE_sqlwarden-under-test"))
}

fn fixture() -> PathBuf {
    let dir = package_dir().join("fixtures/small");
    dir.canonicalize().unwrap_or(dir)
}

/// (code, file, line) for every marker in the fixture.
fn expected() -> BTreeSet<(String, String, u32)> {
    let mut out = BTreeSet::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixture())
        .expect("fixture folder")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&path).expect("fixture file");
        for (code, lo, hi) in case::markers(&text).0 {
            assert_eq!(lo, hi, "fixture markers name one line");
            out.insert((code, name.clone(), lo));
        }
    }
    out
}

/// Runs `check . --format FORMAT` in the fixture folder.
fn check(format: &str) -> sqlwarden_tests::Run {
    let run = program().run(
        &fixture(),
        &["check", ".", "--format", format, "--no-color"],
    );
    assert_eq!(
        run.status, 1,
        "findings at warning or above: {}",
        run.stderr
    );
    run
}

/// Replaces what depends on the machine.
fn stable(text: &str) -> String {
    let binary = env!("CARGO_BIN_EXE_sqlwarden-under-test");
    text.replace(binary, "[BIN]")
        .replace(&fixture().to_string_lossy().into_owned(), "[ROOT]")
}

#[test]
fn sarif() {
    let run = check("sarif");
    let mut log: Value = serde_json::from_str(&run.stdout).expect("JSON");
    sarif::assert_valid(&log, "the small fixture");

    let found: BTreeSet<(String, String, u32)> = sarif::findings(&log)
        .into_iter()
        .map(|f| (f.code, f.path, f.start))
        .collect();
    assert_eq!(found, expected());

    let run0 = &log["runs"][0];
    assert_eq!(
        run0["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        format!("file://{}/", fixture().display())
    );
    for result in run0["results"].as_array().expect("results") {
        let location = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(location["uriBaseId"], "%SRCROOT%");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            run0["tool"]["driver"]["rules"][index]["id"],
            result["ruleId"]
        );
    }
    // Every registered rule is described, with its documentation as help.
    let rules = run0["tool"]["driver"]["rules"].as_array().expect("rules");
    let codes: BTreeSet<String> = program().registered_codes().into_iter().collect();
    for rule in rules {
        assert!(codes.contains(rule["id"].as_str().unwrap_or("")));
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .is_some_and(|h| !h.is_empty())
        );
        assert!(rule["shortDescription"]["text"].is_string());
        assert!(rule["defaultConfiguration"]["level"].is_string());
    }
    assert_eq!(rules.len(), codes.len());

    // The rules' documentation changes with every rule; the snapshot shows the rest.
    log["runs"][0]["tool"]["driver"]["rules"] = Value::String(format!("[{} rules]", rules.len()));
    let text = serde_json::to_string_pretty(&log).expect("JSON");
    insta::assert_snapshot!(stable(&text));
}

#[test]
fn json() {
    let run = check("json");
    let value: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let found: BTreeSet<(String, String, u32)> = value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or("").to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
                f["start"]["line"].as_u64().unwrap_or(0) as u32,
            )
        })
        .collect();
    assert_eq!(found, expected());
    assert_eq!(value["summary"]["files_checked"], 4);
    insta::assert_snapshot!(stable(&run.stdout));
}

#[test]
fn text() {
    let run = check("text");
    for (code, file, line) in expected() {
        // Parse errors are listed, one file a line, after the other findings' frames.
        let shown = if code == "SQL001" {
            run.stdout.contains(&format!("\n  {file}:{line}:"))
        } else {
            run.stdout.contains(&format!("[{code} "))
                && run.stdout.contains(&format!("--> {file}:{line}:"))
        };
        assert!(
            shown,
            "{code} at {file}:{line} missing from:\n{}",
            run.stdout
        );
    }
    assert!(
        !run.stdout.contains('\x1b'),
        "no colour when not on a terminal"
    );
    insta::assert_snapshot!(stable(&run.stdout));
}

#[test]
fn github() {
    let run = check("github");
    let found: BTreeSet<(String, String, u32)> = run
        .stdout
        .lines()
        .map(|line| {
            let file = between(line, "file=", ",");
            let line_number = between(line, ",line=", ",").parse().unwrap_or(0);
            let code = between(line, "title=", "::");
            let code = code.split(' ').next().unwrap_or("").to_string();
            (code, file, line_number)
        })
        .collect();
    assert_eq!(found, expected());
    assert!(run.stdout.lines().all(|line| line.starts_with("::error ")
        || line.starts_with("::warning ")
        || line.starts_with("::notice ")));
    // The most important first: every error before every warning, SQL001 last of them.
    let kinds: Vec<&str> = run
        .stdout
        .lines()
        .map(|line| line.split(' ').next().unwrap_or(""))
        .collect();
    let mut sorted = kinds.clone();
    sorted.sort_by_key(|kind| match *kind {
        "::error" => 0,
        "::warning" => 1,
        _ => 2,
    });
    assert_eq!(kinds, sorted);
    let titles: Vec<String> = run
        .stdout
        .lines()
        .filter(|line| line.starts_with("::error "))
        .map(|line| between(line, "title=", " "))
        .collect();
    let first_parse_error = titles.iter().position(|t| t == "SQL001");
    assert!(
        first_parse_error.is_none_or(|at| titles[at..].iter().all(|t| t.starts_with("SQL"))),
        "{titles:?}"
    );
    insta::assert_snapshot!(stable(&run.stdout));
}

/// (code, file, line) from `path:line:column: severity[CODE] message` lines.
fn concise_places(text: &str) -> BTreeSet<(String, String, u32)> {
    text.lines()
        .filter(|line| line.contains(": ") && line.contains('['))
        .filter_map(|line| {
            let mut parts = line.splitn(3, ':');
            let file = parts.next()?.to_string();
            let line_number = parts.next()?.parse().ok()?;
            let code = between(line, "[", "]");
            Some((code, file, line_number))
        })
        .collect()
}

#[test]
fn concise() {
    let run = check("concise");
    assert_eq!(concise_places(&run.stdout), expected());
    insta::assert_snapshot!(stable(&run.stdout));
}

#[test]
fn grouped() {
    let run = check("grouped");
    let mut found = BTreeSet::new();
    let mut file = String::new();
    for line in run.stdout.lines() {
        if let Some(path) = line.strip_suffix(':').filter(|_| !line.starts_with(' ')) {
            file = path.to_string();
        } else if let Some(rest) = line.strip_prefix("  ") {
            let line_number = rest
                .split(':')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            found.insert((between(rest, "[", "]"), file.clone(), line_number));
        }
    }
    assert_eq!(found, expected());
    insta::assert_snapshot!(stable(&run.stdout));
}

#[test]
fn azure() {
    let run = check("azure");
    let found: BTreeSet<(String, String, u32)> = run
        .stdout
        .lines()
        .map(|line| {
            (
                between(line, ";code=", ";"),
                between(line, "sourcepath=", ";"),
                between(line, "linenumber=", ";").parse().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(found, expected());
    assert!(run.stdout.lines().all(|line| {
        line.starts_with("##vso[task.logissue type=error;")
            || line.starts_with("##vso[task.logissue type=warning;")
    }));
    insta::assert_snapshot!(stable(&run.stdout));
}

/// GitLab's Code Quality report, checked against the fields GitLab's documentation
/// ("Code Quality report format") requires of each issue: `description`, `check_name`,
/// `fingerprint`, `severity` (one of five) and `location.path` with `location.lines.begin`.
/// GitLab publishes that table rather than a JSON schema; this schema states it.
#[test]
fn gitlab() {
    let run = check("gitlab");
    let value: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let schema = serde_json::json!({
        "type": "array",
        "items": {
            "type": "object",
            "required": ["description", "check_name", "fingerprint", "severity", "location"],
            "properties": {
                "type": {"const": "issue"},
                "description": {"type": "string", "minLength": 1},
                "check_name": {"type": "string", "minLength": 1},
                "fingerprint": {"type": "string", "minLength": 1},
                "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
                "categories": {"type": "array", "items": {"type": "string"}},
                "location": {
                    "type": "object",
                    "required": ["path", "lines"],
                    "properties": {
                        "path": {"type": "string", "minLength": 1, "not": {"pattern": "^(/|\\./)"}},
                        "lines": {
                            "type": "object",
                            "required": ["begin"],
                            "properties": {
                                "begin": {"type": "integer", "minimum": 1},
                                "end": {"type": "integer", "minimum": 1}
                            }
                        }
                    }
                }
            }
        }
    });
    let validator = jsonschema::validator_for(&schema).expect("schema");
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let issues = value.as_array().expect("array");
    let found: BTreeSet<(String, String, u32)> = issues
        .iter()
        .map(|issue| {
            (
                issue["check_name"].as_str().unwrap_or("").to_string(),
                issue["location"]["path"].as_str().unwrap_or("").to_string(),
                issue["location"]["lines"]["begin"].as_u64().unwrap_or(0) as u32,
            )
        })
        .collect();
    assert_eq!(found, expected());
    let prints: BTreeSet<&str> = issues
        .iter()
        .filter_map(|i| i["fingerprint"].as_str())
        .collect();
    assert_eq!(prints.len(), issues.len(), "fingerprints are unique");
    insta::assert_snapshot!(stable(&run.stdout));
}

#[test]
fn junit() {
    let run = check("junit");
    let xml = regex::Regex::new(r#"timestamp="[^"]*" hostname="[^"]*""#)
        .expect("regex")
        .replace_all(&run.stdout, r#"timestamp="[TIME]" hostname="[HOST]""#)
        .into_owned();
    let case = regex::Regex::new(
        r#"<testcase name="([A-Z]{3}\d{3})[^"]* at line (\d+), column \d+" classname="([^"]+)""#,
    )
    .expect("regex");
    let found: BTreeSet<(String, String, u32)> = case
        .captures_iter(&xml)
        .map(|c| {
            (
                c[1].to_string(),
                c[3].to_string(),
                c[2].parse().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(found, expected());
    assert_eq!(xml.matches("<failure ").count(), expected().len());
    insta::assert_snapshot!(stable(&xml));
}

fn between(text: &str, start: &str, end: &str) -> String {
    text.split_once(start)
        .and_then(|(_, rest)| rest.split_once(end).map(|(value, _)| value.to_string()))
        .unwrap_or_default()
}
