//! Building the model: the built-ins, then every definition of the project (names
//! resolve against the whole project whatever the order of files), then every state
//! change in apply order.

use std::collections::HashMap;

use syntax::ast::{
    self, Argument, ExecTarget, Expr, Ident, Name, PermissionAction, PermissionSet,
    PermissionStatement, QualifiedName, Statement, StatementKind,
};

use super::names::{fold, normalize_option};
use super::{
    Assembly, AssemblyId, AssemblyOrigin, Builtins, Grant, Key, KeyId, MembershipChange, Model,
    Object, ObjectId, OptionSetting, OptionState, PermissionChange, Principal, PrincipalId,
    PrincipalKind, Resolved, Schema, SchemaId, Scope, ServerConfig, Signature, Signing, StmtId,
    TrustedAssembly,
};
use crate::diagnostic::Location;
use crate::project::{Project, Workspace};

const BUILTIN_USERS: &[&str] = &["dbo", "guest", "sys", "INFORMATION_SCHEMA"];
const FIXED_DATABASE_ROLES: &[&str] = &[
    "db_owner",
    "db_accessadmin",
    "db_securityadmin",
    "db_ddladmin",
    "db_backupoperator",
    "db_datareader",
    "db_datawriter",
    "db_denydatareader",
    "db_denydatawriter",
];
const FIXED_SERVER_ROLES: &[&str] = &[
    "sysadmin",
    "serveradmin",
    "securityadmin",
    "processadmin",
    "setupadmin",
    "bulkadmin",
    "diskadmin",
    "dbcreator",
    "public",
    // SQL Server 2022 and Azure SQL Database: the least-privilege server roles
    // (https://learn.microsoft.com/sql/relational-databases/security/authentication-access/server-level-roles).
    "##MS_DatabaseConnector##",
    "##MS_DatabaseManager##",
    "##MS_DefinitionReader##",
    "##MS_LoginManager##",
    "##MS_PerformanceDefinitionReader##",
    "##MS_SecurityDefinitionReader##",
    "##MS_ServerPerformanceStateReader##",
    "##MS_ServerSecurityStateReader##",
    "##MS_ServerStateManager##",
    "##MS_ServerStateReader##",
];
/// The database roles of Azure SQL Database's `master` that may create databases and logins
/// (https://learn.microsoft.com/azure/azure-sql/database/logins-create-manage).
const AZURE_SQL_DATABASE_ROLES: &[&str] = &["dbmanager", "loginmanager"];
/// The resource-class roles of an Azure Synapse dedicated SQL pool
/// (https://learn.microsoft.com/azure/synapse-analytics/sql-data-warehouse/resource-classes-for-workload-management).
const SYNAPSE_DATABASE_ROLES: &[&str] = &[
    "smallrc",
    "mediumrc",
    "largerc",
    "xlargerc",
    "staticrc10",
    "staticrc20",
    "staticrc30",
    "staticrc40",
    "staticrc50",
    "staticrc60",
    "staticrc70",
    "staticrc80",
];

/// Where the project is deployed, as far as the built-in principals differ: a `.sqlproj`
/// says so in its `DSP` (database schema provider); plain scripts do not say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Platform {
    SqlServer,
    AzureSqlDatabase,
    Synapse,
    Unknown,
}

impl Platform {
    fn of(project: &Project) -> Platform {
        let Some(dsp) = project.properties.get("DSP") else {
            return Platform::Unknown;
        };
        let dsp = dsp.value.to_ascii_lowercase();
        if dsp.contains("sqldw") || dsp.contains("serverless") {
            Platform::Synapse
        } else if dsp.contains("sqlazure") || dsp.contains("sqldb") {
            Platform::AzureSqlDatabase
        } else {
            Platform::SqlServer
        }
    }

    /// The platform's own database roles, beyond SQL Server's fixed ones. Where the
    /// platform is unknown, a script naming them most likely runs where they exist.
    fn database_roles(self) -> impl Iterator<Item = &'static str> {
        let azure: &[&str] = match self {
            Platform::AzureSqlDatabase | Platform::Unknown => AZURE_SQL_DATABASE_ROLES,
            _ => &[],
        };
        let synapse: &[&str] = match self {
            Platform::Synapse | Platform::Unknown => SYNAPSE_DATABASE_ROLES,
            _ => &[],
        };
        azure.iter().chain(synapse).copied()
    }
}

/// Permissions that exist only at server scope: a `GRANT` of one of these without `ON`
/// is a server permission, granted to a login or server role.
pub(crate) const SERVER_PERMISSIONS: &[&str] = &[
    "ADMINISTER BULK OPERATIONS",
    "ALTER ANY AVAILABILITY GROUP",
    "ALTER ANY CONNECTION",
    "ALTER ANY CREDENTIAL",
    "ALTER ANY DATABASE",
    "ALTER ANY ENDPOINT",
    "ALTER ANY EVENT NOTIFICATION",
    "ALTER ANY EVENT SESSION",
    "ALTER ANY LINKED SERVER",
    "ALTER ANY LOGIN",
    "ALTER ANY SERVER AUDIT",
    "ALTER ANY SERVER ROLE",
    "ALTER RESOURCES",
    "ALTER SERVER STATE",
    "ALTER SETTINGS",
    "ALTER TRACE",
    "AUTHENTICATE SERVER",
    "CONNECT ANY DATABASE",
    "CONNECT SQL",
    "CONTROL SERVER",
    "CREATE ANY DATABASE",
    "CREATE AVAILABILITY GROUP",
    "CREATE ENDPOINT",
    "CREATE SERVER ROLE",
    "CREATE TRACE EVENT NOTIFICATION",
    "EXTERNAL ACCESS ASSEMBLY",
    "IMPERSONATE ANY LOGIN",
    "SELECT ALL USER SECURABLES",
    "SHUTDOWN",
    "UNSAFE ASSEMBLY",
    "VIEW ANY DATABASE",
    "VIEW ANY DEFINITION",
    "VIEW SERVER STATE",
];

/// The object permissions `ALL` stands for.
pub(crate) const ALL_OBJECT_PERMISSIONS: &[&str] = &[
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "REFERENCES",
    "EXECUTE",
];

pub(crate) fn build(workspace: &Workspace, project: &Project) -> Model {
    let (items, database_names) = super::stream::build(workspace, project);
    // Whether the project's own database has a name to tell others by: a `.sqlproj`'s,
    // `$(DatabaseName)`'s, or the one plain scripts create or use first.
    // (Plain scripts' `DatabaseName` defaults to the folder's name, which names nothing.)
    let own_database_named = project.project_file.is_some()
        || database_names
            .iter()
            .any(|name| fold(name) != fold(&project.name));
    let mut model = Model {
        project_name: project.name.clone(),
        default_schema: if project.default_schema.trim().is_empty() {
            "dbo".into()
        } else {
            project.default_schema.as_str().into()
        },
        items,
        ..Model::default()
    };
    model.database_names.insert(fold(&project.name));
    for name in database_names {
        model.database_names.insert(fold(&name));
    }
    let dynamic = dynamic_statements(&model, workspace);
    // The statement stream shows them too, after the statement that runs them, so that
    // every rule about a statement judges them as if written in place.
    model.dynamic = dynamic
        .iter()
        .map(|d| super::Dynamic {
            id: d.id,
            exec: d.exec,
            statement: d.statement.clone(),
            in_module: d.in_module,
        })
        .collect();
    model.dynamic.sort_by_key(|d| d.id);
    let mut builder = Builder {
        model,
        state: HashMap::new(),
        sequence: 0,
        dynamic,
        at_exec: None,
        objects_from_modules: std::collections::HashSet::new(),
        dropped_at: HashMap::new(),
        own_database_named,
    };
    builder.builtins(Platform::of(project));
    builder.definitions();
    builder.project_assemblies(project);
    builder.resolve_definitions();
    builder.properties(project);
    builder.state_changes();
    builder.finish_grants();
    builder.finish_lifetimes();
    // The builder's working state is dropped here, before the walk of the chains.
    let mut model = builder.into_model();
    model.cache_roles();
    model.reaches = super::reach::compute(&model);
    // The lists grew by doubling; a large project's model lives through every rule.
    model.items.shrink_to_fit();
    model.objects.shrink_to_fit();
    model.permission_changes.shrink_to_fit();
    model.grants.shrink_to_fit();
    model.reaches.shrink_to_fit();
    model
}

struct Builder {
    model: Model,
    /// The project's own database has a name (see `build`), so that `ALTER DATABASE`
    /// of another name can be told apart.
    own_database_named: bool,
    /// The permission state while statements apply, keyed by (principal, permission,
    /// scope) so that each change touches only its own entries; each entry keeps the
    /// sequence number of the statement that made it, for a deterministic final order.
    state: HashMap<(PrincipalId, Name, Scope), Vec<(usize, Grant)>>,
    sequence: usize,
    /// The statements that dynamic SQL with known text runs (see [`dynamic_statements`]).
    dynamic: Vec<DynamicStatement>,
    /// While a statement of dynamic SQL is defined: the `EXEC` statement's range, where
    /// every location of what it creates points.
    at_exec: Option<syntax::TextRange>,
    /// The objects (folded `schema.name`) that dynamic SQL inside module bodies creates:
    /// they exist once the module has run, so a GRANT on them is not unresolved, but they
    /// are not objects of the model (their chains are not checked).
    objects_from_modules: std::collections::HashSet<String>,
    /// The last `DROP` of each object, in apply order.
    dropped_at: HashMap<ObjectId, StmtId>,
}

/// One statement of dynamic SQL whose text is known, parsed from that text.
struct DynamicStatement {
    /// The top-level statement that runs the dynamic SQL, or whose module body does.
    id: StmtId,
    /// The `EXEC` statement.
    exec: syntax::TextRange,
    statement: std::sync::Arc<Statement>,
    /// True when the `EXEC` is inside a module body (it runs when the module runs).
    in_module: bool,
}

/// The value of an `sp_` procedure argument by position or by name.
fn argument<'a>(arguments: &'a [Argument], position: usize, name: &str) -> Option<&'a Argument> {
    arguments
        .iter()
        .find(|a| a.name.as_deref() == Some(name))
        .or_else(|| arguments.get(position).filter(|a| a.name.is_none()))
}

/// An argument's text when it is a literal (`'x'`, `N'x'`, `1`, a bare word).
fn literal(argument: Option<&Argument>) -> Option<(String, syntax::TextRange)> {
    let argument = argument?;
    match &argument.value {
        Expr::String(text, range) | Expr::Number(text, range) | Expr::Identifier(text, range) => {
            Some((text.clone(), *range))
        }
        _ => None,
    }
}

/// The `@hash` argument of `sp_add_trusted_assembly`/`sp_drop_trusted_assembly`: its
/// hexadecimal digits without `0x`, upper case.
fn trusted_hash(arguments: &[Argument]) -> Option<String> {
    argument(arguments, 0, "@hash").and_then(|a| match &a.value {
        Expr::Number(text, _) | Expr::Identifier(text, _) | Expr::String(text, _) => {
            let digits = text.trim();
            let digits = digits
                .strip_prefix("0x")
                .or_else(|| digits.strip_prefix("0X"))
                .unwrap_or(digits);
            Some(digits.to_ascii_uppercase())
        }
        _ => None,
    })
}

/// The procedure's own name when `name` is a system procedure call (`sp_x`, `sys.sp_x`,
/// `master.sys.sp_x`, `master..sp_x`), folded.
fn system_procedure(name: &QualifiedName) -> Option<String> {
    if name.parts.is_empty() {
        return None;
    }
    let own = fold(&name.object().value);
    let schema_ok = name
        .schema()
        .is_none_or(|schema| matches!(fold(&schema.value).as_str(), "sys" | "dbo"));
    let database_ok = name
        .database()
        .is_none_or(|db| matches!(fold(&db.value).as_str(), "master" | ""));
    (schema_ok && database_ok && name.server().is_none()).then_some(own)
}

/// The statements that dynamic SQL with known text runs, in stream order: at script level
/// (`EXEC ('CREATE SCHEMA app')`, or a variable assigned only literals before `EXEC
/// (@cmd)`) and inside module bodies. The text is parsed with [`syntax::parse_script`];
/// only its top-level statements count (the body of a module it creates does not run),
/// up to a `USE` of another database, and nothing of `otherdb.sys.sp_executesql`.
///
/// Each text is parsed where it stands in its file: behind blanks (which the parser
/// skips unread) up to the first character inside its first literal, so that every range of the inner statements is a
/// range of the file (exact for a single literal without doubled quotes, drifting by a
/// character per doubled quote or joined part after that), and findings about them
/// point inside the literal. A text that does not start with a literal is padded to
/// the `EXEC`.
fn dynamic_statements(model: &Model, workspace: &Workspace) -> Vec<DynamicStatement> {
    use rayon::prelude::*;
    let items = &model.items;
    // Script level: the statements of one file in order, so that a variable assigned
    // before the EXEC is known; each EXEC is found again by its range.
    let mut files = Vec::new();
    let mut start = 0;
    while start < items.len() {
        let file = items[start].file;
        let end = items[start..]
            .iter()
            .position(|item| item.file != file)
            .map_or(items.len(), |n| start + n);
        files.push(start..end);
        start = end;
    }
    let script_level: Vec<(StmtId, super::DynamicSql, bool)> = files
        .into_par_iter()
        .flat_map_iter(|run| {
            let statements = &items[run.clone()];
            let found = super::known_dynamic_sql(statements.iter().map(|item| &*item.statement));
            // The EXECs come in text order: each is looked for after the one before.
            let mut from = 0;
            found.into_iter().filter_map(move |dynamic| {
                let is_exec = |item: &super::Item| item.statement.range == dynamic.statement;
                let offset = statements[from..]
                    .iter()
                    .position(is_exec)
                    .map(|n| from + n)
                    .or_else(|| statements.iter().position(is_exec))?;
                from = offset;
                statements[offset]
                    .in_model()
                    .then(|| (StmtId((run.start + offset) as u32), dynamic, false))
            })
        })
        .collect();
    let module_level: Vec<(StmtId, super::DynamicSql, bool)> = items
        .par_iter()
        .enumerate()
        .filter(|(_, item)| item.in_model())
        .flat_map_iter(|(index, item)| {
            let found = super::stream::module_of(&item.statement)
                .map(|module| super::known_dynamic_sql(&module.body))
                .unwrap_or_default();
            found
                .into_iter()
                .map(move |dynamic| (StmtId(index as u32), dynamic, true))
        })
        .collect();
    // Each text is parsed on its own, in parallel; the order stays that of the EXECs.
    let parsed: Vec<Vec<DynamicStatement>> = script_level
        .into_par_iter()
        .chain(module_level)
        .map(|(id, dynamic, in_module)| statements_run(model, workspace, id, dynamic, in_module))
        .collect();
    parsed.into_iter().flatten().collect()
}

/// The statements that one piece of known dynamic SQL runs, parsed at the offset of its
/// literal in the file; none when it runs in another database.
fn statements_run(
    model: &Model,
    workspace: &Workspace,
    id: StmtId,
    dynamic: super::DynamicSql,
    in_module: bool,
) -> Vec<DynamicStatement> {
    let Some(text) = &dynamic.text else {
        return Vec::new();
    };
    if dynamic
        .procedure
        .as_ref()
        .is_some_and(|name| model.is_other_database(name))
    {
        return Vec::new();
    }
    let file_text = &workspace.files.get(model.items[id.0 as usize].file).text;
    let inside_literal = dynamic.literals.first().and_then(|(value, range)| {
        let written = file_text.get(range.as_range())?;
        let quote = written.find('\'')?;
        text.starts_with(value.as_str())
            .then_some(range.start() + quote + 1)
    });
    let at = inside_literal.unwrap_or(dynamic.statement.start());
    let script = super::dynamic::parse_text_at(text, at);
    let mut out = Vec::new();
    for statement in script.statements.iter().cloned() {
        if let StatementKind::Use { database } = &statement.kind {
            let name = QualifiedName {
                parts: vec![database.clone(), database.clone(), database.clone()],
                range: database.range,
            };
            if model.is_other_database(&name) {
                break;
            }
        }
        out.push(DynamicStatement {
            id,
            exec: dynamic.statement,
            statement: std::sync::Arc::new(statement),
            in_module,
        });
    }
    out
}

impl Builder {
    fn at(&self, id: StmtId, range: syntax::TextRange) -> Location {
        Location {
            file: self.model.items[id.0 as usize].file,
            range: self.at_exec.unwrap_or(range),
        }
    }

    // ---- principals -----------------------------------------------------------------

    fn add_principal(&mut self, principal: Principal) -> PrincipalId {
        let id = PrincipalId(self.model.principals.len() as u32);
        let key = fold(&principal.name);
        if principal.kind.is_server() {
            self.model.server_principals.insert(key, id);
        } else {
            self.model.database_principals.insert(key, id);
        }
        self.model.principals.push(principal);
        id
    }

    fn builtin_principal(&mut self, name: &str, kind: PrincipalKind) -> PrincipalId {
        self.add_principal(Principal {
            name: name.into(),
            kind,
            location: None,
            login: None,
            default_schema: None,
        })
    }

    fn add_schema(&mut self, schema: Schema) -> SchemaId {
        let id = SchemaId(self.model.schemas.len() as u32);
        self.model.schema_index.insert(fold(&schema.name), id);
        self.model.schemas.push(schema);
        id
    }

    fn builtins(&mut self, platform: Platform) {
        let mut ids = Builtins::default();
        for name in BUILTIN_USERS {
            let id = self.builtin_principal(name, PrincipalKind::BuiltinUser);
            if *name == "dbo" {
                ids.dbo = id;
            }
        }
        ids.public = self.builtin_principal("public", PrincipalKind::Public);
        for name in FIXED_DATABASE_ROLES {
            let id = self.builtin_principal(name, PrincipalKind::FixedDatabaseRole);
            match *name {
                "db_owner" => ids.db_owner = id,
                "db_datareader" => ids.db_datareader = id,
                "db_datawriter" => ids.db_datawriter = id,
                "db_denydatareader" => ids.db_denydatareader = id,
                "db_denydatawriter" => ids.db_denydatawriter = id,
                _ => {}
            }
        }
        for name in platform.database_roles() {
            self.builtin_principal(name, PrincipalKind::FixedDatabaseRole);
        }
        ids.sa = self.builtin_principal("sa", PrincipalKind::BuiltinLogin);
        for name in FIXED_SERVER_ROLES {
            let id = self.builtin_principal(name, PrincipalKind::FixedServerRole);
            if *name == "sysadmin" {
                ids.sysadmin = id;
            }
        }
        self.model.builtin = ids;
        // The built-in schemas: `dbo` and `guest` owned by those users, `sys` and
        // `INFORMATION_SCHEMA` by theirs, and one schema per fixed database role.
        for name in BUILTIN_USERS.iter().chain(FIXED_DATABASE_ROLES) {
            let owner = self.model.database_principal(name).unwrap_or(ids.dbo);
            self.add_schema(Schema {
                name: (*name).into(),
                location: None,
                declared: true,
                builtin: true,
                owner,
                owner_location: None,
            });
        }
    }

    /// The database principal of this name, creating an undeclared one at `location`
    /// when the project does not define it.
    fn database_principal_or_undeclared(
        &mut self,
        name: &Ident,
        location: Location,
    ) -> PrincipalId {
        if let Some(id) = self.model.database_principal(&name.value) {
            return id;
        }
        self.add_principal(Principal {
            name: name.value.clone(),
            kind: PrincipalKind::Undeclared { server: false },
            location: Some(location),
            login: None,
            default_schema: None,
        })
    }

    fn server_principal_or_undeclared(&mut self, name: &Ident, location: Location) -> PrincipalId {
        if let Some(id) = self.model.server_principal(&name.value) {
            return id;
        }
        self.add_principal(Principal {
            name: name.value.clone(),
            kind: PrincipalKind::Undeclared { server: true },
            location: Some(location),
            login: None,
            default_schema: None,
        })
    }

    // ---- pass 1: definitions --------------------------------------------------------

    fn definitions(&mut self) {
        for index in 0..self.model.items.len() {
            let id = StmtId(index as u32);
            if !self.model.items[index].in_model() {
                continue;
            }
            let statement = self.model.items[index].statement.clone();
            self.definition(id, &statement);
        }
        // What dynamic SQL creates comes after the static definitions, so that those win
        // (`IF OBJECT_ID(…) IS NULL EXEC ('CREATE PROCEDURE p AS RETURN')` followed by
        // `ALTER PROCEDURE p …` keeps the real body).
        let dynamic = std::mem::take(&mut self.dynamic);
        for entry in &dynamic {
            if entry.in_module
                && let StatementKind::CreateObject(create) = &entry.statement.kind
            {
                if let Some(key) = self.object_key(&create.name) {
                    self.objects_from_modules.insert(key);
                }
                continue;
            }
            self.at_exec = Some(entry.exec);
            self.definition(entry.id, &entry.statement);
            self.at_exec = None;
        }
        self.dynamic = dynamic;
    }

    /// `schema.name` folded, with the default schema when none is written; `None` for a
    /// name in another database.
    fn object_key(&self, name: &QualifiedName) -> Option<String> {
        if name.parts.is_empty() || self.model.is_other_database(name) {
            return None;
        }
        let schema = name
            .schema()
            .map_or_else(|| self.model.default_schema.clone(), |s| s.value.clone());
        Some(format!("{}.{}", fold(&schema), fold(&name.object().value)))
    }

    fn definition(&mut self, id: StmtId, statement: &Statement) {
        // A second CREATE of a name the project already defines changes nothing: the
        // first definition stays (the deployment of the second one would fail).
        match &statement.kind {
            StatementKind::CreateUser(user)
                if !user.alter && self.model.database_principal(&user.name.value).is_none() =>
            {
                let location = self.at(id, user.name.range);
                self.add_principal(Principal {
                    name: user.name.value.clone(),
                    kind: PrincipalKind::User(user.source.clone()),
                    location: Some(location),
                    login: None,
                    default_schema: user.default_schema.as_ref().map(|s| s.value.clone()),
                });
            }
            StatementKind::CreateUser(user) if user.alter => {
                if let (Some(schema), Some(p)) = (
                    &user.default_schema,
                    self.model.database_principal(&user.name.value),
                ) {
                    self.model.principals[p.0 as usize].default_schema = Some(schema.value.clone());
                }
            }
            StatementKind::CreateRole {
                name, application, ..
            } if self.model.database_principal(&name.value).is_none() => {
                let location = self.at(id, name.range);
                self.add_principal(Principal {
                    name: name.value.clone(),
                    kind: if *application {
                        PrincipalKind::ApplicationRole
                    } else {
                        PrincipalKind::Role
                    },
                    location: Some(location),
                    login: None,
                    default_schema: None,
                });
            }
            StatementKind::CreateLogin(login)
                if self.model.server_principal(&login.name.value).is_none() =>
            {
                let location = self.at(id, login.name.range);
                self.add_principal(Principal {
                    name: login.name.value.clone(),
                    kind: PrincipalKind::Login(login.source.clone()),
                    location: Some(location),
                    login: None,
                    default_schema: None,
                });
            }
            StatementKind::CreateSchema { name, .. } => {
                let location = self.at(id, name.range);
                match self.model.schema_named(&name.value) {
                    Some(existing) => {
                        let schema = &mut self.model.schemas[existing.0 as usize];
                        if !schema.declared && !schema.builtin {
                            schema.declared = true;
                            schema.location = Some(location);
                        }
                    }
                    None => {
                        let dbo = self.model.builtin.dbo;
                        self.add_schema(Schema {
                            name: name.value.clone(),
                            location: Some(location),
                            declared: true,
                            builtin: false,
                            owner: dbo,
                            owner_location: None,
                        });
                    }
                }
            }
            StatementKind::CreateObject(create) => self.define_object(id, create),
            StatementKind::Exec(exec) => self.define_by_procedure(id, exec),
            StatementKind::CreateAssembly(assembly)
                if !assembly.alter && self.model.assembly_named(&assembly.name.value).is_none() =>
            {
                let location = self.at(id, assembly.name.range);
                let (permission_set, permission_set_location) = match &assembly.permission_set {
                    Some((set, range)) => (*set, Some(self.at(id, *range))),
                    None => (PermissionSet::Safe, None),
                };
                let assembly_id = AssemblyId(self.model.assemblies.len() as u32);
                self.model
                    .assembly_index
                    .insert(fold(&assembly.name.value), assembly_id);
                let dbo = self.model.builtin.dbo;
                let file = assembly.from.iter().find_map(|source| match source {
                    ast::AssemblySource::Path(path, _) => Some(path.clone()),
                    _ => None,
                });
                self.model.assemblies.push(Assembly {
                    name: assembly.name.value.clone(),
                    location,
                    origin: AssemblyOrigin::Create {
                        statement: id,
                        sources: assembly.from.clone(),
                    },
                    owner: dbo,
                    owner_location: None,
                    permission_set: Some(permission_set),
                    permission_set_location,
                    file,
                    signing: None,
                    compile_items: Vec::new(),
                });
            }
            StatementKind::CreateKey(key) if self.model.key_named(&key.name.value).is_none() => {
                let key_id = KeyId(self.model.keys.len() as u32);
                self.model.key_index.insert(fold(&key.name.value), key_id);
                let location = self.at(id, key.name.range);
                self.model.keys.push(Key {
                    name: key.name.value.clone(),
                    certificate: key.certificate,
                    source: key.source.clone(),
                    from_assembly: None,
                    location,
                });
            }
            _ => {}
        }
    }

    /// The principals that the deprecated system procedures create: `sp_addrole`,
    /// `sp_addapprole`, `sp_adduser` and `sp_grantdbaccess` (database principals; the
    /// last two name the user `@name_in_db`, else the login), `sp_addlogin` and
    /// `sp_grantlogin` (logins). `sp_adduser` and `sp_addapprole` also create a schema
    /// of the same name owned by the new principal (their documented compatibility
    /// behaviour) when none exists.
    fn define_by_procedure(&mut self, id: StmtId, exec: &ast::Exec) {
        let ExecTarget::Procedure { name, arguments } = &exec.target else {
            return;
        };
        let Some(procedure) = system_procedure(name) else {
            return;
        };
        let (kind, named, with_schema) = match procedure.as_str() {
            "sp_addrole" => (
                PrincipalKind::Role,
                literal(argument(arguments, 0, "@rolename")),
                false,
            ),
            "sp_addapprole" => (
                PrincipalKind::ApplicationRole,
                literal(argument(arguments, 0, "@rolename")),
                true,
            ),
            "sp_adduser" | "sp_grantdbaccess" => {
                let Some(login) = literal(argument(arguments, 0, "@loginame")) else {
                    return;
                };
                let user = literal(argument(arguments, 1, "@name_in_db"))
                    .filter(|(text, _)| !text.trim().is_empty())
                    .unwrap_or_else(|| login.clone());
                let login = Ident {
                    value: login.0.into(),
                    range: login.1,
                };
                (
                    PrincipalKind::User(ast::UserSource::Login(login)),
                    Some(user),
                    procedure == "sp_adduser",
                )
            }
            "sp_addlogin" => (
                PrincipalKind::Login(ast::LoginSource::Password),
                literal(argument(arguments, 0, "@loginame")),
                false,
            ),
            "sp_grantlogin" => (
                PrincipalKind::Login(ast::LoginSource::Windows),
                literal(argument(arguments, 0, "@loginame")),
                false,
            ),
            _ => return,
        };
        let Some((value, range)) = named else {
            return;
        };
        let exists = if kind.is_server() {
            self.model.server_principal(&value).is_some()
        } else {
            self.model.database_principal(&value).is_some()
        };
        if exists {
            return;
        }
        let login = match &kind {
            PrincipalKind::User(ast::UserSource::Login(login)) => {
                self.model.server_principal(&login.value)
            }
            _ => None,
        };
        let location = self.at(id, range);
        let principal = self.add_principal(Principal {
            name: value.as_str().into(),
            kind,
            location: Some(location),
            login,
            default_schema: None,
        });
        if with_schema && self.model.schema_named(&value).is_none() {
            self.add_schema(Schema {
                name: value.into(),
                location: Some(location),
                declared: true,
                builtin: false,
                owner: principal,
                owner_location: Some(location),
            });
        }
    }

    /// The schema an object's name puts it in: the written schema, else (for a trigger)
    /// its table's schema, else the default schema. Creates an undeclared schema owned by
    /// `dbo` when the project never creates it.
    fn schema_for(&mut self, name: &QualifiedName, fallback: Option<&QualifiedName>) -> SchemaId {
        let written = name
            .schema()
            .or_else(|| fallback.and_then(QualifiedName::schema))
            .map(|s| s.value.clone())
            .unwrap_or_else(|| self.model.default_schema.clone());
        if let Some(id) = self.model.schema_named(&written) {
            return id;
        }
        let dbo = self.model.builtin.dbo;
        self.add_schema(Schema {
            name: written,
            location: None,
            declared: false,
            builtin: false,
            owner: dbo,
            owner_location: None,
        })
    }

    fn define_object(&mut self, id: StmtId, create: &ast::CreateObject) {
        if create.name.parts.is_empty() || self.model.is_other_database(&create.name) {
            return;
        }
        let trigger_target = create
            .module
            .as_ref()
            .and_then(|m| m.trigger_target.as_ref());
        let schema = self.schema_for(&create.name, trigger_target);
        let key = (schema, fold(&create.name.object().value));
        let location = self.at(id, create.name.range);
        // An object that dynamic SQL creates has no body in the model, and does not
        // replace a definition written out in the project.
        let dynamic = self.at_exec.is_some();
        match self.model.object_index.get(&key).copied() {
            Some(_) if dynamic => {}
            Some(existing) => {
                self.model.set_statement_object(id, existing);
                // A later ALTER (or CREATE OR ALTER) replaces the definition that runs.
                let object = &mut self.model.objects[existing.0 as usize];
                object.statement = id;
                // The definition in force is where the object is defined from now on.
                object.location = location;
                if create.synonym_for.is_some() {
                    object.synonym_for = create.synonym_for.clone();
                }
            }
            None => {
                let object_id = ObjectId(self.model.objects.len() as u32);
                self.model.object_index.insert(key, object_id);
                if !dynamic {
                    self.model.set_statement_object(id, object_id);
                }
                self.model.objects.push(Object {
                    schema,
                    name: create.name.object().value.clone(),
                    kind: create.kind,
                    location,
                    statement: id,
                    explicit_owner: None,
                    synonym_for: create.synonym_for.clone(),
                    trigger_on: None,
                    dropped: false,
                });
            }
        }
    }

    /// Links the definitions to each other once all are known: schema and assembly
    /// owners, users to their logins, triggers to their tables, keys to assemblies.
    fn resolve_definitions(&mut self) {
        for index in 0..self.model.items.len() {
            let id = StmtId(index as u32);
            if !self.model.items[index].in_model() {
                continue;
            }
            let statement = self.model.items[index].statement.clone();
            self.resolve_definition(id, &statement);
        }
        let dynamic = std::mem::take(&mut self.dynamic);
        for entry in &dynamic {
            self.at_exec = Some(entry.exec);
            self.resolve_definition(entry.id, &entry.statement);
            self.at_exec = None;
        }
        self.dynamic = dynamic;
        self.resolve_triggers_and_keys();
    }

    /// Schema and assembly owners and users' logins, for one defining statement.
    fn resolve_definition(&mut self, id: StmtId, statement: &Statement) {
        {
            match &statement.kind {
                StatementKind::CreateSchema {
                    name,
                    owner: Some(owner),
                } => {
                    let Some(schema) = self.model.schema_named(&name.value) else {
                        return;
                    };
                    if self.model.schemas[schema.0 as usize].builtin {
                        return;
                    }
                    let location = self.at(id, owner.range);
                    let principal = self.database_principal_or_undeclared(owner, location);
                    let schema = &mut self.model.schemas[schema.0 as usize];
                    if schema.owner_location.is_none() {
                        schema.owner = principal;
                        schema.owner_location = Some(location);
                    }
                }
                StatementKind::CreateAssembly(assembly) if !assembly.alter => {
                    if let (Some(owner), Some(asm)) = (
                        &assembly.owner,
                        self.model.assembly_named(&assembly.name.value),
                    ) && self.model.assemblies[asm.0 as usize].statement() == Some(id)
                    {
                        let location = self.at(id, owner.range);
                        let principal = self.database_principal_or_undeclared(owner, location);
                        let assembly = &mut self.model.assemblies[asm.0 as usize];
                        assembly.owner = principal;
                        assembly.owner_location = Some(location);
                    }
                }
                StatementKind::CreateUser(user) if !user.alter => {
                    let login = match &user.source {
                        ast::UserSource::Login(login) => self.model.server_principal(&login.value),
                        _ => None,
                    };
                    if let Some(p) = self.model.database_principal(&user.name.value)
                        && self.model.principals[p.0 as usize].location
                            == Some(self.at(id, user.name.range))
                    {
                        self.model.principals[p.0 as usize].login = login;
                    }
                }
                _ => {}
            }
        }
    }

    /// Triggers to their tables and keys to their assemblies, once all are defined.
    fn resolve_triggers_and_keys(&mut self) {
        for index in 0..self.model.objects.len() {
            let statement = self.model.objects[index].statement;
            let target = match &self.model.items[statement.0 as usize].statement.kind {
                StatementKind::CreateObject(create) => create
                    .module
                    .as_ref()
                    .and_then(|m| m.trigger_target.clone()),
                _ => None,
            };
            if let Some(target) = target {
                let schema = self.model.objects[index].schema;
                if let Resolved::Object(table) = self.model.resolve(&target, Some(schema)) {
                    self.model.objects[index].trigger_on = Some(table);
                    self.model
                        .triggers
                        .entry(table)
                        .or_default()
                        .push(ObjectId(index as u32));
                }
            }
        }
        for index in 0..self.model.keys.len() {
            let key = &self.model.keys[index];
            let found = match &key.source {
                ast::KeySource::Assembly(assembly) => self.model.assembly_named(&assembly.value),
                // `FROM EXECUTABLE FILE = 'path'` loads the key from a signed assembly's
                // file: the assembly made from (or built as) the file of that name.
                ast::KeySource::ExecutableFile(path) => {
                    self.model.assemblies().find_map(|(id, a)| {
                        a.file
                            .as_deref()
                            .is_some_and(|file| super::same_file(file, path))
                            .then_some(id)
                    })
                }
                // An asymmetric key `FROM FILE = 'x.snk'` loads a strong-name key pair:
                // the key of the project's build signed with that key file. A
                // certificate `FROM FILE` is a DER certificate file, which names no
                // assembly.
                ast::KeySource::File(path) if !key.certificate => {
                    self.model.assemblies().find_map(|(id, a)| {
                        a.signing
                            .as_ref()
                            .and_then(|s| s.key_file.as_ref())
                            .is_some_and(|(file, _)| super::same_file(file, path))
                            .then_some(id)
                    })
                }
                _ => None,
            };
            self.model.keys[index].from_assembly = found;
        }
    }

    /// The assemblies that the `.sqlproj` itself deploys: the one it builds from its
    /// `Compile` items ([`Project::built_assembly`]) and those its `.dll`
    /// references bring in. A `CREATE ASSEMBLY` of the same name, defined before, wins.
    ///
    /// SSDT builds its own assembly with `$(AssemblyName)`, `$(AssemblyOwner)` and
    /// `$(PermissionSet)` (passed to its build task as `ImplicitDllAssemblyName`,
    /// `ImplicitDllAssemblyOwner` and `ImplicitDllPermissionSet`), SAFE and the deploying
    /// user (`dbo`) when they are empty, as `CREATE ASSEMBLY` defaults; a `.dll` reference
    /// deploys with its `<SqlAssemblyName>`, `<SqlOwnerName>` and `<SqlPermissionSet>`
    /// metadata, and a permission set it does not state is unknown.
    fn project_assemblies(&mut self, project: &Project) {
        let property = |name: &str| {
            project
                .properties
                .get(name)
                .filter(|p| !p.value.trim().is_empty())
        };
        let mut found: Vec<Assembly> = Vec::new();
        let dbo = self.model.builtin.dbo;
        if let (Some(name), Some(compile)) = (project.built_assembly(), project.compile_location) {
            let location = property("AssemblyName").map_or(compile, |p| p.location);
            let (owner, owner_location) = match property("AssemblyOwner") {
                Some(p) => (self.owner_named(&p.value, p.location), Some(p.location)),
                None => (dbo, None),
            };
            let (permission_set, permission_set_location) = match property("PermissionSet") {
                Some(p) => (super::permission_set_named(&p.value), Some(p.location)),
                None => (Some(PermissionSet::Safe), None),
            };
            let signing = property("SignAssembly")
                .filter(|p| p.value.trim().eq_ignore_ascii_case("true"))
                .map(|p| Signing {
                    location: p.location,
                    key_file: property("AssemblyOriginatorKeyFile")
                        .map(|k| (k.value.trim().to_owned(), k.location)),
                });
            found.push(Assembly {
                name: name.into(),
                location,
                origin: AssemblyOrigin::ProjectBuild,
                owner,
                owner_location,
                permission_set,
                permission_set_location,
                file: Some(format!("{name}.dll")),
                signing,
                compile_items: project.compile_items.clone(),
            });
        }
        for reference in &project.assembly_references {
            let (owner, owner_location) = match &reference.owner {
                Some((name, location)) => (self.owner_named(name, *location), Some(*location)),
                None => (dbo, None),
            };
            let (permission_set, permission_set_location) = match &reference.permission_set {
                Some((value, location)) => (super::permission_set_named(value), Some(*location)),
                None => (None, None),
            };
            found.push(Assembly {
                name: reference.name.as_str().into(),
                location: reference.location,
                origin: AssemblyOrigin::Reference,
                owner,
                owner_location,
                permission_set,
                permission_set_location,
                file: Some(reference.file.clone()),
                signing: None,
                compile_items: Vec::new(),
            });
        }
        for assembly in found {
            if self.model.assembly_named(&assembly.name).is_some() {
                continue;
            }
            let id = AssemblyId(self.model.assemblies.len() as u32);
            self.model.assembly_index.insert(fold(&assembly.name), id);
            self.model.assemblies.push(assembly);
        }
    }

    /// A database principal named in a `.sqlproj` property (the project's users and roles
    /// are defined by now), else an undeclared one located at the property.
    fn owner_named(&mut self, name: &str, location: Location) -> PrincipalId {
        let name = name.trim().trim_start_matches('[').trim_end_matches(']');
        let ident = Ident {
            value: name.into(),
            range: location.range,
        };
        self.database_principal_or_undeclared(&ident, location)
    }

    // ---- pass 2: state changes ------------------------------------------------------

    fn properties(&mut self, project: &Project) {
        for (name, target) in [
            ("Trustworthy", OptionTarget::Trustworthy),
            ("DBChainingOn", OptionTarget::DbChaining),
        ] {
            let property = project
                .properties
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, p)| p);
            if let Some(property) = property {
                let on = property.value.trim().eq_ignore_ascii_case("true");
                self.option(target).settings.push(OptionSetting {
                    on,
                    location: property.location,
                    from_property: true,
                });
                self.option(target).on = on;
            }
        }
    }

    fn option(&mut self, target: OptionTarget) -> &mut OptionState {
        match target {
            OptionTarget::Trustworthy => &mut self.model.options.trustworthy,
            OptionTarget::DbChaining => &mut self.model.options.db_chaining,
        }
    }

    fn state_changes(&mut self) {
        let mut next_dynamic = 0;
        for index in 0..self.model.items.len() {
            let id = StmtId(index as u32);
            if !self.model.items[index].in_model() {
                continue;
            }
            let statement = self.model.items[index].statement.clone();
            self.state_change(id, &statement, false);
            // Script-level dynamic SQL with known text changes the state where it runs,
            // right after the EXEC (its entries come in stream order, sorted by the
            // statement that runs them; a module body's dynamic SQL runs only when the
            // module does, so it changes nothing here).
            while let Some(entry) = self.dynamic.get(next_dynamic)
                && entry.id <= id
            {
                if entry.id == id && !entry.in_module {
                    let inner = entry.statement.clone();
                    self.at_exec = Some(entry.exec);
                    self.state_change(id, &inner, false);
                    self.at_exec = None;
                }
                next_dynamic += 1;
            }
            let replaced = self
                .model
                .module_object_of(id)
                .is_some_and(|object| self.model.object(object).statement != id);
            if let Some(module) = super::stream::module_of(&statement)
                && !replaced
            {
                // Statements inside a module run when it runs, not at deployment: only
                // the GRANT/DENY/REVOKE among them are recorded (for PRM011), unapplied.
                // Only the definition in force counts (a later ALTER replaced the others).
                for inner in &module.body {
                    if let StatementKind::Permission(permission) = &inner.kind {
                        self.permission(id, inner, permission, true);
                    }
                }
            }
        }
    }

    fn state_change(&mut self, id: StmtId, statement: &Statement, in_module: bool) {
        match &statement.kind {
            StatementKind::RoleMembership(m) => {
                let location = self.at(id, statement.range);
                self.membership(id, location, &m.role, &m.member, m.add, m.server);
            }
            StatementKind::Permission(permission) => {
                self.permission(id, statement, permission, in_module)
            }
            StatementKind::AlterAuthorization(alter) => {
                self.alter_authorization(id, statement, alter)
            }
            StatementKind::AlterDatabaseSet(set) => {
                // `ALTER DATABASE name SET` changes that database whatever the current one:
                // a name that is not the project's (a variable other than DatabaseName, or
                // another literal name when the project's is known) is another database's
                // option, and `CURRENT` is the database a `USE` switched to.
                let named_database = self.own_database_named;
                let other = match set.database.as_ref() {
                    Some(db) => {
                        let value = db.value.trim();
                        if value.starts_with("$(") {
                            fold(value) != "$(databasename)"
                        } else {
                            named_database && !self.model.database_names.contains(&fold(value))
                        }
                    }
                    None => self.model.items[id.0 as usize].database.is_some(),
                };
                if other {
                    return;
                }
                for option in &set.options {
                    let target = match option.name.as_str() {
                        "TRUSTWORTHY" => OptionTarget::Trustworthy,
                        "DB_CHAINING" => OptionTarget::DbChaining,
                        _ => continue,
                    };
                    let on = option.value.eq_ignore_ascii_case("ON");
                    let location = self.at(id, option.range);
                    self.option(target).settings.push(OptionSetting {
                        on,
                        location,
                        from_property: false,
                    });
                    self.option(target).on = on;
                }
            }
            StatementKind::CreateAssembly(assembly) if assembly.alter => {
                if let (Some(asm), Some((set, range))) = (
                    self.model.assembly_named(&assembly.name.value),
                    &assembly.permission_set,
                ) {
                    let location = self.at(id, *range);
                    let assembly = &mut self.model.assemblies[asm.0 as usize];
                    assembly.permission_set = Some(*set);
                    assembly.permission_set_location = Some(location);
                }
            }
            StatementKind::Exec(exec) => self.system_procedure(id, statement, exec),
            StatementKind::Signature(signature) => self.signature(id, statement, signature),
            StatementKind::TransferObject { schema, object, .. } => self.transfer(schema, object),
            StatementKind::DropObject { names } => {
                for name in names {
                    if let Resolved::Object(object) = self.model.resolve_exact(name, None) {
                        // DROP: "permissions … are removed" with the object, so a later
                        // CREATE of the same name starts with none.
                        self.clear_scope(&Scope::Object(object));
                        self.dropped_at.insert(object, id);
                    }
                }
            }
            _ => {}
        }
    }

    /// Drops every permission in the current state granted or denied at `scope`.
    fn clear_scope(&mut self, scope: &Scope) {
        for ((_, _, entry_scope), entries) in self.state.iter_mut() {
            if entry_scope == scope {
                entries.clear();
            }
        }
    }

    /// `ADD [COUNTER] SIGNATURE` adds a signature per key; `DROP [COUNTER] SIGNATURE`
    /// removes the same key's.
    fn signature(
        &mut self,
        id: StmtId,
        statement: &Statement,
        signature: &ast::SignatureStatement,
    ) {
        let Resolved::Object(object) = self.model.resolve_exact(&signature.module, None) else {
            return;
        };
        let location = self.at(id, statement.range);
        for key in &signature.keys {
            let same = |s: &Signature| {
                s.object == object
                    && s.counter == signature.counter
                    && s.certificate == key.certificate
                    && fold(&s.key_name) == fold(&key.name.value)
            };
            self.model.signatures.retain(|s| !same(s));
            if !signature.add {
                continue;
            }
            let users = self.model.users_from_key(key.certificate, &key.name.value);
            let key_id = self
                .model
                .key_named(&key.name.value)
                .filter(|k| self.model.key(*k).certificate == key.certificate);
            self.model.signatures.push(Signature {
                stmt: id,
                object,
                key_name: key.name.value.clone(),
                certificate: key.certificate,
                key: key_id,
                counter: signature.counter,
                users,
                location,
            });
        }
    }

    /// `ALTER SCHEMA s TRANSFER x`: the object moves into `s` (and is named `s.x` from
    /// here on), every permission on it is dropped, and it takes `s`'s owner unless its
    /// owner was set explicitly ("If the owner of the securable has been explicitly set,
    /// the owner will remain unchanged", ALTER SCHEMA, Remarks) — which [`Model::owner_of`]
    /// gives by reading the new schema.
    fn transfer(&mut self, schema: &Ident, name: &QualifiedName) {
        let Resolved::Object(object) = self.model.resolve_exact(name, None) else {
            return;
        };
        let new_schema = self.schema_for(
            &QualifiedName {
                parts: vec![schema.clone(), schema.clone()],
                range: schema.range,
            },
            None,
        );
        let old_key = {
            let entry = self.model.object(object);
            (entry.schema, fold(&entry.name))
        };
        let new_key = (new_schema, old_key.1.clone());
        if self.model.object_index.contains_key(&new_key) {
            // The move would fail: an object of that name is already there.
            return;
        }
        self.model.object_index.remove(&old_key);
        self.model.object_index.insert(new_key, object);
        self.model.objects[object.0 as usize].schema = new_schema;
        self.clear_scope(&Scope::Object(object));
    }

    /// Marks the objects dropped after their last definition, and keeps the signatures
    /// that apply after their module's last definition ("Changing a module drops its
    /// signature"; ADD SIGNATURE, Remarks).
    fn finish_lifetimes(&mut self) {
        for (object, stmt) in &self.dropped_at {
            let entry = &mut self.model.objects[object.0 as usize];
            if *stmt > entry.statement {
                entry.dropped = true;
            }
        }
        // A signature written before every definition of its module comes from a
        // declarative project whose files are not in deployment order (SQL Server would
        // refuse to sign a module that does not exist yet): it signs the module as built.
        let mut first_definition: HashMap<ObjectId, StmtId> = HashMap::new();
        for (index, object) in self.model.statement_objects.iter().enumerate() {
            if let Some(object) = object {
                first_definition
                    .entry(*object)
                    .or_insert(StmtId(index as u32));
            }
        }
        let objects = &self.model.objects;
        self.model.signatures.retain(|s| {
            let object = &objects[s.object.0 as usize];
            let before_any = first_definition
                .get(&s.object)
                .is_some_and(|first| s.stmt < *first);
            (s.stmt > object.statement || before_any) && !object.dropped
        });
    }

    fn membership(
        &mut self,
        id: StmtId,
        location: Location,
        role: &Ident,
        member: &Ident,
        add: bool,
        server: bool,
    ) {
        let role_location = self.at(id, role.range);
        let member_location = self.at(id, member.range);
        let (role_id, member_id) = if server {
            let role_id = self.server_principal_or_undeclared(role, role_location);
            let member_id = self.server_principal_or_undeclared(member, member_location);
            (role_id, member_id)
        } else {
            let role_id = self.database_principal_or_undeclared(role, role_location);
            let member_id = self.database_principal_or_undeclared(member, member_location);
            (role_id, member_id)
        };
        self.model.memberships.push(MembershipChange {
            stmt: id,
            role: role_id,
            member: member_id,
            add,
            server,
            location,
            role_location,
            member_location,
        });
        if add {
            self.model
                .member_of
                .entry(member_id)
                .or_default()
                .insert(role_id, location);
        } else if let Some(roles) = self.model.member_of.get_mut(&member_id) {
            roles.remove(&role_id);
        }
    }

    /// `sp_addrolemember`, `sp_droprolemember`, `sp_addsrvrolemember`,
    /// `sp_dropsrvrolemember`, `sp_configure`, `sp_add_trusted_assembly`.
    fn system_procedure(&mut self, id: StmtId, statement: &Statement, exec: &ast::Exec) {
        let ExecTarget::Procedure { name, arguments } = &exec.target else {
            return;
        };
        let Some(procedure) = system_procedure(name) else {
            return;
        };
        let location = self.at(id, statement.range);
        let ident = |arg: Option<(String, syntax::TextRange)>| {
            arg.map(|(value, range)| Ident {
                value: value.into(),
                range,
            })
        };
        match procedure.as_str() {
            "sp_addrolemember" | "sp_droprolemember" => {
                let role = ident(literal(argument(arguments, 0, "@rolename")));
                let member = ident(literal(argument(arguments, 1, "@membername")));
                if let (Some(role), Some(member)) = (role, member) {
                    let add = procedure == "sp_addrolemember";
                    self.membership(id, location, &role, &member, add, false);
                }
            }
            // `sp_adduser login, user, role` also makes the new user a member of `role`.
            "sp_adduser" => {
                let login = literal(argument(arguments, 0, "@loginame"));
                let member = literal(argument(arguments, 1, "@name_in_db"))
                    .filter(|(text, _)| !text.trim().is_empty())
                    .or(login);
                let role = ident(literal(argument(arguments, 2, "@grpname")));
                if let (Some(role), Some(member)) = (role, ident(member)) {
                    self.membership(id, location, &role, &member, true, false);
                }
            }
            "sp_addsrvrolemember" | "sp_dropsrvrolemember" => {
                let member = ident(literal(argument(arguments, 0, "@loginame")));
                let role = ident(literal(argument(arguments, 1, "@rolename")));
                if let (Some(role), Some(member)) = (role, member) {
                    let add = procedure == "sp_addsrvrolemember";
                    self.membership(id, location, &role, &member, add, true);
                }
            }
            "sp_configure" => {
                let Some((name, _)) = literal(argument(arguments, 0, "@configname")) else {
                    return;
                };
                let value_argument = argument(arguments, 1, "@configvalue");
                let value =
                    literal(value_argument).and_then(|(text, _)| text.trim().parse::<i64>().ok());
                let value_location = value_argument.map(|a| self.at(id, a.range));
                self.model.server_configs.push(ServerConfig {
                    stmt: id,
                    name: normalize_option(&name),
                    value,
                    location,
                    value_location,
                });
            }
            // `sp_drop_trusted_assembly @hash`: "Drops an assembly from the list of
            // trusted assemblies on the server".
            "sp_drop_trusted_assembly" => {
                if let Some(hash) = trusted_hash(arguments) {
                    self.model
                        .trusted_assemblies
                        .retain(|entry| entry.hash.as_deref() != Some(hash.as_str()));
                }
            }
            "sp_add_trusted_assembly" => {
                let hash = trusted_hash(arguments);
                let description =
                    literal(argument(arguments, 1, "@description")).map(|(text, _)| text);
                self.model.trusted_assemblies.push(TrustedAssembly {
                    stmt: id,
                    hash,
                    description,
                    location,
                });
            }
            _ => {}
        }
    }

    /// The scope a permission statement names.
    fn scope(
        &mut self,
        id: StmtId,
        permission: &str,
        securable: Option<&ast::Securable>,
        server_grantee: bool,
    ) -> Scope {
        let Some(securable) = securable else {
            return if SERVER_PERMISSIONS.contains(&permission) || server_grantee {
                Scope::Server
            } else {
                Scope::Database
            };
        };
        let name = &securable.name;
        if name.parts.is_empty() {
            return Scope::Database;
        }
        let class = securable
            .class
            .clone()
            .unwrap_or_else(|| Name::const_new("OBJECT"));
        let written = name.to_string();
        let unresolved = |class: &str| Scope::unresolved(class.into(), written.clone());
        match class.as_str() {
            "OBJECT" | "TYPE" => match self.model.resolve_exact(name, None) {
                Resolved::Object(object) => Scope::Object(object),
                Resolved::OtherDatabase => Scope::OtherDatabase,
                Resolved::Builtin => Scope::other(class, written),
                // Created when a module of the project runs its dynamic SQL: it exists,
                // though the model does not follow it.
                Resolved::Unresolved
                    if self
                        .object_key(name)
                        .is_some_and(|key| self.objects_from_modules.contains(&key)) =>
                {
                    Scope::other(class, written)
                }
                Resolved::Unresolved => unresolved(&class),
            },
            "SCHEMA" => match self.model.schema_named(&name.object().value) {
                Some(schema) => Scope::Schema(schema),
                None => unresolved(&class),
            },
            // `ON DATABASE::name` grants in that database: another one's permissions are
            // outside the model, as for `ALTER DATABASE name SET` (a variable other than
            // DatabaseName, or another literal name when the project's is known).
            "DATABASE" => {
                let value = name.object().value.trim();
                let other = if value.starts_with("$(") {
                    fold(value) != "$(databasename)"
                } else {
                    self.own_database_named
                        && !value.eq_ignore_ascii_case("CURRENT")
                        && !self.model.database_names.contains(&fold(value))
                };
                if other {
                    Scope::other(class, written)
                } else {
                    Scope::Database
                }
            }
            "SERVER" => Scope::Server,
            "USER" | "ROLE" | "APPLICATION ROLE" => {
                let ident = name.object().clone();
                let location = self.at(id, ident.range);
                Scope::Principal(self.database_principal_or_undeclared(&ident, location))
            }
            "LOGIN" | "SERVER ROLE" => match self.model.server_principal(&name.object().value) {
                Some(p) => Scope::Principal(p),
                None => {
                    let ident = name.object().clone();
                    let location = self.at(id, ident.range);
                    Scope::Principal(self.server_principal_or_undeclared(&ident, location))
                }
            },
            "ASSEMBLY" => match self.model.assembly_named(&name.object().value) {
                Some(assembly) => Scope::Assembly(assembly),
                None => unresolved(&class),
            },
            _ => Scope::other(class, written),
        }
    }

    fn permission(
        &mut self,
        id: StmtId,
        statement: &Statement,
        permission: &PermissionStatement,
        in_module: bool,
    ) {
        let location = self.at(id, statement.range);
        let securable_location = permission
            .securable
            .as_ref()
            .map(|s| self.at(id, s.name.range));
        for p in &permission.permissions {
            let server_permission = SERVER_PERMISSIONS.contains(&p.name.as_str())
                || matches!(
                    permission
                        .securable
                        .as_ref()
                        .and_then(|s| s.class.as_deref()),
                    Some("SERVER" | "LOGIN" | "SERVER ROLE" | "ENDPOINT")
                );
            for grantee in &permission.principals {
                let principal_location = self.at(id, grantee.range);
                // A principal is looked up among database principals first; a server
                // permission goes to a login or server role.
                let principal = if server_permission {
                    match self.model.server_principal(&grantee.value) {
                        Some(p) => p,
                        None => self.server_principal_or_undeclared(grantee, principal_location),
                    }
                } else {
                    match self.model.database_principal(&grantee.value) {
                        Some(p) => p,
                        None => match self.model.server_principal(&grantee.value) {
                            Some(p) => p,
                            None => {
                                self.database_principal_or_undeclared(grantee, principal_location)
                            }
                        },
                    }
                };
                let server_grantee = self.model.principal(principal).kind.is_server();
                let scope = self.scope(id, &p.name, permission.securable.as_ref(), server_grantee);
                let mut columns: Vec<Name> =
                    p.columns.iter().map(|c| fold(&c.value).into()).collect();
                if let Some(securable) = &permission.securable {
                    columns.extend(securable.columns.iter().map(|c| Name::from(fold(&c.value))));
                }
                columns.sort();
                columns.dedup();
                let grantor = permission.as_principal.as_ref().map(|grantor| {
                    let location = self.at(id, grantor.range);
                    self.database_principal_or_undeclared(grantor, location)
                });
                let change = PermissionChange {
                    grantor,
                    stmt: id,
                    action: permission.action,
                    permission: p.name.as_str().into(),
                    columns,
                    scope,
                    principal,
                    with_grant_option: permission.with_grant_option,
                    grant_option_for: permission.grant_option_for,
                    cascade: permission.cascade,
                    in_module,
                    location,
                    permission_location: self.at(id, p.range),
                    principal_location,
                    securable_location,
                };
                if !in_module {
                    self.apply(&change);
                }
                self.model.permission_changes.push(change);
            }
        }
    }

    /// Applies one change to the final state. A GRANT replaces a DENY of the same
    /// permission to the same principal at the same scope and the reverse; REVOKE removes
    /// either. A change on the whole securable also replaces its column-level entries; a
    /// column-level change touches only its columns.
    fn apply(&mut self, change: &PermissionChange) {
        let names: Vec<Name> = match change.permission.as_str() {
            "ALL" | "ALL PRIVILEGES"
                if matches!(change.scope, Scope::Object(_) | Scope::Schema(_)) =>
            {
                ALL_OBJECT_PERMISSIONS
                    .iter()
                    .map(|s| Name::const_new(s))
                    .collect()
            }
            _ => vec![change.permission.clone()],
        };
        for name in names {
            let key = (change.principal, name.clone(), change.scope.clone());
            if change.action == PermissionAction::Revoke && change.cascade {
                // REVOKE … CASCADE: "the permission that is being revoked is also revoked
                // from other principals to which it has been granted or denied by this
                // principal" (REVOKE, Arguments), and so on down the chain.
                self.revoke_granted_by(change.principal, &name, &change.scope);
            }
            let entries = self.state.entry(key).or_default();
            if change.action == PermissionAction::Revoke && change.grant_option_for {
                // REVOKE GRANT OPTION FOR keeps the permission itself.
                for (_, grant) in entries.iter_mut() {
                    grant.with_grant_option = false;
                }
                continue;
            }
            if change.columns.is_empty() {
                entries.clear();
            } else {
                // A column-level change touches only its columns: entries on the whole
                // securable stay, and column entries it empties are gone.
                entries.retain_mut(|(_, grant)| {
                    if grant.columns.is_empty() {
                        return true;
                    }
                    grant.columns.retain(|c| !change.columns.contains(c));
                    !grant.columns.is_empty()
                });
            }
            if change.action == PermissionAction::Revoke {
                continue;
            }
            self.sequence += 1;
            entries.push((
                self.sequence,
                Grant {
                    principal: change.principal,
                    permission: name,
                    scope: change.scope.clone(),
                    columns: change.columns.clone(),
                    deny: change.action == PermissionAction::Deny,
                    with_grant_option: change.with_grant_option,
                    grantor: change.grantor.unwrap_or(self.model.builtin.dbo),
                    location: change.location,
                },
            ));
        }
    }

    /// Takes back, transitively, what `grantor` granted (or denied) of `permission` at
    /// `scope` to others.
    fn revoke_granted_by(&mut self, grantor: PrincipalId, permission: &str, scope: &Scope) {
        let mut pending = vec![grantor];
        let mut done = std::collections::HashSet::new();
        while let Some(from) = pending.pop() {
            if !done.insert(from) {
                continue;
            }
            for ((principal, name, entry_scope), entries) in self.state.iter_mut() {
                if name != permission || entry_scope != scope || *principal == from {
                    continue;
                }
                let before = entries.len();
                entries.retain(|(_, grant)| grant.grantor != from);
                if entries.len() != before {
                    pending.push(*principal);
                }
            }
        }
    }

    /// The final state in the order its statements applied, and its index by scope.
    fn into_model(self) -> Model {
        self.model
    }

    fn finish_grants(&mut self) {
        // Taken, not drained: the state's table is not needed any more.
        let mut all: Vec<(usize, Grant)> = std::mem::take(&mut self.state)
            .into_values()
            .flatten()
            .collect();
        all.sort_by_key(|(sequence, _)| *sequence);
        self.model.grants = all.into_iter().map(|(_, grant)| grant).collect();
        for (i, grant) in self.model.grants.iter().enumerate() {
            self.model
                .grants_by_scope
                .entry(grant.scope.clone())
                .or_default()
                .push(i);
        }
    }

    fn alter_authorization(
        &mut self,
        id: StmtId,
        statement: &Statement,
        alter: &ast::AlterAuthorization,
    ) {
        if alter.securable.parts.is_empty() {
            return;
        }
        let location = self.at(id, statement.range);
        let class = alter
            .class
            .clone()
            .unwrap_or_else(|| Name::const_new("OBJECT"));
        let owner = alter.owner.as_ref().map(|owner| {
            let owner_location = self.at(id, owner.range);
            self.database_principal_or_undeclared(owner, owner_location)
        });
        let scope = match class.as_str() {
            "OBJECT" | "TYPE" => match self.model.resolve_exact(&alter.securable, None) {
                Resolved::Object(object) => {
                    self.model.objects[object.0 as usize].explicit_owner =
                        owner.map(|owner| (owner, location));
                    Scope::Object(object)
                }
                _ => return,
            },
            "SCHEMA" => match self.model.schema_named(&alter.securable.object().value) {
                Some(schema) => {
                    let dbo = self.model.builtin.dbo;
                    let schema_entry = &mut self.model.schemas[schema.0 as usize];
                    schema_entry.owner = owner.unwrap_or(dbo);
                    schema_entry.owner_location = Some(location);
                    Scope::Schema(schema)
                }
                None => return,
            },
            "ASSEMBLY" => match self.model.assembly_named(&alter.securable.object().value) {
                Some(assembly) => {
                    let dbo = self.model.builtin.dbo;
                    let entry = &mut self.model.assemblies[assembly.0 as usize];
                    entry.owner = owner.unwrap_or(dbo);
                    entry.owner_location = Some(location);
                    Scope::Assembly(assembly)
                }
                None => return,
            },
            _ => return,
        };
        // "If the target entity is not a database and the entity is being transferred to
        // a new owner, all permissions on the target will be dropped" (ALTER
        // AUTHORIZATION, Remarks).
        self.clear_scope(&scope);
        // A schema's objects without an explicit owner change owner with it, so the
        // permissions on them are dropped too.
        if let Scope::Schema(schema) = scope {
            let moved: Vec<ObjectId> = self
                .model
                .objects()
                .filter(|(_, o)| o.schema == schema && o.explicit_owner.is_none())
                .map(|(id, _)| id)
                .collect();
            for object in moved {
                self.clear_scope(&Scope::Object(object));
            }
        }
    }
}

#[derive(Clone, Copy)]
enum OptionTarget {
    Trustworthy,
    DbChaining,
}
