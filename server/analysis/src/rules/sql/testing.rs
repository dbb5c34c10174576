//! The data-driven test helper for the CLR, IMP and SQL rules and for suppressions.
//!
//! A fixture is one or more files, each started by `=== file: PATH` (a fixture without
//! one is a single `test.sql`). A line that ends in `--! CODE` expects a finding of that
//! code on that line; `--! CODE: message` also fixes the exact message; several
//! expectations on one line are separated by ` | `. The markers are cut from the text
//! before it is parsed, so they change neither the statements nor the comments.
//! A `.sqlproj` file becomes the project file, and its `Trustworthy`, `DBChainingOn`,
//! `PermissionSet`, `DefaultSchema` and `AssemblyName` elements its properties. Files
//! that another file includes with `:r` are not project scripts of their own.
//!
//! [`check`] runs the CLR, IMP and SQL rules, applies suppressions and compares every
//! finding of those groups with the expectations: same file, line, code and (when given)
//! message, and nothing more.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use syntax::ast::StatementKind;

use crate::diagnostic::{Code, Diagnostic, FileId, Location};
use crate::model::Model;
use crate::project::{ParsedFile, Project, Property, ScriptFile, ScriptRole, Workspace};
use crate::rules::{Context, Rule, clr, imp, sql};

/// One expected finding: file path, one-based line, code and maybe the exact message.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
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
    crate::suppression::apply(workspace, diagnostics)
}

fn own_rules() -> impl Iterator<Item = &'static Rule> {
    clr::RULES
        .iter()
        .chain(imp::RULES)
        .chain(sql::RULES)
        .copied()
}

/// The fixture as a workspace of one project, and its expectations.
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

    let mut workspace = Workspace::default();
    let mut expected = Vec::new();
    let mut project = Project {
        name: "fixture".to_owned(),
        root: PathBuf::from("/fixture"),
        default_schema: "dbo".to_owned(),
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
            project.properties = properties(id, &clean);
        } else {
            let (script, errors) = syntax::parse_script(&clean);
            workspace.scripts.insert(id, ParsedFile { script, errors });
            ids.push((id, path.clone()));
        }
    }

    // Resolve `:r` relative to the including file's folder.
    let mut included = Vec::new();
    for (id, path) in &ids {
        let statements = &workspace.scripts[id].script.statements;
        for statement in statements {
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

/// The properties of a fixture `.sqlproj`, found by their elements' text.
fn properties(file: FileId, text: &str) -> BTreeMap<String, Property> {
    let mut out = BTreeMap::new();
    for name in [
        "Trustworthy",
        "DBChainingOn",
        "PermissionSet",
        "DefaultSchema",
        "AssemblyName",
    ] {
        let open = format!("<{name}>");
        let close = format!("</{name}>");
        if let Some(start) = text.find(&open)
            && let Some(len) = text[start..].find(&close)
        {
            let end = start + len + close.len();
            out.insert(
                name.to_owned(),
                Property {
                    value: text[start + open.len()..start + len].trim().to_owned(),
                    location: Location {
                        file,
                        range: syntax::TextRange::new(start, end),
                    },
                },
            );
        }
    }
    out
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
