//! The output formats. Each is one file of small private serde structs (or plain text)
//! rendering a [`Report`]; none of them converts positions or reads the disk.

pub mod github;
pub mod json;
pub mod sarif;
pub mod text;

use crate::cli::Format;
use crate::report::Report;

/// Renders the report in `format`; `color` only affects text.
pub fn render(format: Format, report: &Report<'_>, color: bool) -> String {
    match format {
        Format::Text => text::render(report, color),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
    }
}
