//! Text for people: one code frame per finding with the offending range underlined, the
//! rule's code and name in its title, the related locations as further frames, the fix
//! as help, and under the first finding of each code a hint (its documentation, how to
//! accept a finding). Parse errors (SQL001) follow as one summary, one line per file,
//! so that they never crowd out the security findings (alone, they are shown in full); then the summary line, which
//! names the rules. Colour only when the caller asks for it (a terminal without
//! `NO_COLOR`, `FORCE_COLOR`, or `--color always`).

use annotate_snippets::{Annotation, AnnotationKind, Group, Level, Renderer, Snippet};
use anstyle::{AnsiColor, Style};

use std::collections::HashSet;
use std::fmt::Write;

use crate::format::Options;
use crate::report::{Finding, Report, Summary};
use analysis::{Code, Location, Severity, SourceFiles};

pub fn render(report: &Report<'_>, options: &Options) -> String {
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    let mut seen: HashSet<Code> = HashSet::new();
    // Parse errors are summarised after the other findings, so that they never crowd
    // the security findings out of a reader's sight.
    // When they are all there is, each is shown in full.
    let only_parse_errors = report.findings.iter().all(|f| f.code() == Code::Sql001);
    let (parse_errors, findings): (Vec<&Finding<'_>>, Vec<&Finding<'_>>) = report
        .findings
        .iter()
        .partition(|finding| finding.code() == Code::Sql001 && !only_parse_errors);
    for finding in findings {
        let first = seen.insert(finding.code()) && !options.quiet;
        let id = title_id(finding);
        let hint = first.then(|| hint(finding));
        let group = group(report.files, finding, &id, hint.as_deref());
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    if !parse_errors.is_empty() {
        out.push_str(&parse_error_summary(&parse_errors));
        out.push('\n');
    }
    if options.quiet {
        return out;
    }
    let summary = summary_line(report);
    if options.color {
        let style = Style::new().bold();
        let style = if report.findings.is_empty() {
            style.fg_color(Some(AnsiColor::Green.into()))
        } else {
            style
        };
        out.push_str(&format!("{style}{summary}{style:#}\n"));
    } else {
        out.push_str(&summary);
        out.push('\n');
    }
    out
}

/// The bracketed part of a finding's title: its code and the rule's name.
fn title_id(finding: &Finding<'_>) -> String {
    if finding.name.is_empty() {
        finding.code().to_string()
    } else {
        format!("{} {}", finding.code(), finding.name)
    }
}

/// Shown under the first finding of each code: where its documentation is and how to
/// accept a finding.
fn hint(finding: &Finding<'_>) -> String {
    let code = finding.code();
    // In the C# of an assembly the comment is C#'s, and it goes above the line.
    let (comment, before) = if finding.place.path.to_ascii_lowercase().ends_with(".cs") {
        ("//", "the finding's line")
    } else {
        ("--", "its statement")
    };
    format!(
        "`sqlwarden rule {code}` explains this rule; to accept a finding, put \
         `{comment} sqlwarden-ignore {code}: reason` on the line before {before}, or add \
         \"{code}\" to `ignore` in sqlwarden.toml"
    )
}

/// The parse errors, one line per file: where the first is and how many more follow.
fn parse_error_summary(parse_errors: &[&Finding<'_>]) -> String {
    let mut by_file: Vec<(&str, &Finding<'_>, usize)> = Vec::new();
    for finding in parse_errors {
        match by_file
            .iter_mut()
            .find(|(path, _, _)| *path == finding.place.path)
        {
            Some((_, _, count)) => *count += 1,
            None => by_file.push((&finding.place.path, finding, 1)),
        }
    }
    let mut out = format!(
        "SQL001 syntax-error: sqlwarden could not parse {} in {}; they and what depends \
         on them were not analysed (`--select SQL001` shows each in full):\n",
        plural(parse_errors.len(), "statement"),
        plural(by_file.len(), "file"),
    );
    for (path, first, count) in by_file {
        let more = if count > 1 {
            format!(" and {} more", count - 1)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {path}:{}:{}{more}",
            first.place.start.line, first.place.start.column
        );
    }
    out
}

/// `--statistics`: one line per rule, most frequent first.
pub fn statistics(report: &Report<'_>) -> String {
    let counts = report.counts();
    let width = counts
        .iter()
        .map(|c| c.count.to_string().len())
        .max()
        .unwrap_or(1);
    let name_width = counts.iter().map(|c| c.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for count in counts {
        let severity = match count.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        let _ = writeln!(
            out,
            "{:>width$}  {}  {:name_width$}  {severity}",
            count.count, count.code, count.name
        );
    }
    out
}

fn group<'a>(
    files: &'a SourceFiles,
    finding: &'a Finding<'a>,
    id: &'a str,
    hint: Option<&'a str>,
) -> Group<'a> {
    let level = match finding.severity() {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    };
    let mut group = level.primary_title(finding.message()).id(id).element(frame(
        files,
        &finding.place.path,
        finding.diagnostic.location,
        AnnotationKind::Primary,
        None,
    ));
    for related in &finding.related {
        group = group.element(frame(
            files,
            &related.place.path,
            related.location,
            AnnotationKind::Context,
            Some(related.message.as_str()),
        ));
    }
    if let Some(fix) = &finding.diagnostic.fix {
        group = group.element(Level::HELP.message(fix.as_str()));
    }
    if let Some(hint) = hint {
        group = group.element(Level::NOTE.message(hint));
    }
    group
}

/// A frame of the lines a location spans, so that the renderer never walks a whole
/// file.
fn frame<'a>(
    files: &'a SourceFiles,
    path: &'a str,
    location: Location,
    kind: AnnotationKind,
    label: Option<&'a str>,
) -> Snippet<'a, Annotation<'a>> {
    let file = files.get(location.file);
    let text = file.text.as_str();
    let start = floor_boundary(text, location.range.start().min(text.len()));
    let end = floor_boundary(text, location.range.end().clamp(start, text.len()));
    let first = file.line_index.line_of(start);
    let mut last = file.line_index.line_of(end);
    // A range that ends just after a line break underlines only the line before it.
    if last > first && file.line_index.line_range(last, text).start() == end {
        last -= 1;
    }
    let from = file.line_index.line_range(first, text).start();
    let to = file
        .line_index
        .line_range(last, text)
        .end()
        .max(end.min(text.len()));
    let excerpt = text.get(from..to).unwrap_or("");
    let span = (start - from)..(end.min(to) - from);
    let annotation = kind.span(span);
    let annotation = match label {
        Some(label) => annotation.label(label),
        None => annotation,
    };
    Snippet::source(excerpt)
        .line_start(first + 1)
        .path(path)
        .annotation(annotation)
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

pub fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("1 {word}")
    } else {
        format!("{count} {word}s")
    }
}

/// `2 errors, 1 warning, 0 notes in 2 of 5 files (IMP004 ×2, PRM005)`: the counts, then
/// the rules found, most frequent first.
pub fn summary_line(report: &Report<'_>) -> String {
    let mut line = counts_line(&report.summary());
    let counts = report.counts();
    if !counts.is_empty() {
        let rules: Vec<String> = counts
            .iter()
            .map(|c| {
                if c.count == 1 {
                    c.code.to_string()
                } else {
                    format!("{} ×{}", c.code, c.count)
                }
            })
            .collect();
        let _ = write!(line, " ({})", rules.join(", "));
    }
    line
}

/// `2 errors, 1 warning, 0 notes in 2 of 5 files`.
pub fn counts_line(summary: &Summary) -> String {
    format!(
        "{}, {}, {} in {} of {}",
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.notes, "note"),
        summary.files_with_findings,
        plural(summary.files_checked, "file"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample;
    use std::path::PathBuf;

    fn plain() -> Options {
        Options::default()
    }

    #[test]
    fn frames_underline_the_range_and_show_related_notes_help_and_a_first_hint() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        let text = render(&report, &plain());
        let name = |code| analysis::rules::find(code).map_or("", |r| r.meta.name);
        let expected_start = format!("\
error[PRM001 {}]: sales_app may execute dbo.quote, which calls pricing.current_price across a broken ownership chain
 --> procs.sql:3:10
  |
3 |     EXEC pricing.current_price;
  |          ^^^^^^^^^^^^^^^^^^^^^
  |
 ::: security.sql:2:1
  |
2 | GRANT EXECUTE ON dbo.quote TO sales_app;
  | ---------------------------------------- the grant that lets sales_app execute dbo.quote
  |
  = help: GRANT EXECUTE ON pricing.current_price TO sales_app;
  = note: `sqlwarden rule PRM001` explains this rule; to accept a finding, put `-- sqlwarden-ignore PRM001: reason` on the line before its statement, or add \"PRM001\" to `ignore` in sqlwarden.toml
", name(Code::Prm001));
        assert!(text.starts_with(&expected_start), "{text}");
        assert!(text.contains(&format!(
            "warning[PRM005 {}]: SELECT on t",
            name(Code::Prm005)
        )));
        assert!(
            text.contains("note[SQL003 unused-suppression]: this suppression suppressed nothing")
        );
        assert!(!text.contains('\x1b'));
        assert!(
            text.ends_with("1 error, 1 warning, 1 note in 2 of 2 files (PRM001, PRM005, SQL003)\n"),
            "{text}"
        );
    }

    #[test]
    fn quiet_leaves_out_hints_and_the_summary() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        let text = render(
            &report,
            &Options {
                quiet: true,
                ..Options::default()
            },
        );
        assert!(!text.contains("sqlwarden rule"), "{text}");
        assert!(!text.contains("in 2 of 2 files"), "{text}");
        assert!(text.starts_with("error[PRM001"), "{text}");
    }

    #[test]
    fn colour_only_when_asked() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        let options = Options {
            color: true,
            ..Options::default()
        };
        assert!(render(&report, &options).contains('\x1b'));
    }

    #[test]
    fn counts_pluralise() {
        let summary = Summary {
            errors: 0,
            warnings: 2,
            notes: 1,
            files_with_findings: 1,
            files_checked: 1,
        };
        assert_eq!(
            counts_line(&summary),
            "0 errors, 2 warnings, 1 note in 1 of 1 file"
        );
    }
}
