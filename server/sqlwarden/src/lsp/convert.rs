//! Findings as LSP diagnostics: code, documentation link, related locations, tags and the
//! source `sqlwarden`, with positions in the negotiated encoding.

use analysis::{Code, Diagnostic, Severity, SourceFiles};
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location, NumberOrString, Url,
};

use super::position::{self, Encoding};

/// The `file://` URL of a path.
pub fn url(path: &std::path::Path) -> Option<Url> {
    Url::from_file_path(path).ok()
}

/// The rule documentation a diagnostic links to: the first page its References name.
pub fn documentation(code: Code) -> Option<Url> {
    crate::format::sarif::help_uri(code).and_then(|u| Url::parse(&u).ok())
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Note => DiagnosticSeverity::INFORMATION,
    }
}

/// Tags that let an editor draw a finding as what it is: an unused suppression is
/// unnecessary text; `SETUSER` is a deprecated statement.
fn tags(code: Code) -> Option<Vec<DiagnosticTag>> {
    match code {
        Code::Sql003 => Some(vec![DiagnosticTag::UNNECESSARY]),
        Code::Imp006 => Some(vec![DiagnosticTag::DEPRECATED]),
        _ => None,
    }
}

pub fn diagnostic(
    found: &Diagnostic,
    files: &SourceFiles,
    encoding: Encoding,
) -> lsp_types::Diagnostic {
    let file = files.get(found.location.file);
    let related: Vec<DiagnosticRelatedInformation> = found
        .related
        .iter()
        .filter_map(|r| {
            let other = files.get(r.location.file);
            Some(DiagnosticRelatedInformation {
                location: Location::new(
                    url(&other.absolute)?,
                    position::range(other, r.location.range, encoding),
                ),
                message: r.message.clone(),
            })
        })
        .collect();
    let message = match &found.fix {
        Some(fix) => format!("{}\nFix: {fix}", found.message),
        None => found.message.clone(),
    };
    lsp_types::Diagnostic {
        range: position::range(file, found.location.range, encoding),
        severity: Some(severity(found.severity)),
        code: Some(NumberOrString::String(found.code.as_str().to_owned())),
        code_description: documentation(found.code).map(|href| lsp_types::CodeDescription { href }),
        source: Some("sqlwarden".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: tags(found.code),
        data: None,
    }
}
