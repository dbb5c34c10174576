//! Go to definition, find references, document and workspace symbols.
//!
//! Definition and references read the names of every project that analyses the file
//! ([`super::symbols`]), so a name means what the project's rules say it means (case,
//! quoting, default schema). Symbols read only the lowered scripts: a file's definitions
//! are there whether or not a project analyses it.

use std::collections::BTreeSet;

use analysis::{FileId, Location};
use lsp_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, GotoDefinitionParams,
    GotoDefinitionResponse, ReferenceParams, SymbolInformation, SymbolKind, WorkspaceSymbolParams,
    WorkspaceSymbolResponse,
};
use syntax::TextRange;
use syntax::ast::{ObjectKind, Statement, StatementKind};

use super::symbols::{self, Symbol};
use super::{Snapshot, position};

/// At most this many workspace symbols, so that an empty query on a large workspace
/// stays a small answer.
const MAX_WORKSPACE_SYMBOLS: usize = 500;

/// The file a request names, or an error for a URL outside the workspace.
fn file_of(snapshot: &Snapshot, uri: &lsp_types::Url) -> Result<FileId, String> {
    snapshot
        .file(uri)
        .ok_or_else(|| format!("{uri} is not a file of the workspace"))
}

/// The symbol under a position, in every project that analyses the file.
fn symbols_at(
    snapshot: &Snapshot,
    file: FileId,
    at: lsp_types::Position,
) -> Vec<(usize, Vec<symbols::Occurrence>, Symbol)> {
    let offset = snapshot.offset(file, at);
    snapshot
        .models_of(file)
        .into_iter()
        .filter_map(|(project, model)| {
            let all = symbols::occurrences(model, &snapshot.workspace.files);
            let found = symbols::at(&all, file, offset)?;
            Some((project, all, found.symbol))
        })
        .collect()
}

/// Locations by path, then position: the order people read a list of places in.
fn locations(snapshot: &Snapshot, found: BTreeSet<Location>) -> Vec<lsp_types::Location> {
    let mut found: Vec<Location> = found.into_iter().collect();
    found.sort_by_key(|l| (snapshot.source(l.file).path.clone(), l.range));
    found
        .into_iter()
        .filter_map(|l| snapshot.location(l.file, l.range))
        .collect()
}

pub fn definition(
    snapshot: &Snapshot,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>, String> {
    let at = params.text_document_position_params;
    let file = file_of(snapshot, &at.text_document.uri)?;
    let mut found = BTreeSet::new();
    // On the class or method of an `EXTERNAL NAME`: the C# it binds to.
    let offset = snapshot.offset(file, at.position);
    for (project, model) in snapshot.models_of(file) {
        for entry in model.entry_points() {
            let external = &entry.external;
            let on_assembly = external.assembly.range.start() <= offset
                && offset <= external.assembly.range.end();
            if entry.location.file != file
                || on_assembly
                || !(entry.location.range.start() <= offset && offset <= entry.location.range.end())
            {
                continue;
            }
            if let Some(target) = analysis::rules::cls::entry_point_target(
                &snapshot.workspace,
                &snapshot.workspace.projects[project],
                model,
                entry.object,
            ) {
                found.insert(Location {
                    file: target.file,
                    range: target.range,
                });
            }
        }
    }
    if !found.is_empty() {
        let found = locations(snapshot, found);
        return Ok(found.into_iter().next().map(GotoDefinitionResponse::Scalar));
    }
    for (project, all, symbol) in symbols_at(snapshot, file, at.position) {
        let Some(model) = snapshot.models[project].as_ref() else {
            continue;
        };
        let Some(location) = symbols::definition(model, symbol) else {
            continue;
        };
        // The model locates an object by its whole name (`hr.Salaries`); the name
        // itself is what a reference points at, so definition goes there too.
        let name = all.iter().find(|o| {
            o.symbol == symbol
                && o.declaration
                && o.file == location.file
                && location.range.start() <= o.range.start()
                && o.range.end() <= location.range.end()
        });
        found.insert(name.map_or(location, |o| Location {
            file: o.file,
            range: o.range,
        }));
    }
    let found = locations(snapshot, found);
    Ok(match found.len() {
        0 => None,
        1 => found.into_iter().next().map(GotoDefinitionResponse::Scalar),
        _ => Some(GotoDefinitionResponse::Array(found)),
    })
}

pub fn references(
    snapshot: &Snapshot,
    params: ReferenceParams,
) -> Result<Option<Vec<lsp_types::Location>>, String> {
    let at = params.text_document_position;
    let file = file_of(snapshot, &at.text_document.uri)?;
    let include_declaration = params.context.include_declaration;
    let mut found = BTreeSet::new();
    for (_, all, symbol) in symbols_at(snapshot, file, at.position) {
        found.extend(
            all.iter()
                .filter(|o| o.symbol == symbol && (include_declaration || !o.declaration))
                .map(|o| Location {
                    file: o.file,
                    range: o.range,
                }),
        );
    }
    if found.is_empty() {
        return Ok(None);
    }
    Ok(Some(locations(snapshot, found)))
}

/// A definition statement of a file: its name as written, its kind and ranges.
struct Definition {
    name: String,
    /// The schema, for objects whose name says it.
    container: Option<String>,
    kind: SymbolKind,
    detail: &'static str,
    name_range: TextRange,
    range: TextRange,
}

/// How an editor draws an object of this kind, and what people call it.
pub(super) fn object_kind(kind: ObjectKind) -> (SymbolKind, &'static str) {
    match kind {
        ObjectKind::Table => (SymbolKind::STRUCT, "table"),
        ObjectKind::View => (SymbolKind::INTERFACE, "view"),
        ObjectKind::Procedure => (SymbolKind::FUNCTION, "procedure"),
        ObjectKind::ScalarFunction => (SymbolKind::FUNCTION, "scalar function"),
        ObjectKind::InlineTableFunction => (SymbolKind::FUNCTION, "inline table-valued function"),
        ObjectKind::MultiStatementTableFunction => (SymbolKind::FUNCTION, "table-valued function"),
        ObjectKind::Trigger => (SymbolKind::EVENT, "trigger"),
        ObjectKind::Type => (SymbolKind::TYPE_PARAMETER, "type"),
        ObjectKind::Aggregate => (SymbolKind::OPERATOR, "aggregate"),
        ObjectKind::Sequence => (SymbolKind::NUMBER, "sequence"),
        ObjectKind::Synonym => (SymbolKind::VARIABLE, "synonym"),
        ObjectKind::Queue => (SymbolKind::ARRAY, "queue"),
    }
}

fn definition_of(statement: &Statement) -> Option<Definition> {
    let named = |ident: &syntax::ast::Ident, kind, detail| Definition {
        name: ident.value.to_string(),
        container: None,
        kind,
        detail,
        name_range: ident.range,
        range: statement.range,
    };
    Some(match &statement.kind {
        StatementKind::CreateObject(create) => {
            let (kind, detail) = object_kind(create.kind);
            Definition {
                name: create.name.object().value.to_string(),
                container: create.name.schema().map(|s| s.value.to_string()),
                kind,
                detail,
                name_range: create.name.range,
                range: statement.range,
            }
        }
        StatementKind::CreateSchema { name, .. } => named(name, SymbolKind::NAMESPACE, "schema"),
        StatementKind::CreateUser(user) if !user.alter => {
            named(&user.name, SymbolKind::OBJECT, "user")
        }
        StatementKind::CreateRole {
            name, application, ..
        } => {
            let detail = if *application {
                "application role"
            } else {
                "role"
            };
            named(name, SymbolKind::CLASS, detail)
        }
        StatementKind::CreateLogin(login) => named(&login.name, SymbolKind::OBJECT, "login"),
        StatementKind::CreateAssembly(create) if !create.alter => {
            named(&create.name, SymbolKind::PACKAGE, "assembly")
        }
        StatementKind::CreateKey(key) => {
            let detail = if key.certificate {
                "certificate"
            } else {
                "asymmetric key"
            };
            named(&key.name, SymbolKind::KEY, detail)
        }
        _ => return None,
    })
}

/// The definitions of a file's top-level statements, in text order.
fn definitions(snapshot: &Snapshot, file: FileId) -> Vec<Definition> {
    let Some(parsed) = snapshot.workspace.scripts.get(&file) else {
        return Vec::new();
    };
    parsed
        .statements
        .iter()
        .filter_map(|statement| definition_of(statement))
        .collect()
}

fn full_name(definition: &Definition) -> String {
    match &definition.container {
        Some(schema) => format!("{schema}.{}", definition.name),
        None => definition.name.clone(),
    }
}

// The symbol structs' `deprecated` field is deprecated yet required: naming it is allowed.
#[allow(deprecated)]
pub fn document_symbols(
    snapshot: &Snapshot,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>, String> {
    let file = file_of(snapshot, &params.text_document.uri)?;
    let source = snapshot.source(file);
    let symbols: Vec<DocumentSymbol> = definitions(snapshot, file)
        .into_iter()
        .map(|d| DocumentSymbol {
            name: full_name(&d),
            detail: Some(d.detail.to_owned()),
            kind: d.kind,
            tags: None,
            deprecated: None,
            range: position::range(source, d.range, snapshot.encoding),
            selection_range: position::range(source, d.name_range, snapshot.encoding),
            children: None,
        })
        .collect();
    Ok(Some(DocumentSymbolResponse::Nested(symbols)))
}

#[allow(deprecated)]
pub fn workspace_symbols(
    snapshot: &Snapshot,
    params: WorkspaceSymbolParams,
) -> Result<Option<WorkspaceSymbolResponse>, String> {
    let query = params.query.to_lowercase();
    let mut out = Vec::new();
    let mut files: Vec<FileId> = snapshot.workspace.scripts.keys().copied().collect();
    files.sort_by_key(|&file| snapshot.source(file).path.clone());
    'files: for file in files {
        for d in definitions(snapshot, file) {
            let name = full_name(&d);
            if !query.is_empty() && !name.to_lowercase().contains(&query) {
                continue;
            }
            let Some(location) = snapshot.location(file, d.name_range) else {
                continue;
            };
            out.push(SymbolInformation {
                name,
                kind: d.kind,
                tags: None,
                deprecated: None,
                location,
                container_name: d.container.clone(),
            });
            if out.len() >= MAX_WORKSPACE_SYMBOLS {
                break 'files;
            }
        }
    }
    Ok(Some(WorkspaceSymbolResponse::Flat(out)))
}
