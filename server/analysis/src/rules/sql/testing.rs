//! The data-driven test helper for the CLR, IMP and SQL rules and for suppressions.
//!
//! A fixture is one or more files, each started by `=== file: PATH` (a fixture without
//! one is a single `test.sql`). A line that ends in `--! CODE` expects a finding of that
//! code on that line; `--! CODE: message` also fixes the exact message; several
//! expectations on one line are separated by ` | `. The markers are cut from the text
//! before it is parsed, so they change neither the statements nor the comments.
//! The files are written to a temporary folder and loaded as `sqlwarden check FOLDER`
//! would load them, so a `.sqlproj` among them is a real project.
//!
//! [`check`] runs the CLR, IMP and SQL rules, adds the loader's findings, applies
//! suppressions and compares every finding of those groups with the expectations: same
//! file, line, code and (when given) message, and nothing more.

use crate::diagnostic::{Code, Diagnostic};
use crate::model::Model;
use crate::project::{LoadOptions, Workspace};
use crate::rules::{Context, Rule, clr, imp, sql};

/// One expected finding: file path, one-based line, code and maybe the exact message.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Expected {
    path: String,
    line: usize,
    code: Code,
    message: Option<String>,
}

const MARKER: &str = "--!";

/// Builds the fixture's workspace, runs the rules, and asserts the findings.
pub(crate) fn check(fixture: &str) {
    let (workspace, expected) = load(fixture);
    let actual = findings(&workspace);
    compare(&workspace, &actual, &expected);
}

/// The findings of the CLR, IMP and SQL rules on the fixture, suppressions applied.
pub(crate) fn findings(workspace: &Workspace) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for project in &workspace.projects {
        let model = Model::build(workspace, project);
        let context = Context {
            workspace,
            project,
            model: &model,
        };
        for rule in own_rules() {
            (rule.check)(&context, &mut diagnostics);
        }
    }
    diagnostics.extend(workspace.diagnostics.iter().cloned());
    crate::suppression::apply(workspace, diagnostics)
}

fn own_rules() -> impl Iterator<Item = &'static Rule> {
    clr::RULES
        .iter()
        .chain(imp::RULES)
        .chain(sql::RULES)
        .copied()
}

/// The fixture's files written to a temporary folder and loaded by the real loader (so
/// `.sqlproj` items and properties, `:r` and deployment-script names behave as in a
/// run), and its expectations.
pub(crate) fn load(fixture: &str) -> (Workspace, Vec<Expected>) {
    let mut files: Vec<(String, String)> = Vec::new();
    for line in fixture.lines() {
        if let Some(path) = line.strip_prefix("=== file:") {
            files.push((path.trim().to_owned(), String::new()));
            continue;
        }
        if files.is_empty() {
            if line.trim().is_empty() {
                continue;
            }
            files.push(("test.sql".to_owned(), String::new()));
        }
        let (_, text) = files.last_mut().expect("a file was just pushed");
        text.push_str(line);
        text.push('\n');
    }

    let folder = tempfile::tempdir().expect("a temporary folder");
    let mut expected = Vec::new();
    for (path, text) in &files {
        let mut clean = String::new();
        for (index, line) in text.lines().enumerate() {
            match line.find(MARKER) {
                Some(at) => {
                    for item in line[at + MARKER.len()..].split(" | ") {
                        let (code, message) = match item.split_once(':') {
                            Some((code, message)) => (code, Some(message.trim().to_owned())),
                            None => (item, None),
                        };
                        let code = Code::parse(code)
                            .unwrap_or_else(|| panic!("unknown code in marker {item:?}"));
                        expected.push(Expected {
                            path: path.clone(),
                            line: index + 1,
                            code,
                            message,
                        });
                    }
                    clean.push_str(line[..at].trim_end());
                }
                None => clean.push_str(line),
            }
            clean.push('\n');
        }
        let target = folder.path().join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).expect("a fixture folder");
        }
        std::fs::write(&target, clean).expect("a fixture file");
    }
    let workspace = crate::load::load(&[folder.path().to_path_buf()], &LoadOptions::default())
        .expect("the fixture loads");
    expected.sort();
    (workspace, expected)
}

fn compare(workspace: &Workspace, actual: &[Diagnostic], expected: &[Expected]) {
    let groups = ["CLR", "IMP", "SQL"];
    let mut found: Vec<Expected> = actual
        .iter()
        .filter(|d| groups.contains(&d.code.group()))
        .map(|d| {
            let file = workspace.files.get(d.location.file);
            Expected {
                path: file.path.to_string_lossy().into_owned(),
                line: file.line_index.line_of(d.location.range.start) + 1,
                code: d.code,
                message: Some(d.message.clone()),
            }
        })
        .collect();
    found.sort();
    let mut unmatched_expected = Vec::new();
    let mut remaining = found.clone();
    for want in expected {
        let position = remaining.iter().position(|got| {
            got.path == want.path
                && got.line == want.line
                && got.code == want.code
                && (want.message.is_none() || got.message == want.message)
        });
        match position {
            Some(i) => {
                remaining.remove(i);
            }
            None => unmatched_expected.push(want.clone()),
        }
    }
    if unmatched_expected.is_empty() && remaining.is_empty() {
        return;
    }
    let show = |list: &[Expected]| {
        list.iter()
            .map(|e| {
                format!(
                    "  {}:{} {} {}",
                    e.path,
                    e.line,
                    e.code,
                    e.message.as_deref().unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    panic!(
        "findings differ from the fixture's expectations\nmissing:\n{}\nunexpected:\n{}\nall findings:\n{}",
        show(&unmatched_expected),
        show(&remaining),
        show(&found)
    );
}
