//! CLR trust: `PERMISSION_SET = UNSAFE`/`EXTERNAL_ACCESS` becomes `SAFE` (CLR001,
//! CLR002) and `TRUSTWORTHY ON` becomes `OFF` (CLR003), in the T-SQL statement or in the
//! `.sqlproj` property element the finding points at.

use analysis::Code;
use syntax::TextRange;
use syntax::ast::StatementKind;

use super::{Edit, Finding, Fix, text};

pub(super) fn fix(finding: &Finding<'_>) -> Option<Fix> {
    let (property, words, replacement): (&str, &[&str], &str) = match finding.diagnostic.code {
        Code::Clr001 => ("PermissionSet", &["UNSAFE"], "SAFE"),
        Code::Clr002 => ("PermissionSet", &["EXTERNAL_ACCESS"], "SAFE"),
        Code::Clr003 => ("Trustworthy", &["ON"], "OFF"),
        _ => return None,
    };
    if finding
        .snapshot
        .workspace
        .scripts
        .contains_key(&finding.file())
    {
        statement_fix(finding, words, replacement)
    } else {
        property_fix(finding, property)
    }
}

/// Replaces the value that ends the finding's clause (`PERMISSION_SET = UNSAFE`,
/// `TRUSTWORTHY ON`), once the statement there is checked to be the one the rule reads.
fn statement_fix(finding: &Finding<'_>, words: &[&str], replacement: &str) -> Option<Fix> {
    let parsed = finding.snapshot.workspace.scripts.get(&finding.file())?;
    let range = finding.range();
    let (title, clause) = parsed.statements.iter().find_map(|s| match &s.kind {
        StatementKind::CreateAssembly(a) => a
            .permission_set
            .as_ref()
            .filter(|(_, r)| *r == range)
            .map(|_| ("PERMISSION_SET", range)),
        StatementKind::AlterDatabaseSet(alter) => alter
            .options
            .iter()
            .find(|o| o.range == range && o.name == "TRUSTWORTHY")
            .map(|_| ("TRUSTWORTHY", range)),
        _ => None,
    })?;
    let written = finding.text().get(clause.as_range())?;
    let word = last_word(written)?;
    if !words.iter().any(|w| w.eq_ignore_ascii_case(word.1)) {
        return None;
    }
    let new = text::in_case_of(replacement, word.1);
    let at = clause.start() + word.0;
    let separator = if title == "PERMISSION_SET" {
        " = "
    } else {
        " "
    };
    Some(Fix {
        title: format!("Set {title}{separator}{replacement}"),
        edits: vec![Edit {
            file: finding.file(),
            range: TextRange::new(at, at + word.1.len()),
            text: new,
        }],
        preferred: true,
    })
}

/// Replaces the value inside the `.sqlproj` element the finding points at.
fn property_fix(finding: &Finding<'_>, name: &str) -> Option<Fix> {
    let snapshot = finding.snapshot;
    let property = snapshot
        .workspace
        .projects
        .iter()
        .filter_map(|p| p.properties.get(name))
        .find(|p| p.location == finding.diagnostic.location)?;
    let range = property.location.range;
    let element = finding.text().get(range.as_range())?;
    let open = element.find('>')? + 1;
    let close = element.rfind("</")?;
    let inner = element.get(open..close)?;
    let value = inner.trim();
    if !value.eq_ignore_ascii_case(&property.value) || value.contains('<') {
        return None;
    }
    let start = range.start() + open + (inner.len() - inner.trim_start().len());
    let replacement = if name == "Trustworthy" {
        "False"
    } else {
        "SAFE"
    };
    Some(Fix {
        title: format!("Set <{name}>{replacement}</{name}>"),
        edits: vec![Edit {
            file: finding.file(),
            range: TextRange::new(start, start + value.len()),
            text: replacement.to_owned(),
        }],
        preferred: true,
    })
}

/// The last word of a clause, with its offset in it.
fn last_word(clause: &str) -> Option<(usize, &str)> {
    let trimmed = clause.trim_end();
    let start = trimmed
        .rfind(|c: char| c.is_whitespace() || c == '=')
        .map_or(0, |i| i + 1);
    let word = &trimmed[start..];
    (!word.is_empty()).then_some((start, word))
}
