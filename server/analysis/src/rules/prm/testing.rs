//! The data-driven test helper for the PRM rules and the model.
//!
//! A fixture is one or more files, each started by `=== file: PATH` (a fixture without
//! one is a single `test.sql`), in project order. `=== var: NAME=VALUE` defines a
//! project SQLCMD variable and `=== default-schema: NAME` sets the project's default
//! schema. A line that ends in `--! CODE` expects a finding of that code on that line;
//! `--! CODE: message` also fixes the exact message; several expectations on one line
//! are separated by ` | `. Markers are cut from the text before it is parsed.
//!
//! [`check`] runs the PRM rules and compares every PRM finding with the expectations:
//! same file, line, code and (when given) message, and nothing more.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use syntax::ast::StatementKind;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::Model;
use crate::project::{ParsedFile, Project, Property, ScriptFile, ScriptRole, Workspace};
use crate::rules::Context;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Expected {
    pub path: String,
    pub line: usize,
    pub code: Code,
    pub message: Option<String>,
}

const MARKER: &str = "--!";

/// Builds the fixture, runs the PRM rules and asserts the findings.
pub(crate) fn check(fixture: &str) {
    let (workspace, expected) = load(fixture);
    let actual = findings(&workspace);
    compare(&workspace, &actual, &expected);
}

/// The fixture's workspace and the model of its one project.
pub(crate) fn model(fixture: &str) -> (Workspace, Model) {
    let (workspace, _) = load(fixture);
    let model = Model::build(&workspace, &workspace.projects[0]);
    (workspace, model)
}

/// The PRM findings on a workspace.
pub(crate) fn findings(workspace: &Workspace) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for project in &workspace.projects {
        let model = Model::build(workspace, project);
        let context = Context {
            workspace,
            project,
            model: &model,
        };
        for rule in super::RULES {
            (rule.check)(&context, &mut out);
        }
    }
    out
}

/// The one-based line of a location.
pub(crate) fn line_of(workspace: &Workspace, location: crate::Location) -> usize {
    let file = workspace.files.get(location.file);
    file.text[..location.range.start.min(file.text.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

pub(crate) fn load(fixture: &str) -> (Workspace, Vec<Expected>) {
    let mut files: Vec<(String, String)> = Vec::new();
    let mut variables = BTreeMap::from([
        ("DatabaseName".to_owned(), "fixture".to_owned()),
        ("DefaultDataPath".to_owned(), String::new()),
        ("DefaultLogPath".to_owned(), String::new()),
        ("DefaultFilePrefix".to_owned(), "fixture".to_owned()),
    ]);
    let mut default_schema = "dbo".to_owned();
    for line in fixture.lines() {
        if let Some(path) = line.strip_prefix("=== file:") {
            files.push((path.trim().to_owned(), String::new()));
            continue;
        }
        if let Some(definition) = line.strip_prefix("=== var:") {
            if let Some((name, value)) = definition.split_once('=') {
                variables.insert(name.trim().to_owned(), value.trim().to_owned());
            }
            continue;
        }
        if let Some(schema) = line.strip_prefix("=== default-schema:") {
            default_schema = schema.trim().to_owned();
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

    let mut workspace = Workspace::default();
    let mut expected = Vec::new();
    let mut project = Project {
        name: "fixture".to_owned(),
        root: PathBuf::from("/fixture"),
        default_schema,
        variables,
        ..Project::default()
    };
    let mut ids = Vec::new();
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
        let absolute = Path::new("/fixture").join(path);
        let id = workspace
            .files
            .add(PathBuf::from(path), absolute, clean.clone());
        if path.ends_with(".sqlproj") {
            project.project_file = Some(id);
            for name in ["Trustworthy", "DBChainingOn"] {
                let open = format!("<{name}>");
                let close = format!("</{name}>");
                if let (Some(start), Some(end)) = (clean.find(&open), clean.find(&close)) {
                    let value = clean[start + open.len()..end].trim().to_owned();
                    let location = crate::Location {
                        file: id,
                        range: syntax::TextRange::new(start, end + close.len()),
                    };
                    project
                        .properties
                        .insert(name.to_owned(), Property { value, location });
                }
            }
        } else {
            let (script, errors) = syntax::parse_script(&clean);
            workspace.scripts.insert(id, ParsedFile { script, errors });
            ids.push((id, path.clone()));
        }
    }

    // `:r` paths are relative to the including file's folder.
    let mut included = Vec::new();
    for (id, path) in &ids {
        for statement in &workspace.scripts[id].script.statements {
            if let StatementKind::Include { path: target } = &statement.kind {
                let folder = Path::new(path).parent().unwrap_or(Path::new(""));
                let wanted = normalise(&folder.join(target.replace('\\', "/")));
                if let Some((target_id, _)) =
                    ids.iter().find(|(_, p)| normalise(Path::new(p)) == wanted)
                {
                    project
                        .includes
                        .insert((*id, statement.range.start), *target_id);
                    included.push(*target_id);
                }
            }
        }
    }
    project.scripts = ids
        .iter()
        .filter(|(id, _)| !included.contains(id))
        .map(|(id, path)| ScriptFile {
            file: *id,
            role: if path.contains("PostDeployment") {
                ScriptRole::PostDeploy
            } else if path.contains("PreDeployment") {
                ScriptRole::PreDeploy
            } else {
                ScriptRole::Build
            },
        })
        .collect();
    // Pre-deployment scripts apply first and post-deployment scripts last.
    project.scripts.sort_by_key(|s| match s.role {
        ScriptRole::PreDeploy => 0,
        ScriptRole::Build => 1,
        ScriptRole::PostDeploy => 2,
    });
    workspace.projects.push(project);
    expected.sort();
    (workspace, expected)
}

fn normalise(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component.as_os_str().to_string_lossy().as_ref() {
            "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part.to_lowercase()),
        }
    }
    parts.join("/")
}

fn compare(workspace: &Workspace, actual: &[Diagnostic], expected: &[Expected]) {
    let mut got: Vec<Expected> = actual
        .iter()
        .filter(|d| d.code.group() == "PRM")
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
    got.sort();
    let mut unmatched: Vec<&Expected> = Vec::new();
    let mut remaining = got.clone();
    for want in expected {
        let found = remaining.iter().position(|g| {
            g.path == want.path
                && g.line == want.line
                && g.code == want.code
                && (want.message.is_none() || want.message == g.message)
        });
        match found {
            Some(i) => {
                remaining.remove(i);
            }
            None => unmatched.push(want),
        }
    }
    if !unmatched.is_empty() || !remaining.is_empty() {
        let show = |e: &Expected| {
            format!(
                "  {}:{} {} {}",
                e.path,
                e.line,
                e.code,
                e.message.as_deref().unwrap_or("")
            )
        };
        panic!(
            "findings differ\nexpected but missing:\n{}\nunexpected:\n{}\nall findings:\n{}",
            unmatched
                .iter()
                .map(|e| show(e))
                .collect::<Vec<_>>()
                .join("\n"),
            remaining.iter().map(show).collect::<Vec<_>>().join("\n"),
            got.iter().map(show).collect::<Vec<_>>().join("\n"),
        );
    }
}
