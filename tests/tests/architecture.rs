//! Tidy checks of the documentation: every path ARCHITECTURE.md names exists, and the
//! README's rule table lists exactly the registered rules with their names and severities.

use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace root")
        .to_path_buf()
}

fn read(name: &str) -> String {
    let path = workspace_root().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Every `backticked` text in ARCHITECTURE.md that looks like a repository path (it contains
/// a `/` and starts with one of the top-level folders) must exist.
#[test]
fn architecture_paths_exist() {
    let text = read("ARCHITECTURE.md");
    let roots = [
        "grammar/",
        "server/",
        "tests/",
        "bench/",
        "examples/",
        ".ci/",
    ];
    let mut checked = 0;
    let mut missing = Vec::new();
    for (i, piece) in text.split('`').enumerate() {
        // Odd pieces are inside backticks.
        if i % 2 == 0 || !roots.iter().any(|root| piece.starts_with(root)) {
            continue;
        }
        let path = piece.trim_end_matches('/');
        // `tests/cases/*.case` names a pattern: its folder must exist.
        let path = path.split('*').next().unwrap_or(path).trim_end_matches('/');
        checked += 1;
        if !workspace_root().join(path).exists() {
            missing.push(piece.to_owned());
        }
    }
    assert!(
        checked > 20,
        "only {checked} paths found: is the document intact?"
    );
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names paths that do not exist: {missing:?}"
    );
}

/// The README's rule table is the catalogue users read first: it must match the registry.
#[test]
fn readme_lists_every_registered_rule() {
    let text = read("README.md");
    let mut listed: Vec<(String, String, String)> = text
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line
                .trim()
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect();
            (cells.len() == 3 && analysis::Code::parse(cells[0]).is_some()).then(|| {
                (
                    cells[0].to_owned(),
                    cells[1].to_owned(),
                    cells[2].to_owned(),
                )
            })
        })
        .collect();
    listed.sort();
    let mut registered: Vec<(String, String, String)> = analysis::rules::all()
        .iter()
        .map(|rule| {
            (
                rule.meta.code.as_str().to_owned(),
                rule.meta.name.to_owned(),
                rule.meta.severity.as_str().to_owned(),
            )
        })
        .collect();
    registered.sort();
    assert_eq!(listed, registered);
}
