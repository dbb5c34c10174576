//! The data-driven fixture helper that every rule group's tests use.
//!
//! A fixture is one or more files, each started by `=== file: PATH` (a fixture without
//! one is a single `test.sql`). `=== var: NAME=VALUE` passes a SQLCMD variable as
//! `--var` would, and `=== default-schema: NAME` sets the default schema as
//! `--default-schema` would. A line that ends in `--! CODE` expects a finding of that
//! code on that line; `--! CODE: message` also fixes the exact message; several
//! expectations on one line are separated by ` | `. The markers are cut from the text
//! before it is parsed, so they change neither the statements nor the comments.
//!
//! The files are written to a temporary folder and loaded by the real loader, exactly as
//! `sqlwarden check FOLDER` loads them: files apply in sorted path order, a `.sqlproj`
//! among them is a real project, and `:r` and deployment-script names behave as in a run.

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::model::Model;
use crate::project::{LoadOptions, Workspace};
use crate::rules::{Context, Rule};

/// One expected finding: file path, one-based line, code and maybe the exact message.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Expected {
    pub path: String,
    pub line: usize,
    pub code: Code,
    pub message: Option<String>,
}

const MARKER: &str = "--!";

/// The fixture's workspace, loaded from a temporary folder, and its expectations.
pub(crate) fn load(fixture: &str) -> (Workspace, Vec<Expected>) {
    let mut options = LoadOptions::default();
    let mut files: Vec<(String, String)> = Vec::new();
    for line in fixture.lines() {
        if let Some(path) = line.strip_prefix("=== file:") {
            files.push((path.trim().to_owned(), String::new()));
            continue;
        }
        if let Some(definition) = line.strip_prefix("=== var:") {
            if let Some((name, value)) = definition.split_once('=') {
                options
                    .variables
                    .push((name.trim().to_owned(), value.trim().to_owned()));
            }
            continue;
        }
        if let Some(schema) = line.strip_prefix("=== default-schema:") {
            options.default_schema = Some(schema.trim().to_owned());
            continue;
        }
        if files.is_empty() {
            if line.trim().is_empty() {
                continue;
            }
            files.push(("test.sql".to_owned(), String::new()));
        }
        if let Some((_, text)) = files.last_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }

    let folder = tempfile::tempdir().expect("a temporary folder");
    let mut expected = Vec::new();
    for (path, text) in &files {
        let clean = strip_markers(path, text, &mut expected);
        let target = folder.path().join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).expect("a fixture folder");
        }
        std::fs::write(&target, clean).expect("a fixture file");
    }
    let workspace =
        crate::load::load(&[folder.path().to_path_buf()], &options).expect("the fixture loads");
    expected.sort();
    (workspace, expected)
}

/// The text without its `--!` markers, which become expectations.
fn strip_markers(path: &str, text: &str, expected: &mut Vec<Expected>) -> String {
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
                        path: path.to_owned(),
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
    clean
}

/// The findings of `rules` on every project of the workspace.
pub(crate) fn run<'a>(
    workspace: &Workspace,
    rules: impl Iterator<Item = &'a Rule> + Clone,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for project in &workspace.projects {
        let model = Model::build(workspace, project);
        let context = Context::new(workspace, project, &model);
        for rule in rules.clone() {
            (rule.check)(&context, &mut out);
        }
    }
    out
}

/// The one-based line of a location.
pub(crate) fn line_of(workspace: &Workspace, location: Location) -> usize {
    let file = workspace.files.get(location.file);
    file.line_index.line_of(location.range.start()) + 1
}

/// Asserts that the findings of the code `groups` are exactly the expected ones: same
/// file, line, code and (when the expectation gives one) message.
pub(crate) fn compare(
    workspace: &Workspace,
    actual: &[Diagnostic],
    expected: &[Expected],
    groups: &[&str],
) {
    let mut found: Vec<Expected> = actual
        .iter()
        .filter(|d| groups.contains(&d.code.group()))
        .map(|d| Expected {
            path: workspace
                .files
                .get(d.location.file)
                .path
                .to_string_lossy()
                .into_owned(),
            line: line_of(workspace, d.location),
            code: d.code,
            message: Some(d.message.clone()),
        })
        .collect();
    found.sort();
    let mut missing = Vec::new();
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
            None => missing.push(want.clone()),
        }
    }
    if missing.is_empty() && remaining.is_empty() {
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
        show(&missing),
        show(&remaining),
        show(&found)
    );
}

/// Runs one rule on the fixture and asserts its findings alone: markers of other codes
/// are ignored, so a fixture may note what other rules say of the same lines.
pub(crate) fn check_rule(rule: &Rule, fixture: &str) {
    let (workspace, expected) = load(fixture);
    let actual = run(&workspace, std::iter::once(rule));
    let expected: Vec<Expected> = expected
        .into_iter()
        .filter(|e| e.code == rule.meta.code)
        .collect();
    compare(&workspace, &actual, &expected, &[rule.meta.code.group()]);
}
