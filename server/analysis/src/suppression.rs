//! Suppression comments: `-- sqlwarden-ignore CODE[, CODE...]: reason` silences those
//! codes on the next statement, or on its own line when it ends a line of code;
//! `-- sqlwarden-ignore-file CODE[, CODE...]: reason` silences them in the whole file.
//! A code may be a group prefix (`PRM`). The reason is required: a suppression without
//! one suppresses nothing.
//!
//! [`apply`] runs after every rule. It removes the suppressed findings and reports, as
//! SQL003, every suppression that suppressed nothing, names an unknown code, names no
//! code, or gives no reason. SQL003 findings can themselves be silenced (for instance
//! `-- sqlwarden-ignore-file SQL003: generated file`), but a suppression of SQL003 that
//! silences nothing is always reported, so the process ends.
//!
//! Suppressions run before the configuration's `select`/`ignore`, so a suppression of a
//! code that the configuration turns off still counts as used.

use std::collections::BTreeSet;

use syntax::TextRange;
use syntax::ast::{Statement, StatementKind};

use crate::diagnostic::{Code, Diagnostic, FileId, Location, Severity};
use crate::project::Workspace;
use crate::rules::walk;

const FILE_DIRECTIVE: &str = "sqlwarden-ignore-file";
const DIRECTIVE: &str = "sqlwarden-ignore";

/// Removes suppressed diagnostics and adds SQL003 for the suppressions that are unused,
/// unknown or incomplete.
pub fn apply(workspace: &Workspace, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let analysed = analysed_files(workspace);
    apply_in(workspace, &analysed, &analysed, diagnostics)
}

/// The files whose suppressions count: those that some project analyses. A suppression in
/// a file that nothing analyses (a `None` item) would otherwise always look unused.
pub fn analysed_files(workspace: &Workspace) -> BTreeSet<FileId> {
    workspace
        .projects
        .iter()
        .flat_map(|project| {
            walk::files(workspace, project)
                .into_iter()
                .chain(project.csharp_files())
        })
        .collect()
}

/// [`apply`] for the diagnostics of some files only: a suppression silences findings in
/// its own file alone, so the findings of `files` and the suppressions written in them
/// are judged together, and nothing outside them is read. `analysed` is
/// [`analysed_files`]; `diagnostics` must all be located in `files`.
pub fn apply_in(
    workspace: &Workspace,
    analysed: &BTreeSet<FileId>,
    files: &BTreeSet<FileId>,
    diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let (mut suppressions, problems) = collect(workspace, analysed, files);

    let mut kept: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|diagnostic| !suppress(&mut suppressions, diagnostic))
        .collect();

    // Findings about the suppressions themselves: the malformed ones, and the selectors
    // that silenced nothing (except those that select SQL003, judged last).
    let mut reports = problems;
    for suppression in &suppressions {
        let unused: Vec<&str> = suppression
            .selectors
            .iter()
            .filter(|s| !s.used && !Code::Sql003.matches(&s.text))
            .map(|s| s.text.as_str())
            .collect();
        if !unused.is_empty() {
            reports.push(unused_report(suppression, &unused));
        }
    }
    kept.extend(
        reports
            .into_iter()
            .filter(|report| !suppress(&mut suppressions, report)),
    );
    for suppression in &suppressions {
        let unused: Vec<&str> = suppression
            .selectors
            .iter()
            .filter(|s| !s.used && Code::Sql003.matches(&s.text))
            .map(|s| s.text.as_str())
            .collect();
        if !unused.is_empty() {
            kept.push(unused_report(suppression, &unused));
        }
    }
    kept
}

/// What a `-- sqlwarden-ignore` comment on its own line ending just before `offset`
/// would cover: the next statement at any depth, with the broken text that follows it.
/// A language server checks with it that a suppression it offers to insert at `offset`
/// reaches the finding it is meant to silence.
pub fn own_line_scope(parsed: &crate::project::ParsedFile, offset: usize) -> Option<TextRange> {
    next_target(&parsed.statements, &parsed.errors, offset)
}

/// A well-formed suppression comment.
#[derive(Debug)]
struct Suppression {
    file: FileId,
    /// The comment.
    comment: TextRange,
    scope: Scope,
    file_wide: bool,
    selectors: Vec<Selector>,
}

#[derive(Debug)]
struct Selector {
    /// The code or prefix, upper case.
    text: String,
    used: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    File,
    /// Findings that start in this range (a statement, or one line).
    Range(TextRange),
    /// A suppression before no statement: it can silence nothing.
    Nothing,
}

/// Silences `diagnostic` when a suppression covers it, marking the selectors used.
fn suppress(suppressions: &mut [Suppression], diagnostic: &Diagnostic) -> bool {
    let mut silenced = false;
    for suppression in suppressions.iter_mut() {
        if suppression.file != diagnostic.location.file {
            continue;
        }
        let covers = match suppression.scope {
            Scope::File => true,
            Scope::Range(range) => range.contains(diagnostic.location.range.start()),
            Scope::Nothing => false,
        };
        if !covers {
            continue;
        }
        for selector in &mut suppression.selectors {
            if diagnostic.code.matches(&selector.text) {
                selector.used = true;
                silenced = true;
            }
        }
    }
    silenced
}

fn unused_report(suppression: &Suppression, unused: &[&str]) -> Diagnostic {
    let kind = if suppression.file_wide {
        "in this file"
    } else {
        "here"
    };
    let list = unused.join(", ");
    report(
        suppression.file,
        suppression.comment,
        format!(
            "Unused suppression: nothing {kind} reports {list}, so the suppression of {list} silences nothing; remove it from the comment."
        ),
    )
}

fn report(file: FileId, range: TextRange, message: String) -> Diagnostic {
    Diagnostic {
        code: Code::Sql003,
        severity: Severity::Note,
        message,
        location: Location { file, range },
        related: Vec::new(),
        fix: None,
    }
}

/// Every suppression comment of every parsed file, and the SQL003 findings for those that
/// are malformed.
fn collect(
    workspace: &Workspace,
    analysed: &BTreeSet<FileId>,
    files: &BTreeSet<FileId>,
) -> (Vec<Suppression>, Vec<Diagnostic>) {
    let mut suppressions = Vec::new();
    let mut problems = Vec::new();
    for &file in files {
        if !analysed.contains(&file) {
            continue;
        }
        let text = &workspace.files.get(file).text;
        let parsed = workspace.scripts.get(&file);
        let csharp = workspace.csharp.get(&file);
        let comments = match (parsed, csharp) {
            (Some(parsed), _) => &parsed.comments,
            (None, Some(csharp)) => &csharp.comments,
            (None, None) => continue,
        };
        for comment in comments {
            let Some(directive) = parse(&comment.text) else {
                continue;
            };
            let range = comment.range;
            let mut selectors = Vec::new();
            for code in &directive.codes {
                if Code::ALL.iter().any(|known| known.matches(code)) {
                    selectors.push(Selector {
                        text: code.to_ascii_uppercase(),
                        used: false,
                    });
                } else {
                    problems.push(report(
                        file,
                        range,
                        format!(
                            "The suppression names '{code}', which is not a sqlwarden code or group; name a code such as PRM001 or a group such as PRM."
                        ),
                    ));
                }
            }
            if directive.codes.is_empty() {
                problems.push(report(
                    file,
                    range,
                    format!(
                        "The suppression names no code, so it silences nothing; write `-- {} CODE: reason`.",
                        directive.keyword
                    ),
                ));
                continue;
            }
            if directive.reason.is_none() {
                problems.push(report(
                    file,
                    range,
                    format!(
                        "The suppression gives no reason, so it silences nothing; write why after a colon: `-- {} {}: reason`.",
                        directive.keyword,
                        directive.codes.join(", ")
                    ),
                ));
                continue;
            }
            if selectors.is_empty() {
                continue;
            }
            let scope = if directive.file_wide {
                Scope::File
            } else if let Some(parsed) = parsed {
                match code_line(text, range) {
                    Some(line) => Scope::Range(trailing_scope(&parsed.statements, line)),
                    None => next_target(&parsed.statements, &parsed.errors, range.end())
                        .map_or(Scope::Nothing, Scope::Range),
                }
            } else {
                // C#: a trailing comment covers its line; one on a line of its own covers
                // the next line of code, with the attribute lines before it.
                match code_line(text, range) {
                    Some(line) => Scope::Range(line),
                    None => next_code_lines(text, range.end()).map_or(Scope::Nothing, Scope::Range),
                }
            };
            suppressions.push(Suppression {
                file,
                comment: range,
                scope,
                file_wide: directive.file_wide,
                selectors,
            });
        }
    }
    (suppressions, problems)
}

/// A suppression comment's content.
#[derive(Debug, PartialEq, Eq)]
struct Directive {
    keyword: &'static str,
    file_wide: bool,
    codes: Vec<String>,
    reason: Option<String>,
}

/// Reads `sqlwarden-ignore[-file] CODE, CODE: reason` from a comment's text (without
/// its `--` or `/* */`). The keyword is matched case-insensitively.
fn parse(comment: &str) -> Option<Directive> {
    let text = comment.trim();
    let lower = text.to_ascii_lowercase();
    let (keyword, file_wide) = if lower.starts_with(FILE_DIRECTIVE) {
        (FILE_DIRECTIVE, true)
    } else if lower.starts_with(DIRECTIVE) {
        (DIRECTIVE, false)
    } else {
        return None;
    };
    let rest = &text[keyword.len()..];
    // `sqlwarden-ignored` or `sqlwarden-ignore-files` are other words, not directives.
    if rest
        .chars()
        .next()
        .is_some_and(|c| !c.is_whitespace() && c != ':' && c != ',')
    {
        return None;
    }
    let (codes, reason) = match rest.split_once(':') {
        Some((codes, reason)) => (codes, Some(reason.trim())),
        None => (rest, None),
    };
    let codes = codes
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|code| !code.is_empty())
        .map(str::to_owned)
        .collect();
    Some(Directive {
        keyword,
        file_wide,
        codes,
        reason: reason.filter(|r| !r.is_empty()).map(str::to_owned),
    })
}

/// The line that a comment ends, when code stands before the comment on that line.
fn code_line(text: &str, comment: TextRange) -> Option<TextRange> {
    let start = comment.start().min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    if text[line_start..start].trim().is_empty() {
        return None;
    }
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    Some(TextRange::new(line_start, line_end))
}

/// The lines a C# suppression on a line of its own covers: the next line of code (blank
/// lines and comment lines skipped), and when that line is an attribute (`[…]`), the
/// attribute lines and the declaration after them.
fn next_code_lines(text: &str, from: usize) -> Option<TextRange> {
    let mut offset = text[from.min(text.len())..]
        .find('\n')
        .map(|i| from + i + 1)?;
    let mut start = None;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let line = text[offset..end].trim();
        let skip = line.is_empty() || line.starts_with("//") || line.starts_with("/*");
        if !skip {
            start.get_or_insert(offset);
            if !line.starts_with('[') {
                return start.map(|s| TextRange::new(s, end));
            }
        }
        offset = end + 1;
    }
    start.map(|s| TextRange::new(s, text.len()))
}

/// A trailing suppression covers its line and, when a statement that is not a module
/// definition ends on that line, the whole statement: a finding about a statement
/// written over several lines points at its first line.
fn trailing_scope(statements: &[std::sync::Arc<Statement>], line: TextRange) -> TextRange {
    let mut scope = line;
    let mut consider = |statement: &Statement| {
        if line.start() <= statement.range.end() && statement.range.end() <= line.end() {
            scope = scope.cover(statement.range);
        }
    };
    for statement in statements {
        match &statement.kind {
            StatementKind::CreateObject(object) if object.module.is_some() => {
                if let Some(module) = &object.module {
                    module.body.iter().for_each(&mut consider);
                }
            }
            _ => consider(statement),
        }
    }
    scope
}

/// What a suppression on its own line covers: the next statement, with the broken text
/// that follows it up to the statement after (an error region is not a statement, and a
/// half-parsed statement's tail is an error region of its own).
fn next_target(
    statements: &[std::sync::Arc<Statement>],
    errors: &[syntax::SyntaxError],
    offset: usize,
) -> Option<TextRange> {
    let statement = next_statement(statements, offset).map(|statement| statement.range);
    let until = statement
        .and_then(|range| next_statement(statements, range.end().max(range.start() + 1)))
        .map_or(usize::MAX, |following| following.range.start());
    errors
        .iter()
        .map(|error| error.range)
        .filter(|range| range.start() >= offset && range.start() < until)
        .fold(statement, |scope, error| {
            Some(scope.map_or(error, |scope| scope.cover(error)))
        })
}

/// The first statement, at any depth, that starts after `offset`: for a comment inside a
/// module body this is the body's next statement, not the whole module.
fn next_statement(statements: &[std::sync::Arc<Statement>], offset: usize) -> Option<&Statement> {
    let mut best: Option<&Statement> = None;
    for statement in statements.iter().map(|s| &**s) {
        if statement.range.start() >= offset
            && best.is_none_or(|b| statement.range.start() < b.range.start())
        {
            best = Some(statement);
        }
        if let StatementKind::CreateObject(object) = &statement.kind
            && let Some(module) = &object.module
            && statement.range.contains(offset)
        {
            for inner in &module.body {
                if inner.range.start() >= offset
                    && best.is_none_or(|b| inner.range.start() < b.range.start())
                {
                    best = Some(inner);
                }
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::{Directive, parse};
    use crate::rules::sql::testing::check;

    #[test]
    fn directives_are_read_with_codes_prefixes_and_reasons() {
        assert_eq!(
            parse(" sqlwarden-ignore CLR001, IMP002: vendor assembly"),
            Some(Directive {
                keyword: "sqlwarden-ignore",
                file_wide: false,
                codes: vec!["CLR001".into(), "IMP002".into()],
                reason: Some("vendor assembly".into()),
            })
        );
        assert_eq!(
            parse("sqlwarden-ignore-file PRM: legacy"),
            Some(Directive {
                keyword: "sqlwarden-ignore-file",
                file_wide: true,
                codes: vec!["PRM".into()],
                reason: Some("legacy".into()),
            })
        );
        assert_eq!(
            parse("sqlwarden-ignore CLR001").map(|d| d.reason),
            Some(None)
        );
        assert_eq!(
            parse("sqlwarden-ignore CLR001:   ").map(|d| d.reason),
            Some(None)
        );
        assert_eq!(parse("sqlwarden-ignored CLR001: x"), None);
        assert_eq!(parse("a comment about sqlwarden-ignore"), None);
    }

    #[test]
    fn a_suppression_silences_the_next_statement_only() {
        check(
            "-- sqlwarden-ignore-file CLR008: trust paths have their own tests\n\
             -- sqlwarden-ignore CLR001: the vendor's assembly, reviewed in SEC-12\n\
             CREATE ASSEMBLY Vendor FROM 0x4D5A WITH PERMISSION_SET = UNSAFE;\n\
             CREATE ASSEMBLY Ours FROM 0x4D5A WITH PERMISSION_SET = UNSAFE; --! CLR001\n",
        );
    }

    #[test]
    fn a_trailing_suppression_silences_its_own_line() {
        check(
            "-- sqlwarden-ignore-file CLR008: trust paths have their own tests\n\
             CREATE ASSEMBLY Vendor FROM 0x4D5A WITH PERMISSION_SET = UNSAFE; -- sqlwarden-ignore CLR001: reviewed\n\
             CREATE ASSEMBLY Ours FROM 0x4D5A WITH PERMISSION_SET = UNSAFE; --! CLR001\n",
        );
    }

    #[test]
    fn a_trailing_suppression_covers_the_statement_that_ends_on_its_line() {
        check(
            "GRANT IMPERSONATE ON USER::loader\n\
                 TO helpdesk; -- sqlwarden-ignore IMP002: the help desk resets the loader's jobs\n\
             GRANT IMPERSONATE ON USER::loader --! IMP002\n\
                 TO other;\n",
        );
    }

    #[test]
    fn a_trailing_suppression_after_a_modules_end_does_not_cover_the_module() {
        check(
            "CREATE PROCEDURE dbo.p AS\n\
             BEGIN\n\
                 EXECUTE AS LOGIN = 'agent'; --! IMP008\n\
                 REVERT;\n\
             END -- sqlwarden-ignore IMP008: not here --! SQL003\n",
        );
    }

    #[test]
    fn suppressions_in_included_files_apply_to_their_findings() {
        check(
            "=== file: Script.PostDeployment.sql\n\
             :r .\\security.sql\n\
             === file: security.sql\n\
             -- sqlwarden-ignore IMP002: the loader is impersonated by design\n\
             GRANT IMPERSONATE ON USER::loader TO helpdesk;\n\
             GRANT IMPERSONATE ON USER::loader TO other; --! IMP002\n",
        );
    }

    #[test]
    fn file_suppressions_and_prefixes_cover_the_whole_file() {
        check(
            "CREATE ASSEMBLY A FROM 0x4D5A WITH PERMISSION_SET = UNSAFE;\n\
             GO\n\
             -- sqlwarden-ignore-file clr: a CLR test harness\n\
             CREATE ASSEMBLY B FROM 0x4D5A WITH PERMISSION_SET = EXTERNAL_ACCESS;\n\
             GRANT IMPERSONATE ON USER::loader TO helpdesk; --! IMP002\n",
        );
    }

    #[test]
    fn a_suppression_without_reason_silences_nothing_and_is_reported() {
        check(
            "-- sqlwarden-ignore-file CLR008: trust paths have their own tests\n\
             -- sqlwarden-ignore CLR001 --! SQL003: The suppression gives no reason, so it silences nothing; write why after a colon: `-- sqlwarden-ignore CLR001: reason`.\n\
             CREATE ASSEMBLY A FROM 0x4D5A WITH PERMISSION_SET = UNSAFE; --! CLR001\n",
        );
    }

    #[test]
    fn unused_and_unknown_suppressions_are_reported() {
        check(
            "-- sqlwarden-ignore-file CLR008: trust paths have their own tests\n\
             -- sqlwarden-ignore CLR002: not external access --! SQL003: Unused suppression: nothing here reports CLR002, so the suppression of CLR002 silences nothing; remove it from the comment.\n\
             CREATE ASSEMBLY A FROM 0x4D5A WITH PERMISSION_SET = UNSAFE; --! CLR001\n\
             -- sqlwarden-ignore XYZ123, CLR001: typo --! SQL003: The suppression names 'XYZ123', which is not a sqlwarden code or group; name a code such as PRM001 or a group such as PRM.\n\
             CREATE ASSEMBLY B FROM 0x4D5A WITH PERMISSION_SET = UNSAFE;\n",
        );
    }

    #[test]
    fn only_the_unused_codes_of_a_suppression_are_reported() {
        check(
            "-- sqlwarden-ignore-file CLR008: trust paths have their own tests\n\
             -- sqlwarden-ignore CLR001, CLR002: reviewed --! SQL003: Unused suppression: nothing here reports CLR002, so the suppression of CLR002 silences nothing; remove it from the comment.\n\
             CREATE ASSEMBLY A FROM 0x4D5A WITH PERMISSION_SET = UNSAFE;\n",
        );
    }

    #[test]
    fn sql003_can_be_silenced_for_a_file() {
        check(
            "-- sqlwarden-ignore-file SQL003: generated by the vendor's tool\n\
             -- sqlwarden-ignore CLR002: stale\n\
             SELECT 1;\n",
        );
    }

    #[test]
    fn a_suppression_inside_a_module_covers_the_next_inner_statement() {
        check(
            "CREATE PROCEDURE dbo.p AS\n\
             BEGIN\n\
             -- sqlwarden-ignore IMP008: the job must run as the agent login\n\
             EXECUTE AS LOGIN = 'agent';\n\
             EXECUTE AS LOGIN = 'other'; --! IMP008\n\
             REVERT; REVERT;\n\
             END\n",
        );
    }

    #[test]
    fn a_suppression_before_broken_text_covers_the_error() {
        check(
            "-- sqlwarden-ignore SQL001: a template the grammar does not read yet\n\
             SELECT FROM FROM;\n\
             GO\n\
             SELECT FROM FROM; --! SQL001\n",
        );
    }

    #[test]
    fn block_comments_and_all_work_too() {
        check(
            "/* sqlwarden-ignore IMP006: legacy job, removed in the next release */\n\
             SETUSER 'loader';\n\
             SETUSER 'other'; --! IMP006\n\
             GO\n\
             -- sqlwarden-ignore all: a vendor script we do not change\n\
             SETUSER 'vendor';\n",
        );
    }

    #[test]
    fn suppressions_in_csharp_cover_their_line_or_the_next_declaration() {
        let fixture = "=== file: a.sql\n\
             CREATE ASSEMBLY Lib FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
             GO\n\
             CREATE FUNCTION dbo.Next () RETURNS int AS EXTERNAL NAME Lib.[Lib.Counter].Next;\n\
             === file: src/Counter.cs\n\
             namespace Lib { public static class Counter {\n\
             static int a; // sqlwarden-ignore CLS002: reset on every load, reviewed\n\
             // sqlwarden-ignore CLS002, CLS004: per-thread cache, reviewed in SEC-12\n\
             [System.ThreadStatic]\n\
             static int b;\n\
             static int c; --! CLS002\n\
             // sqlwarden-ignore PRM001: nothing of the kind here --! SQL003\n\
             public static int Next() { return ++a; }\n\
             } }\n";
        let (workspace, expected) = crate::rules::testing::load(fixture);
        let found =
            crate::rules::testing::run(&workspace, crate::rules::cls::RULES.iter().copied());
        let kept = super::apply(&workspace, found);
        crate::rules::testing::compare(&workspace, &kept, &expected, &["CLS", "SQL"]);
    }

    #[test]
    fn comment_markers_inside_strings_are_not_suppressions() {
        check(
            "-- sqlwarden-ignore-file CLR008: trust paths have their own tests\n\
             SELECT '-- sqlwarden-ignore CLR001: no';\n\
             CREATE ASSEMBLY A FROM 0x4D5A WITH PERMISSION_SET = UNSAFE; --! CLR001\n",
        );
    }
}
