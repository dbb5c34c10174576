//! PRM001–PRM004: the `GRANT` that the finding's fix names, added where the project
//! keeps that principal's permissions.
//!
//! The file is the one holding the most `GRANT`/`DENY` statements to the grantees; the
//! new statement goes on the line after the last of them, inside their batch, and spells
//! a grantee as those statements do when they name it through a SQLCMD variable
//! (`[$(AppRole)]`). A principal with no permission statement anywhere gets its grant
//! beside the securable instead: in a batch of its own after the batch that creates it.

use std::collections::BTreeMap;

use analysis::model::{Model, PrincipalId, StmtId};
use analysis::{Code, FileId};
use syntax::ast::{PermissionAction, StatementKind};

use super::{Edit, Finding, Fix, text};

pub(super) fn fix(finding: &Finding<'_>) -> Option<Fix> {
    if !matches!(
        finding.diagnostic.code,
        Code::Prm001 | Code::Prm002 | Code::Prm003 | Code::Prm004
    ) {
        return None;
    }
    // A fix that removes a DENY, or any other advice, is not a GRANT to add.
    let proposed = parse(finding.diagnostic.fix.as_deref()?)?;
    let (_, model) = finding
        .snapshot
        .models_of(finding.file())
        .into_iter()
        .next()?;
    let principals: Vec<PrincipalId> = proposed
        .grantees
        .iter()
        .map(|g| model.database_principal(&unquote(g)))
        .collect::<Option<_>>()?;
    // A REVOKE of these permissions from a grantee could take the new GRANT back,
    // depending on where it applies: no fix is certain then.
    let permissions = proposed.permissions();
    let revoked = model.permission_changes().iter().any(|change| {
        change.action == PermissionAction::Revoke
            && principals.contains(&change.principal)
            && permissions
                .iter()
                .any(|p| p.eq_ignore_ascii_case(&change.permission))
    });
    if revoked {
        return None;
    }
    let (statement, edit) = match grants_file(finding, model, &principals) {
        Some(place) => place.edit(finding, &proposed)?,
        None => beside_securable(finding, model, &proposed)?,
    };
    Some(Fix {
        title: format!("Add {statement}"),
        edits: vec![edit],
        preferred: true,
    })
}

/// The GRANT of a finding's fix, read back from its text (`GRANT SELECT, UPDATE ON
/// hr.Salaries TO payroll_app, or give …`).
#[derive(Debug, PartialEq, Eq)]
struct Proposed {
    /// `GRANT SELECT, UPDATE ON hr.Salaries`.
    head: String,
    securable: Securable,
    /// As the fix writes them: bare, or bracketed.
    grantees: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
enum Securable {
    /// `schema.object`, unquoted.
    Object(String, String),
    Assembly(String),
}

impl Proposed {
    /// The permissions granted: `SELECT`, `UPDATE`.
    fn permissions(&self) -> Vec<&str> {
        let list = self.head.strip_prefix("GRANT ").unwrap_or(&self.head);
        let list = &list[..find_outside(list, " ON ").unwrap_or(list.len())];
        list.split(", ").map(str::trim).collect()
    }
}

fn parse(fix: &str) -> Option<Proposed> {
    if !fix.starts_with("GRANT ") {
        return None;
    }
    let grant = &fix[..find_outside(fix, ", or ").unwrap_or(fix.len())];
    let to = find_outside(grant, " TO ")?;
    let head = &grant[..to];
    let grantees: Vec<String> = split_outside(&grant[to + " TO ".len()..], ", ")
        .into_iter()
        .map(|g| g.trim().to_owned())
        .collect();
    if grantees.iter().any(String::is_empty) {
        return None;
    }
    let on = find_outside(head, " ON ")?;
    let securable = &head[on + " ON ".len()..];
    let securable = if let Some(name) = securable.strip_prefix("ASSEMBLY::") {
        Securable::Assembly(unquote(name))
    } else {
        match split_outside(securable, ".").as_slice() {
            [schema, object] if !securable.contains("::") => {
                Securable::Object(unquote(schema), unquote(object))
            }
            _ => return None,
        }
    };
    Some(Proposed {
        head: head.to_owned(),
        securable,
        grantees,
    })
}

/// Where the grantees' permission statements are kept.
struct GrantsFile {
    file: FileId,
    /// The end of the last of those statements.
    last_end: usize,
    /// How the file writes each grantee, when through a SQLCMD variable.
    spellings: BTreeMap<PrincipalId, String>,
}

fn grants_file(
    finding: &Finding<'_>,
    model: &Model,
    principals: &[PrincipalId],
) -> Option<GrantsFile> {
    let workspace = &finding.snapshot.workspace;
    // Statements per file, counted once however many permissions or grantees they hold.
    let mut by_file: BTreeMap<FileId, (Vec<StmtId>, usize)> = BTreeMap::new();
    for change in model.permission_changes() {
        if change.action == PermissionAction::Revoke
            || change.in_module
            || !principals.contains(&change.principal)
        {
            continue;
        }
        let entry = by_file.entry(change.location.file).or_default();
        if !entry.0.contains(&change.stmt) {
            entry.0.push(change.stmt);
        }
        entry.1 = entry.1.max(change.location.range.end());
    }
    // The most statements wins; on a tie, the file that comes first.
    let (&file, &(_, last_end)) = by_file
        .iter()
        .rev()
        .max_by_key(|(_, (statements, _))| statements.len())?;
    let text = &workspace.files.get(file).text;
    let mut spellings = BTreeMap::new();
    for change in model.permission_changes() {
        if change.principal_location.file != file || !principals.contains(&change.principal) {
            continue;
        }
        let range = change.principal_location.range;
        if let Some(written) = text.get(range.as_range())
            && written.contains("$(")
        {
            spellings
                .entry(change.principal)
                .or_insert_with(|| written.to_owned());
        }
    }
    Some(GrantsFile {
        file,
        last_end,
        spellings,
    })
}

impl GrantsFile {
    fn edit(&self, finding: &Finding<'_>, proposed: &Proposed) -> Option<(String, Edit)> {
        let model = finding
            .snapshot
            .models_of(finding.file())
            .into_iter()
            .next()?
            .1;
        let grantees: Vec<String> = proposed
            .grantees
            .iter()
            .map(|g| {
                model
                    .database_principal(&unquote(g))
                    .and_then(|p| self.spellings.get(&p).cloned())
                    .unwrap_or_else(|| g.clone())
            })
            .collect();
        let statement = format!("{} TO {};", proposed.head, grantees.join(", "));
        let text = &finding.snapshot.source(self.file).text;
        let last = self.last_end.saturating_sub(1);
        let indent = text::indentation(text, last);
        let (at, inserted) = text::insert_line_after(text, last, &format!("{indent}{statement}"));
        Some((statement, Edit::insert(self.file, at, inserted)))
    }
}

/// The GRANT in a batch of its own after the batch that creates the securable.
fn beside_securable(
    finding: &Finding<'_>,
    model: &Model,
    proposed: &Proposed,
) -> Option<(String, Edit)> {
    let location = match &proposed.securable {
        Securable::Object(schema, name) => {
            model
                .objects()
                .find(|(_, o)| {
                    o.name.eq_ignore_ascii_case(name)
                        && model.schema(o.schema).name.eq_ignore_ascii_case(schema)
                })?
                .1
                .location
        }
        Securable::Assembly(name) => model.assembly(model.assembly_named(name)?).location,
    };
    let file = location.file;
    let parsed = finding.snapshot.workspace.scripts.get(&file)?;
    let text = &finding.snapshot.source(file).text;
    let batch = *parsed
        .batches
        .iter()
        .find(|b| b.contains(location.range.start()))?;
    let creates_module = parsed.statements.iter().any(|s| {
        s.range.contains(location.range.start())
            && matches!(&s.kind, StatementKind::CreateObject(o) if o.module.is_some())
    });
    let eol = text::eol(text);
    let statement = format!("{} TO {};", proposed.head, proposed.grantees.join(", "));
    let last = batch.end().saturating_sub(1).max(batch.start());
    let edit = if text::is_go_line(text::line(text, last)) {
        let (at, inserted) = text::insert_line_after(text, last, &statement);
        let go = if inserted.starts_with(eol) {
            // The file ends with this `GO` and no line break.
            format!("{inserted}{eol}GO")
        } else {
            format!("{inserted}GO{eol}")
        };
        Edit::insert(file, at, go)
    } else {
        // The last batch of a file without a final `GO`: a module there would take the
        // GRANT into its body, so a `GO` ends it first.
        let uses_go = parsed.batches.len() > 1;
        let lead = if text.is_empty() || text.ends_with('\n') {
            ""
        } else {
            eol
        };
        let separator = if creates_module || uses_go {
            format!("GO{eol}")
        } else {
            String::new()
        };
        Edit::insert(
            file,
            text.len(),
            format!("{lead}{separator}{statement}{eol}"),
        )
    };
    Some((statement, edit))
}

/// The offset of `needle` in `text` outside `[...]` quoting (where `]]` is an escaped
/// `]`).
fn find_outside(text: &str, needle: &str) -> Option<usize> {
    let mut inside = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if inside {
            if c == ']' {
                if chars.peek().is_some_and(|(_, next)| *next == ']') {
                    chars.next();
                } else {
                    inside = false;
                }
            }
        } else if c == '[' {
            inside = true;
        } else if text[i..].starts_with(needle) {
            return Some(i);
        }
    }
    None
}

fn split_outside<'a>(text: &'a str, separator: &str) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(at) = find_outside(rest, separator) {
        parts.push(&rest[..at]);
        rest = &rest[at + separator.len()..];
    }
    parts.push(rest);
    parts
}

/// A name part without its brackets.
fn unquote(part: &str) -> String {
    let part = part.trim();
    match part.strip_prefix('[').and_then(|p| p.strip_suffix(']')) {
        Some(inner) => inner.replace("]]", "]"),
        None => part.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grant_is_read_back_from_the_fix() {
        assert_eq!(
            parse(
                "GRANT SELECT, UPDATE ON hr.Salaries TO payroll_app, [app two], or give `hr.Salaries` the owner of `dbo.RaiseSalary`"
            ),
            Some(Proposed {
                head: "GRANT SELECT, UPDATE ON hr.Salaries".to_owned(),
                securable: Securable::Object("hr".to_owned(), "Salaries".to_owned()),
                grantees: vec!["payroll_app".to_owned(), "[app two]".to_owned()],
            })
        );
        assert_eq!(
            parse("GRANT REFERENCES ON ASSEMBLY::Geo TO [a, or b], or create the assembly WITH AUTHORIZATION [a, or b]")
                .map(|p| (p.securable, p.grantees)),
            Some((
                Securable::Assembly("Geo".to_owned()),
                vec!["[a, or b]".to_owned()]
            ))
        );
        assert_eq!(
            parse("GRANT SELECT ON [x.y].[ TO ]]x] TO u").map(|p| p.grantees),
            Some(vec!["u".to_owned()])
        );
        assert_eq!(
            parse("remove the DENY of SELECT on hr.t that applies to u"),
            None
        );
    }
}
