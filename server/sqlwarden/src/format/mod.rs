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
