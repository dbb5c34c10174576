//! The corpus runner: parses every case of `test/corpus/*.txt` and compares the tree with the
//! expected one, collecting every failure before the test fails.
//!
//! Conventions beyond the tree-sitter CLI's, so a wrong tree cannot be pinned by accident:
//! outside `errors.txt` an expected tree may not contain `ERROR` or `MISSING` (a construct the
//! grammar gets wrong belongs in `known-gaps.txt` under `:skip`, the only file where `:skip` is
//! allowed), and every case of `errors.txt` must pin a tree that does contain one.
//!
//! `UPDATE_CORPUS=1 cargo test -p tree-sitter-sqlwarden --test grammar` rewrites the expected
//! trees in place (for deliberate grammar changes); review the diff before committing it.
//! Error-recovery trees (errors.txt) are rewritten only with `UPDATE_CORPUS=all`.
//! `CORPUS_FILTER=name` restricts the run to files whose name contains `name`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use crate::format::{Case, normalise, parse_corpus, pretty};

/// The corpus directory of this crate.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test")
        .join("corpus")
}

/// The corpus files, sorted so runs are deterministic.
pub fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(corpus_dir())
        .expect("grammar/test/corpus is readable")
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

/// Every case of every corpus file; a malformed file fails the calling test.
pub fn all_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for file in corpus_files() {
        let text = fs::read_to_string(&file).expect("a corpus file is UTF-8");
        match parse_corpus(&file, &text) {
            Ok(mut more) => cases.append(&mut more),
            Err(e) => panic!("{}:{}: {}", e.file.display(), e.line, e.message),
        }
    }
    cases
}

pub fn parser() -> tree_sitter::Parser {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_sqlwarden::LANGUAGE.into())
        .expect("the generated parser loads");
    parser
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn has_error_atom(sexp: &str) -> bool {
    crate::format::tokens(sexp)
        .iter()
        .any(|t| t == "ERROR" || t == "MISSING")
}

#[test]
fn corpus() {
    // `UPDATE_CORPUS=1` rewrites the trees of every file but errors.txt; a change of an
    // error-recovery tree must be accepted on purpose with `UPDATE_CORPUS=all`, because
    // recovery that silently gets worse is what errors.txt is there to catch.
    let mode = std::env::var("UPDATE_CORPUS").unwrap_or_default();
    let update = mode == "1" || mode == "all";
    let filter = std::env::var("CORPUS_FILTER").unwrap_or_default();
    let mut parser = parser();
    let mut failures = String::new();
    let mut failed = 0;
    let mut compared = 0;
    let mut closed_gaps = Vec::new();
    let mut rewrites: Vec<(PathBuf, std::ops::Range<usize>, String)> = Vec::new();

    for file in corpus_files() {
        let name = file_name(&file);
        if !name.contains(&filter) {
            continue;
        }
        let text = fs::read_to_string(&file).expect("a corpus file is UTF-8");
        let cases = match parse_corpus(&file, &text) {
            Ok(cases) => cases,
            Err(e) => {
                failed += 1;
                let _ = writeln!(failures, "\n{name}:{}: {}", e.line, e.message);
                continue;
            }
        };
        if cases.is_empty() {
            failed += 1;
            let _ = writeln!(failures, "\n{name}: no cases");
        }
        let mut titles = std::collections::HashSet::new();
        for case in &cases {
            let mut fail = |why: &str, expected: &str, actual: &str| {
                failed += 1;
                let _ = writeln!(
                    failures,
                    "\n=== {name}:{} {:?}: {why}\n{}",
                    case.line,
                    case.title,
                    show(expected, actual)
                );
            };
            if !titles.insert(case.title.clone()) {
                fail("duplicate title in this file", "", "");
            }
            // Skipped cases live in one place, so a topic file cannot hide a case.
            if case.skip != (name == "known-gaps.txt") {
                fail(
                    "`:skip` belongs to known-gaps.txt, and every case there is `:skip`",
                    "",
                    "",
                );
                continue;
            }
            let Some(tree) = parser.parse(&case.source, None) else {
                fail("the parser returned no tree", &case.expected, "");
                continue;
            };
            let root = tree.root_node();
            let actual = root.to_sexp();
            if case.skip {
                // A known gap is closed when the tree has an error exactly when the case
                // expects one (`:skip` with `:error` documents input that should be an error),
                // or, when the case spells out the desired tree, when the tree matches it.
                let closed = if normalise(&case.expected).is_empty() {
                    root.has_error() == case.error
                } else {
                    normalise(&case.expected) == normalise(&actual)
                };
                if closed {
                    closed_gaps.push(format!("{name}:{} {:?}", case.line, case.title));
                }
                continue;
            }
            compared += 1;
            if case.error {
                if !root.has_error() {
                    fail(":error case parsed without an error", "", &actual);
                }
                continue;
            }
            if name == "errors.txt" && !root.has_error() {
                fail(
                    "an error-recovery case must produce ERROR or MISSING",
                    "",
                    &actual,
                );
                continue;
            }
            if name != "errors.txt" && root.has_error() {
                fail(
                    &format!(
                        "ERROR or MISSING outside errors.txt (move the case to known-gaps.txt):{}",
                        describe_errors(root, &case.source)
                    ),
                    &case.expected,
                    &actual,
                );
                continue;
            }
            if name != "errors.txt" && has_error_atom(&case.expected) {
                fail(
                    "the expected tree pins ERROR or MISSING",
                    &case.expected,
                    &actual,
                );
                continue;
            }
            if normalise(&case.expected) == normalise(&actual) {
                continue;
            }
            if update && (name != "errors.txt" || mode == "all") {
                rewrites.push((file.clone(), case.expected_range.clone(), pretty(&actual)));
            } else if name == "errors.txt" {
                fail(
                    "recovery tree differs (if the change is an improvement, accept it with \
                     UPDATE_CORPUS=all)",
                    &case.expected,
                    &actual,
                );
            } else {
                fail("tree differs", &case.expected, &actual);
            }
        }
    }

    if update && !rewrites.is_empty() {
        rewrite(&rewrites);
        eprintln!("UPDATE_CORPUS: rewrote {} expected trees", rewrites.len());
    }
    if !closed_gaps.is_empty() {
        // Not a failure: the grammar helper moves a closed gap into its topic file with a
        // reviewed tree. Printed so the change is noticed.
        eprintln!(
            "known gaps that the grammar now handles (move them into their topic file):\n  {}",
            closed_gaps.join("\n  ")
        );
    }
    assert!(
        filter.is_empty() || compared > 0 || failed > 0,
        "CORPUS_FILTER={filter:?} matched no case"
    );
    assert!(
        !filter.is_empty() || compared >= 300,
        "only {compared} corpus cases were compared; the corpus has lost cases"
    );
    assert!(
        failed == 0,
        "{failed} corpus case(s) failed:\n{failures}\n{failed} corpus case(s) failed"
    );
}

/// The expected and the actual tree of a failure: a line diff when both are present.
fn show(expected: &str, actual: &str) -> String {
    let (expected, actual) = (pretty(expected), pretty(actual));
    if expected.is_empty() || actual.is_empty() {
        return format!("--- expected\n{expected}\n--- actual\n{actual}");
    }
    let mut out = String::from("--- expected\n+++ actual\n");
    for line in line_diff(&expected, &actual) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// A line diff from the longest common subsequence: ` ` kept, `-` expected only, `+` actual
/// only. Trees are small, so the quadratic table is fine.
fn line_diff(a: &str, b: &str) -> Vec<String> {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push(format!(" {}", a[i]));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push(format!("+{}", b[j]));
            j += 1;
        } else {
            out.push(format!("-{}", a[i]));
            i += 1;
        }
    }
    out
}

/// Each ERROR or MISSING node with its position and the text it covers, for failure messages.
pub fn describe_errors(node: tree_sitter::Node<'_>, source: &str) -> String {
    let mut out = String::new();
    if node.is_error() || node.is_missing() {
        let at = node.start_position();
        let text = source.get(node.byte_range()).unwrap_or("");
        let _ = write!(
            out,
            "\n    {} at {}:{}: {:?}",
            if node.is_missing() {
                "MISSING"
            } else {
                "ERROR"
            },
            at.row + 1,
            at.column + 1,
            text.chars().take(80).collect::<String>()
        );
        // The kinds of the tokens the ERROR swallowed show how the lexer read them, which
        // is often the cause (a broad token outranking the keywords).
        let mut cursor = node.walk();
        let kinds: Vec<&str> = node
            .children(&mut cursor)
            .map(|c| c.kind())
            .take(12)
            .collect();
        if !kinds.is_empty() {
            let _ = write!(out, " [{}]", kinds.join(" "));
        }
    }
    if node.has_error() {
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            out.push_str(&describe_errors(child, source));
        }
    }
    out
}

#[test]
fn line_diff_marks_removed_and_added_lines() {
    assert_eq!(
        line_diff("a\nb\nc", "a\nx\nc\nd"),
        vec![" a", "+x", "-b", " c", "+d"]
    );
}

/// Replaces expected trees in their files, from the end of each file backwards so earlier
/// ranges stay valid.
fn rewrite(rewrites: &[(PathBuf, std::ops::Range<usize>, String)]) {
    let mut files: Vec<&PathBuf> = rewrites.iter().map(|r| &r.0).collect();
    files.dedup();
    for file in files {
        let mut text = fs::read_to_string(file).expect("a corpus file is UTF-8");
        let mut edits: Vec<_> = rewrites.iter().filter(|r| &r.0 == file).collect();
        edits.sort_by_key(|r| std::cmp::Reverse(r.1.start));
        for (_, range, tree) in edits {
            let last = range.end == text.len();
            let replacement = if last {
                format!("\n{tree}\n")
            } else {
                format!("\n{tree}\n\n")
            };
            text.replace_range(range.clone(), &replacement);
        }
        fs::write(file, text).expect("rewrite a corpus file");
    }
}
