//! Text for people: one code frame per finding with the offending range underlined, the
//! related locations as further frames, the fix as help, then a summary line. Colour
//! only when the caller asks for it (a terminal without `NO_COLOR`, or `--color always`).

use annotate_snippets::{Annotation, AnnotationKind, Group, Level, Renderer, Snippet};
use anstyle::{AnsiColor, Style};

use crate::report::{Finding, Report, Summary};
use analysis::{Location, Severity, SourceFiles};

pub fn render(report: &Report<'_>, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for finding in &report.findings {
        let group = group(report.files, finding);
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    let summary = summary_line(&report.summary());
    if color {
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

fn group<'a>(files: &'a SourceFiles, finding: &'a Finding<'a>) -> Group<'a> {
    let level = match finding.severity() {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    };
    let mut group = level
        .primary_title(finding.message())
        .id(finding.code().as_str())
        .element(frame(
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
    let start = floor_boundary(text, location.range.start.min(text.len()));
    let end = floor_boundary(text, location.range.end.clamp(start, text.len()));
    let first = file.line_index.line_of(start);
    let mut last = file.line_index.line_of(end);
    // A range that ends just after a line break underlines only the line before it.
    if last > first && file.line_index.line_range(last, text).start == end {
        last -= 1;
    }
    let from = file.line_index.line_range(first, text).start;
    let to = file
        .line_index
        .line_range(last, text)
        .end
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

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("1 {word}")
    } else {
        format!("{count} {word}s")
    }
}

/// `2 errors, 1 warning, 0 notes in 2 of 5 files`.
pub fn summary_line(summary: &Summary) -> String {
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

    #[test]
    fn frames_underline_the_range_and_show_related_notes_and_help() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        let text = render(&report, false);
        let expected_start = "\
error[PRM001]: sales_app may execute dbo.quote, which calls pricing.current_price across a broken ownership chain
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
";
        assert!(text.starts_with(expected_start), "{text}");
        assert!(text.contains("warning[PRM005]: SELECT on t"));
        assert!(text.contains("note[SQL003]: this suppression suppressed nothing"));
        assert!(!text.contains('\x1b'));
        assert!(
            text.ends_with("1 error, 1 warning, 1 note in 2 of 2 files\n"),
            "{text}"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        assert!(render(&report, true).contains('\x1b'));
    }

    #[test]
    fn summary_pluralises() {
        let summary = Summary {
            errors: 0,
            warnings: 2,
            notes: 1,
            files_with_findings: 1,
            files_checked: 1,
        };
        assert_eq!(
            summary_line(&summary),
            "0 errors, 2 warnings, 1 note in 1 of 1 file"
        );
    }
}
