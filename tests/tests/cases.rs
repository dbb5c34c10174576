//! Runs every `.case` file, the shared examples and our own, through the real program
//! with `--format sarif`, validates each log against the SARIF 2.1.0 schema, and scores
//! the findings exactly as `../shared/score-cases.py` does.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sqlwarden_tests::{Program, case, package_dir, sarif, workspace_root};

fn program() -> Program {
    Program::new(env!("CARGO_BIN_EXE_sqlwarden-under-test"))
}

/// The outcome of a folder of cases.
struct Tally {
    expected: usize,
    missed: usize,
    extra: usize,
    ok: usize,
    total: usize,
    skipped: Vec<String>,
    known_gaps: Vec<String>,
    failures: Vec<String>,
}

/// Runs and scores every `.case` in `dir`. A case that expects or forbids a code with no
/// registered rule is skipped (and listed), so that a case waits for its rule instead of
/// failing the build; once the rule is registered the case counts.
fn run_cases(dir: &Path) -> Tally {
    let program = program();
    let registered: BTreeSet<String> = program.registered_codes().into_iter().collect();
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "case"))
        .collect();
    names.sort();
    let mut tally = Tally {
        expected: 0,
        missed: 0,
        extra: 0,
        ok: 0,
        total: 0,
        skipped: Vec::new(),
        known_gaps: Vec::new(),
        failures: Vec::new(),
    };
    // Cases run from a folder that does not hold them, as the score script does.
    let elsewhere = tempfile::tempdir().expect("temp dir");
    for path in names {
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        let parsed = case::parse(&text);
        let unregistered: Vec<String> = parsed
            .scored_codes()
            .into_iter()
            .filter(|code| !registered.contains(code))
            .collect();
        if !unregistered.is_empty() {
            tally.skipped.push(format!(
                "{name} (no rule yet for {})",
                unregistered.join(", ")
            ));
            continue;
        }
        tally.total += 1;
        tally.expected += parsed.expects.len();
        let root = tempfile::tempdir().expect("temp dir");
        parsed.write(root.path()).expect("case written");
        let root_arg = root.path().to_string_lossy().into_owned();
        let run = program.run(elsewhere.path(), &["check", &root_arg, "--format", "sarif"]);
        if run.status != 0 && run.status != 1 {
            tally.missed += parsed.expects.len();
            tally.failures.push(format!(
                "{name}: exit status {}: {}",
                run.status,
                run.stderr.trim()
            ));
            continue;
        }
        let log: Value = match serde_json::from_str(&run.stdout) {
            Ok(log) => log,
            Err(error) => {
                tally.missed += parsed.expects.len();
                tally
                    .failures
                    .push(format!("{name}: output is not JSON: {error}"));
                continue;
            }
        };
        sarif::assert_valid(&log, &name);
        let score = parsed.score(&sarif::findings(&log));
        if let Some(why) = &parsed.known_gap {
            // A known gap is expected to fail; it counts neither way in the score.
            tally.total -= 1;
            tally.expected -= parsed.expects.len();
            if score.ok() {
                tally.failures.push(format!(
                    "{name}: passes now; remove its `known-gap: {why}` line"
                ));
            } else {
                tally.known_gaps.push(format!("{name} ({why})"));
            }
            continue;
        }
        tally.missed += score.missed.len();
        tally.extra += score.extra.len();
        if score.ok() {
            tally.ok += 1;
        } else {
            let mut line = format!("{name}:");
            for missed in &score.missed {
                let _ = write!(
                    line,
                    " missed {} at {}:{}-{};",
                    missed.code, missed.path, missed.lo, missed.hi
                );
            }
            for extra in &score.extra {
                let file = extra.path.rsplit('/').next().unwrap_or(&extra.path);
                let _ = write!(line, " extra {} at {}:{};", extra.code, file, extra.start);
            }
            tally.failures.push(line);
        }
    }
    let found = tally.expected - tally.missed;
    let recall = ratio(found, tally.expected);
    let precision = ratio(found, found + tally.extra);
    println!(
        "{}: recall {recall:.2} precision {precision:.2} cases_ok {}/{}",
        dir.display(),
        tally.ok,
        tally.total
    );
    for skipped in &tally.skipped {
        println!("skipped {skipped}");
    }
    for gap in &tally.known_gaps {
        println!("known gap, still failing as expected: {gap}");
    }
    tally
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

fn assert_all_pass(tally: &Tally) {
    assert!(
        tally.failures.is_empty(),
        "{} case(s) failed:\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
}

/// A suite of the contract's cases, outside the repository: `../shared/NAME`, or
/// `$SQLWARDEN_SHARED/NAME`, or the folder an environment variable names.
fn shared_suite(name: &str, variable: &str) {
    let dir = std::env::var_os(variable)
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("SQLWARDEN_SHARED").map(|s| PathBuf::from(s).join(name)))
        .unwrap_or_else(|| workspace_root().join("../shared").join(name));
    if !dir.is_dir() {
        println!(
            "skipped: no shared cases at {} (set {variable} or SQLWARDEN_SHARED to run them)",
            dir.display()
        );
        return;
    }
    let tally = run_cases(&dir);
    assert_all_pass(&tally);
}

/// The examples that come with the project's contract (`../shared/examples`, or
/// `SQLWARDEN_EXAMPLES`).
#[test]
fn shared_examples() {
    shared_suite("examples", "SQLWARDEN_EXAMPLES");
}

/// The contract's cases for the model SQL Server really has: data flow into dynamic SQL,
/// signing, transfers (`../shared/examples-model`, or `SQLWARDEN_EXAMPLES_MODEL`).
#[test]
fn shared_model_examples() {
    shared_suite("examples-model", "SQLWARDEN_EXAMPLES_MODEL");
}

/// The contract's cases for the C# source of SQLCLR assemblies (`../shared/examples-clr`,
/// or `SQLWARDEN_EXAMPLES_CLR`).
#[test]
fn shared_clr_examples() {
    shared_suite("examples-clr", "SQLWARDEN_EXAMPLES_CLR");
}

/// Our own cases, positive and negative for each rule.
#[test]
fn our_cases() {
    let dir = package_dir().join("cases");
    let tally = run_cases(&dir);
    assert!(
        tally.total + tally.skipped.len() > 0,
        "no .case files in {}",
        dir.display()
    );
    assert_all_pass(&tally);
}
