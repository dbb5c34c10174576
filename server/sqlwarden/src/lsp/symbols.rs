//! The names of a project's model and where they stand: every occurrence of an object,
//! schema, principal or assembly in the statements of the model's stream, resolved with
//! the project's rules. Hover, go to definition and find references all start here, so
//! that they agree on what a name means.

use std::collections::BTreeSet;

use analysis::model::{AssemblyId, Model, ObjectId, PrincipalId, Resolved, SchemaId, StatementRef};
use analysis::{FileId, Location, SourceFiles};
use syntax::TextRange;
use syntax::ast::{ExecuteAsKind, Expr, Ident, QualifiedName, StatementKind, UserSource};

/// What a name in a model stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Symbol {
    Object(ObjectId),
    Schema(SchemaId),
    Principal(PrincipalId),
    Assembly(AssemblyId),
}

/// One place where a name of the model is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Occurrence {
    pub file: FileId,
    pub range: TextRange,
    pub symbol: Symbol,
    /// The name in the statement that creates (or alters) the symbol.
    pub declaration: bool,
}

/// Where the model says a symbol is defined; `None` for built-ins and names the project
/// only uses.
pub fn definition(model: &Model, symbol: Symbol) -> Option<Location> {
    match symbol {
        Symbol::Object(id) => Some(model.object(id).location),
        Symbol::Schema(id) => model.schema(id).location,
        Symbol::Principal(id) => {
            let principal = model.principal(id);
            // An undeclared name's location is its first use, not a definition.
            match principal.kind {
                analysis::model::PrincipalKind::Undeclared { .. } => None,
                _ => principal.location,
            }
        }
        Symbol::Assembly(id) => Some(model.assembly(id).location),
    }
}

/// Every occurrence of a name of the model, in file and text order, without repeats.
pub fn occurrences(model: &Model, files: &SourceFiles) -> Vec<Occurrence> {
    let mut found = Collector {
        model,
        files,
        out: BTreeSet::new(),
    };
    for statement in model.statements() {
        found.statement(&statement);
    }
    for change in model.membership_changes() {
        found.principal_at(change.role_location, change.role, false);
        found.principal_at(change.member_location, change.member, false);
    }
    found.out.into_iter().collect()
}

/// The innermost occurrence at a byte offset of a file (a position at the end of a name
/// still counts, as editors put the cursor after the word).
pub fn at(occurrences: &[Occurrence], file: FileId, offset: usize) -> Option<Occurrence> {
    occurrences
        .iter()
        .filter(|o| o.file == file && o.range.start() <= offset && offset <= o.range.end())
        .min_by_key(|o| (o.range.len(), std::cmp::Reverse(o.range.start())))
        .copied()
}

struct Collector<'a> {
    model: &'a Model,
    files: &'a SourceFiles,
    out: BTreeSet<Occurrence>,
}

impl Collector<'_> {
    fn push(&mut self, file: FileId, range: TextRange, symbol: Symbol, declaration: bool) {
        if range.is_empty() {
            return;
        }
        self.out.insert(Occurrence {
            file,
            range,
            symbol,
            declaration,
        });
    }

    /// A principal named by a location that may be a string literal (`'hr_owner'`,
    /// `N'x'`): the occurrence is the name inside the quotes.
    fn principal_at(&mut self, location: Location, principal: PrincipalId, declaration: bool) {
        let range = unquoted(self.files, location);
        self.push(
            location.file,
            range,
            Symbol::Principal(principal),
            declaration,
        );
    }

    fn database_principal(&mut self, file: FileId, ident: &Ident, declaration: bool) {
        let id = self
            .model
            .database_principal(&ident.value)
            .or_else(|| self.model.server_principal(&ident.value));
        if let Some(id) = id {
            self.push(file, ident.range, Symbol::Principal(id), declaration);
        }
    }

    fn server_principal(&mut self, file: FileId, ident: &Ident, declaration: bool) {
        let id = self
            .model
            .server_principal(&ident.value)
            .or_else(|| self.model.database_principal(&ident.value));
        if let Some(id) = id {
            self.push(file, ident.range, Symbol::Principal(id), declaration);
        }
    }

    fn schema(&mut self, file: FileId, ident: &Ident, declaration: bool) {
        if let Some(id) = self.model.schema_named(&ident.value) {
            self.push(file, ident.range, Symbol::Schema(id), declaration);
        }
    }

    fn assembly(&mut self, file: FileId, ident: &Ident, declaration: bool) {
        if let Some(id) = self.model.assembly_named(&ident.value) {
            self.push(file, ident.range, Symbol::Assembly(id), declaration);
        }
    }

    /// An object's name: its last part is the object, a written schema part the schema.
    fn object_name(
        &mut self,
        file: FileId,
        name: &QualifiedName,
        resolved: Option<ObjectId>,
        declaration: bool,
    ) {
        if self.model.is_other_database(name) {
            return;
        }
        if let Some(schema) = name.schema()
            // The schema part of a `CREATE SCHEMA` element stands in the `CREATE SCHEMA`
            // statement, which records that occurrence itself.
            && name.range.start() <= schema.range.start()
        {
            self.schema(file, schema, false);
        }
        if let Some(id) = resolved {
            self.push(file, name.object().range, Symbol::Object(id), declaration);
        }
    }

    fn resolve(&self, name: &QualifiedName, statement: &StatementRef<'_>) -> Option<ObjectId> {
        let schema = statement.module.map(|m| self.model.object(m).schema);
        match self.model.resolve_exact(name, schema) {
            Resolved::Object(id) => Some(id),
            _ => None,
        }
    }

    fn statement(&mut self, statement: &StatementRef<'_>) {
        let file = statement.file;
        for reference in &statement.statement.references {
            let id = self.resolve(&reference.name, statement);
            self.object_name(file, &reference.name, id, false);
        }
        match &statement.statement.kind {
            StatementKind::CreateUser(user) => {
                self.database_principal(file, &user.name, !user.alter);
                if let UserSource::Login(login) = &user.source
                    && login.range != user.name.range
                {
                    self.server_principal(file, login, false);
                }
                if let Some(schema) = &user.default_schema {
                    self.schema(file, schema, false);
                }
            }
            StatementKind::CreateRole { name, owner, .. } => {
                self.database_principal(file, name, true);
                if let Some(owner) = owner {
                    self.database_principal(file, owner, false);
                }
            }
            StatementKind::CreateLogin(login) => self.server_principal(file, &login.name, true),
            StatementKind::CreateSchema { name, owner } => {
                self.schema(file, name, true);
                if let Some(owner) = owner {
                    self.database_principal(file, owner, false);
                }
            }
            StatementKind::CreateObject(create) => {
                let id = (!statement.in_module)
                    .then(|| self.model.module_object_of(statement.id))
                    .flatten()
                    .filter(|id| self.model.object(*id).kind == create.kind)
                    .or_else(|| self.resolve(&create.name, statement));
                self.object_name(file, &create.name, id, true);
                if let Some(target) = &create.synonym_for {
                    let schema = id.map(|id| self.model.object(id).schema);
                    let target_id = match self.model.resolve_exact(target, schema) {
                        Resolved::Object(id) => Some(id),
                        _ => None,
                    };
                    self.object_name(file, target, target_id, false);
                }
                if let Some(module) = &create.module {
                    if let Some(external) = &module.external_name {
                        self.assembly(file, &external.assembly, false);
                    }
                    if let Some(table) = &module.trigger_target {
                        let table_id = self.resolve(table, statement);
                        self.object_name(file, table, table_id, false);
                    }
                }
            }
            StatementKind::AlterAuthorization(alter) => {
                let securable = &alter.securable;
                match alter.class.as_deref() {
                    None | Some("OBJECT") => {
                        let id = self.resolve(securable, statement);
                        self.object_name(file, securable, id, false);
                    }
                    Some("SCHEMA") => self.schema(file, securable.object(), false),
                    Some("ASSEMBLY") => self.assembly(file, securable.object(), false),
                    Some("USER" | "ROLE" | "APPLICATION ROLE") => {
                        self.database_principal(file, securable.object(), false)
                    }
                    Some("LOGIN" | "SERVER ROLE") => {
                        self.server_principal(file, securable.object(), false)
                    }
                    Some(_) => {}
                }
                if let Some(owner) = &alter.owner {
                    self.database_principal(file, owner, false);
                }
            }
            StatementKind::CreateAssembly(create) => {
                self.assembly(file, &create.name, !create.alter);
                if let Some(owner) = &create.owner {
                    self.database_principal(file, owner, false);
                }
            }
            StatementKind::CreateKey(key) => {
                if let syntax::ast::KeySource::Assembly(assembly) = &key.source {
                    self.assembly(file, assembly, false);
                }
                if let Some(owner) = &key.owner {
                    self.database_principal(file, owner, false);
                }
            }
            StatementKind::Permission(permission) => {
                if let Some(securable) = &permission.securable {
                    let name = &securable.name;
                    match securable.class.as_deref() {
                        None | Some("OBJECT") => {
                            let id = self.resolve(name, statement);
                            self.object_name(file, name, id, false);
                        }
                        Some("SCHEMA") => self.schema(file, name.object(), false),
                        Some("ASSEMBLY") => self.assembly(file, name.object(), false),
                        Some("USER" | "ROLE" | "APPLICATION ROLE") => {
                            self.database_principal(file, name.object(), false)
                        }
                        Some("LOGIN" | "SERVER ROLE") => {
                            self.server_principal(file, name.object(), false)
                        }
                        Some(_) => {}
                    }
                }
                for principal in &permission.principals {
                    self.database_principal(file, principal, false);
                }
                if let Some(grantor) = &permission.as_principal {
                    self.database_principal(file, grantor, false);
                }
            }
            StatementKind::ExecuteAs(execute) => {
                if let Some(Expr::String(name, range)) = &execute.name {
                    let id = match execute.kind {
                        ExecuteAsKind::Login => self.model.server_principal(name),
                        _ => self.model.database_principal(name),
                    };
                    if let Some(id) = id {
                        self.principal_at(
                            Location {
                                file,
                                range: *range,
                            },
                            id,
                            false,
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

/// A location's range without the quotes of a string literal (`'x'`, `N'x'`); any other
/// text is returned as it is.
fn unquoted(files: &SourceFiles, location: Location) -> TextRange {
    let text = &files.get(location.file).text;
    let range = location.range;
    let Some(written) = text.get(range.as_range()) else {
        return range;
    };
    let prefix = if written.starts_with("N'") || written.starts_with("n'") {
        2
    } else if written.starts_with('\'') {
        1
    } else {
        return range;
    };
    if written.len() > prefix && written.ends_with('\'') {
        TextRange::new(range.start() + prefix, range.end() - 1)
    } else {
        range
    }
}
