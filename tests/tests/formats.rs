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
    text.replace(&fixture().to_string_lossy().into_owned(), "[ROOT]")
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
        assert!(
            run.stdout.contains(&format!("[{code}]"))
                && run.stdout.contains(&format!("--> {file}:{line}:")),
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
    insta::assert_snapshot!(stable(&run.stdout));
}

fn between(text: &str, start: &str, end: &str) -> String {
    text.split_once(start)
        .and_then(|(_, rest)| rest.split_once(end).map(|(value, _)| value.to_string()))
        .unwrap_or_default()
}
