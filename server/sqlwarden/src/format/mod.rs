//! The output formats. Each is one file of small private serde structs (or plain text)
//! rendering a [`Report`]; none of them converts positions or reads the disk.

pub mod azure;
pub mod concise;
pub mod github;
pub mod gitlab;
pub mod grouped;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod text;

use crate::cli::Format;
use crate::report::Report;

/// What the command line asks of the formats for people; the machine formats ignore it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Colour (a terminal without `NO_COLOR`, `FORCE_COLOR`, or `--color always`).
    pub color: bool,
    /// `--quiet`: the findings only, without hints or the summary line.
    pub quiet: bool,
    /// `--statistics`: counts per rule in place of the findings.
    pub statistics: bool,
}

/// True for the formats meant for people to read.
pub fn is_text(format: Format) -> bool {
    matches!(format, Format::Text | Format::Concise | Format::Grouped)
}

/// Writes the report in `format`: JSON and SARIF as they are serialised, the other
/// formats (a line or a few per finding) rendered first.
pub fn write(
    format: Format,
    report: &Report<'_>,
    options: &Options,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        _ => out.write_all(render(format, report, options).as_bytes()),
    }
}

/// Writes `document` as pretty-printed JSON followed by one line break, as it is
/// serialised: the JSON and SARIF documents of a large report are never held whole.
fn write_document(
    out: &mut dyn std::io::Write,
    document: &impl serde::Serialize,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, document).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

/// What a writing format writes, as a string (for tests, and the formats that render
/// whole). Writing into memory fails only where serde_json would, never for the
/// formats' types.
fn written(write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    let _ = write(&mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Renders the report in `format`.
pub fn render(format: Format, report: &Report<'_>, options: &Options) -> String {
    if is_text(format) && options.statistics {
        let mut out = text::statistics(report);
        if !options.quiet {
            out.push_str(&text::summary_line(report));
            out.push('\n');
        }
        return out;
    }
    match format {
        Format::Text => text::render(report, options),
        Format::Concise => concise::render(report, options),
        Format::Grouped => grouped::render(report, options),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
        Format::Azure => azure::render(report),
        Format::Gitlab => gitlab::render(report),
        Format::Junit => junit::render(report),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::report::tests::sample;

    /// Writing as the report is serialised gives the very bytes of the rendered string,
    /// in every format.
    #[test]
    fn writing_gives_the_rendered_text_in_every_format() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        let options = Options::default();
        for &format in <Format as clap::ValueEnum>::value_variants() {
            let mut written = Vec::new();
            write(format, &report, &options, &mut written).expect("writes into memory");
            let rendered = render(format, &report, &options);
            assert!(!rendered.is_empty(), "{format:?}");
            assert_eq!(
                String::from_utf8(written).expect("UTF-8"),
                rendered,
                "{format:?}"
            );
        }
    }

    /// A JSON document ends with one line break, as the string always did.
    #[test]
    fn the_json_document_ends_with_a_line_break() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, None);
        let text = json::render(&report);
        assert!(text.starts_with("{\n") && text.ends_with("}\n"), "{text}");
    }
}
