//! The model of one database project: principals, role membership, schemas, objects and
//! their owners, permissions, assemblies, execution contexts and options, derived
//! deterministically from the lowered scripts. Every fact records where it came from.
//! It knows nothing of rules, severities or output formats.
//!
//! [`Model::build`] reads a [`Project`] in two passes over the ordered statement stream
//! (files in `Project::scripts` order, `:r` includes expanded in place, SQLCMD variables
//! substituted): first every definition (users, roles, logins, schemas, objects,
//! assemblies, keys), because names resolve against the whole project whatever the order
//! of files (what script-level dynamic SQL with known text creates, such as `EXEC ('CREATE
//! SCHEMA app')`, is defined too, after the written definitions and located at the
//! `EXEC`; the deprecated `sp_addrole`, `sp_adduser`, `sp_grantdbaccess`, `sp_addapprole`,
//! `sp_addlogin` and `sp_grantlogin` define principals); then every state change (GRANT/DENY/REVOKE
//! with their grantors and cascades, role membership, ALTER AUTHORIZATION, `ALTER SCHEMA
//! … TRANSFER`, `DROP`, `ADD`/`DROP SIGNATURE`, ALTER DATABASE … SET, `sp_configure`,
//! `sp_add_trusted_assembly`, `sp_drop_trusted_assembly`) in order, so that the final
//! state is what the queries answer.
//!
//! The queries rules use most:
//! - the statement stream: [`Model::statements`] (top-level statements followed by the
//!   statements of their module bodies) and [`Model::items`];
//! - principals: [`Model::database_principal`], [`Model::server_principal`],
//!   [`Model::is_member_of`], [`Model::roles_of`], [`Model::is_db_owner`],
//!   [`Model::is_sysadmin`];
//! - ownership and contexts: [`Model::resolve`], [`Model::owner_of`], [`Model::runs_as`];
//! - signatures: [`Model::signatures_of`], [`Model::is_signed`], and
//!   [`Model::holds_with`] for a context with the signing users' permissions added;
//! - redefinition: [`Model::is_superseded`] (a definition a later one replaced, whose
//!   body [`Model::statements`] leaves out);
//! - permissions: [`Model::holds`], [`Model::holds_on`], [`Model::executors`],
//!   [`Model::grants`], [`Model::permission_changes`];
//! - chains: [`Model::reaches`], every permission check a granted principal's call path
//!   makes (static references, trigger bodies, synonyms and known dynamic SQL), and
//!   [`known_dynamic_sql`] for the dynamic SQL of a module body;
//! - CLR and options: [`Model::assembly`], [`Model::keys_from_assembly`],
//!   [`Model::logins_from_key`], [`Model::entry_points`], [`Model::options`],
//!   [`Model::server_configs`], [`Model::server_option`], [`Model::trusted_assemblies`].

mod build;
mod dynamic;
mod names;
mod permissions;
mod reach;
mod stream;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use syntax::ast::{
    Access, AssemblySource, ExternalName, KeySource, LoginSource, Module, ObjectKind,
    PermissionAction, PermissionSet, QualifiedName, Statement, UserSource,
};
use syntax::{Name, TextRange};

use crate::diagnostic::{FileId, Location};
use crate::project::{Project, ScriptRole, Workspace};

pub use dynamic::{DynamicSql, known_dynamic_sql};
pub use names::{fold, is_system_schema};

/// Index of a principal in the model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PrincipalId(pub u32);

/// Index of a schema in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemaId(pub u32);

/// Index of an object (table, view, module, type, sequence, synonym) in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId(pub u32);

/// Index of an assembly in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AssemblyId(pub u32);

/// Index of an asymmetric key or certificate in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub u32);

/// Index of a top-level statement in the stream ([`Model::items`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StmtId(pub u32);

/// One top-level statement of the ordered stream.
#[derive(Clone, Debug)]
pub struct Item {
    /// The file whose text holds the statement (an included file for `:r` content).
    pub file: FileId,
    /// The `Project::scripts` entry the statement was reached through: the "script" of
    /// rules that reason per script (a file with its `:r` includes expanded).
    pub script: FileId,
    pub role: ScriptRole,
    /// The statement with SQLCMD `$(Var)` references substituted in every name and
    /// string, except a name's database and server parts, which stay as written so that
    /// a database named by a variable can be told from the project's own. Shared with
    /// the parsed file when no variable changes it.
    pub statement: std::sync::Arc<Statement>,
    /// The database the statement runs in when a `USE` earlier in its script switched
    /// to one that is not the project's own (its name as written, variables
    /// substituted); `None` in the project's database. Such a statement is outside the
    /// model unless it acts at server level (see [`Item::in_model`]).
    pub database: Option<Name>,
}

/// A statement of the stream, top-level or inside a module body.
#[derive(Clone, Copy, Debug)]
pub struct StatementRef<'a> {
    /// The top-level statement this is, or whose module body holds it.
    pub id: StmtId,
    pub file: FileId,
    pub script: FileId,
    pub statement: &'a Statement,
    /// For a statement inside a view, procedure, function or trigger body, that module
    /// (when the model knows it as an object; a module in another database is `None`
    /// like a top-level statement, but then `in_module` is still true).
    pub module: Option<ObjectId>,
    /// True for a statement inside a module body.
    pub in_module: bool,
    /// For a statement of dynamic SQL with known text (`EXEC (N'GRANT …')`), the `EXEC`
    /// statement that runs it; its own ranges point inside the literal.
    pub dynamic: Option<TextRange>,
}

/// A statement that dynamic SQL with known text runs, parsed from that text.
#[derive(Clone, Debug)]
pub struct Dynamic {
    /// The top-level statement that runs it (the `EXEC`, or the module whose body does).
    pub id: StmtId,
    /// The `EXEC` statement.
    pub exec: TextRange,
    pub statement: std::sync::Arc<Statement>,
    /// True when the `EXEC` is inside a module body.
    pub in_module: bool,
}

impl StatementRef<'_> {
    /// The whole statement's location.
    pub fn location(&self) -> Location {
        self.at(self.statement.range)
    }

    /// A location in this statement's file.
    pub fn at(&self, range: TextRange) -> Location {
        Location {
            file: self.file,
            range,
        }
    }
}

/// What kind of principal a [`Principal`] is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalKind {
    /// `CREATE USER`, with its source (login, without login, certificate, key).
    User(UserSource),
    /// `dbo`, `guest`, `sys`, `INFORMATION_SCHEMA`.
    BuiltinUser,
    /// `CREATE ROLE`.
    Role,
    /// `CREATE APPLICATION ROLE`.
    ApplicationRole,
    /// `db_owner`, `db_datareader`, … .
    FixedDatabaseRole,
    /// The `public` role, which every database principal belongs to.
    Public,
    /// `CREATE LOGIN`, with its source.
    Login(LoginSource),
    /// `sa`.
    BuiltinLogin,
    /// `sysadmin`, `serveradmin`, … and the server's `public`.
    FixedServerRole,
    /// `CREATE SERVER ROLE` (or a server role only named by `ALTER SERVER ROLE`).
    ServerRole,
    /// A name used where a principal is expected that the project does not define and
    /// that is not built in (PRM006 reports it). `server` says whether it was used as a
    /// server principal (a login).
    Undeclared { server: bool },
}

impl PrincipalKind {
    /// Logins and server roles.
    pub fn is_server(&self) -> bool {
        matches!(
            self,
            PrincipalKind::Login(_)
                | PrincipalKind::BuiltinLogin
                | PrincipalKind::FixedServerRole
                | PrincipalKind::ServerRole
                | PrincipalKind::Undeclared { server: true }
        )
    }

    /// Roles that can have members (database or server).
    pub fn is_role(&self) -> bool {
        matches!(
            self,
            PrincipalKind::Role
                | PrincipalKind::FixedDatabaseRole
                | PrincipalKind::Public
                | PrincipalKind::FixedServerRole
                | PrincipalKind::ServerRole
        )
    }

    /// Defined by SQL Server itself rather than by the project.
    pub fn is_builtin(&self) -> bool {
        matches!(
            self,
            PrincipalKind::BuiltinUser
                | PrincipalKind::FixedDatabaseRole
                | PrincipalKind::Public
                | PrincipalKind::BuiltinLogin
                | PrincipalKind::FixedServerRole
        )
    }
}

/// A database or server principal.
#[derive(Clone, Debug)]
pub struct Principal {
    /// The name as the definition spells it (built-ins in their usual spelling; an
    /// undeclared name as first used).
    pub name: Name,
    pub kind: PrincipalKind,
    /// Where the project creates it (the name in `CREATE USER …`); for an undeclared
    /// name, its first use; `None` for built-ins.
    pub location: Option<Location>,
    /// For a user created for a login (`FOR LOGIN x`, or no clause): the login.
    pub login: Option<PrincipalId>,
    /// A user's `DEFAULT_SCHEMA` (from `CREATE USER` or a later `ALTER USER`), where
    /// one-part names in dynamic SQL it runs resolve first.
    pub default_schema: Option<Name>,
}

/// One role-membership statement, as applied in order.
#[derive(Clone, Debug)]
pub struct MembershipChange {
    pub stmt: StmtId,
    pub role: PrincipalId,
    pub member: PrincipalId,
    pub add: bool,
    /// `ALTER SERVER ROLE` / `sp_addsrvrolemember` / `sp_dropsrvrolemember`.
    pub server: bool,
    /// The whole statement.
    pub location: Location,
    /// The role's name in the statement.
    pub role_location: Location,
    /// The member's name in the statement.
    pub member_location: Location,
}

/// A schema.
#[derive(Clone, Debug)]
pub struct Schema {
    pub name: Name,
    /// The name in `CREATE SCHEMA`; `None` for built-in schemas and for schemas that
    /// objects name but that the project never creates (`declared` is false then).
    pub location: Option<Location>,
    pub declared: bool,
    pub builtin: bool,
    /// The final owner: `AUTHORIZATION`, else `dbo`, moved by `ALTER AUTHORIZATION ON
    /// SCHEMA::`.
    pub owner: PrincipalId,
    /// Where the final owner was set (the `AUTHORIZATION` name or the `ALTER
    /// AUTHORIZATION` statement); `None` when it is `dbo` by default.
    pub owner_location: Option<Location>,
}

/// A table, view, procedure, function, trigger, type, aggregate, sequence or synonym.
#[derive(Clone, Debug)]
pub struct Object {
    pub schema: SchemaId,
    pub name: Name,
    pub kind: ObjectKind,
    /// The object's name in its defining statement.
    pub location: Location,
    /// The defining statement: the last `CREATE`/`ALTER` of the object in the stream
    /// (whose module body is the one that runs).
    pub statement: StmtId,
    /// The final owner when `ALTER AUTHORIZATION ON OBJECT::` set one (with that
    /// statement's location); `None` when the object belongs to its schema's owner.
    pub explicit_owner: Option<(PrincipalId, Location)>,
    /// For a synonym, what it stands for (SQLCMD variables substituted).
    pub synonym_for: Option<QualifiedName>,
    /// For a DML trigger, the table or view it is on, when the model knows it.
    pub trigger_on: Option<ObjectId>,
    /// Dropped in the final state: a `DROP` applies after the last definition (which
    /// then defines nothing that runs; its permissions are gone with it).
    pub dropped: bool,
}

/// A module signature in the final state: an `ADD [COUNTER] SIGNATURE` that no `DROP
/// SIGNATURE` removed and that applies after the module's last definition (an `ALTER`
/// of the module, or a `DROP` and `CREATE`, drops its signatures).
#[derive(Clone, Debug)]
pub struct Signature {
    pub stmt: StmtId,
    /// The signed module.
    pub object: ObjectId,
    /// The certificate or asymmetric key as written, and which of the two it is.
    pub key_name: Name,
    pub certificate: bool,
    /// The key, when the project creates it.
    pub key: Option<KeyId>,
    /// `ADD COUNTER SIGNATURE`: gives nothing by itself, but keeps the same key's
    /// signature of the calling module in force while this module runs.
    pub counter: bool,
    /// The database users created `FROM CERTIFICATE`/`FROM ASYMMETRIC KEY` this key,
    /// whose permissions the signature adds to the execution context.
    pub users: Vec<PrincipalId>,
    /// The `ADD SIGNATURE` statement.
    pub location: Location,
}

/// A CLR assembly: one that `CREATE ASSEMBLY` makes, that the `.sqlproj` builds from its
/// C# sources, or that a `.sqlproj` reference deploys. Every rule judges them alike.
#[derive(Clone, Debug)]
pub struct Assembly {
    pub name: Name,
    /// Where it is defined: the name in `CREATE ASSEMBLY`; for the project's own build,
    /// its `<AssemblyName>` element (else its first `Compile` item); for a reference, the
    /// reference's item element.
    pub location: Location,
    /// How the assembly comes to exist.
    pub origin: AssemblyOrigin,
    /// `AUTHORIZATION`, `<AssemblyOwner>` or a reference's `<SqlOwnerName>`, else `dbo`
    /// (moved by `ALTER AUTHORIZATION ON ASSEMBLY::`).
    pub owner: PrincipalId,
    pub owner_location: Option<Location>,
    /// The final permission set and where the last declaration stands (`CREATE` or
    /// `ALTER ASSEMBLY`, `<PermissionSet>`, a reference's `<SqlPermissionSet>`). `SAFE`
    /// when a `CREATE` or the project's build declares none (the documented default);
    /// `None` when it cannot be known: a reference that does not say, or a value that
    /// names no permission set (an MSBuild property only a build expands).
    pub permission_set: Option<PermissionSet>,
    pub permission_set_location: Option<Location>,
    /// The file the assembly is made from, as written: the first path of `CREATE
    /// ASSEMBLY … FROM 'path'`, `<AssemblyName>.dll` for the project's build (the file
    /// its C# compile writes), a referenced `.dll`. Keys made `FROM
    /// EXECUTABLE FILE` are matched to the assembly by this file's name.
    pub file: Option<String>,
    /// The strong-name signing of the project's build: `<SignAssembly>True</SignAssembly>`
    /// with its `<AssemblyOriginatorKeyFile>`.
    pub signing: Option<Signing>,
    /// The C# (or VB) sources the assembly is compiled from, as far as the project says:
    /// the `.sqlproj`'s `Compile` items for its own build; empty otherwise.
    pub compile_items: Vec<FileId>,
}

/// How an assembly comes to exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssemblyOrigin {
    /// `CREATE ASSEMBLY` (written, or script-level dynamic SQL with known text): the
    /// statement and its `FROM` clause.
    Create {
        statement: StmtId,
        sources: Vec<AssemblySource>,
    },
    /// The `.sqlproj` builds it from its `Compile` items and deploys it.
    ProjectBuild,
    /// A `<Reference>` to a `.dll` deploys it (what a referenced `.dacpac` holds is not
    /// read, so a `.dacpac` makes no assembly of the model).
    Reference,
}

/// `<SignAssembly>True</SignAssembly>` and the key file that signs the assembly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signing {
    /// The `<SignAssembly>` element.
    pub location: Location,
    /// `<AssemblyOriginatorKeyFile>` (a `.snk` or `.pfx`) as written, and its element.
    pub key_file: Option<(String, Location)>,
}

impl Assembly {
    /// The `CREATE ASSEMBLY` statement, for an assembly made by one.
    pub fn statement(&self) -> Option<StmtId> {
        match &self.origin {
            AssemblyOrigin::Create { statement, .. } => Some(*statement),
            _ => None,
        }
    }

    /// The `FROM` clause of the `CREATE ASSEMBLY`; empty for the other origins.
    pub fn sources(&self) -> &[AssemblySource] {
        match &self.origin {
            AssemblyOrigin::Create { sources, .. } => sources,
            _ => &[],
        }
    }
}

/// Whether two file paths, as written in the project (`C:\drop\Geo.dll`,
/// `..\lib\Geo.dll`, `/opt/Geo.dll`), name the same file: their file names are equal
/// without case. Folders are not compared: the server reads a key's `EXECUTABLE FILE` on
/// its own disk, where a deployment copies the build output to a folder of its own, and
/// the project's build writes to an output folder the project does not fix.
pub fn same_file(a: &str, b: &str) -> bool {
    let name = |path: &str| {
        path.trim()
            .rsplit(['\\', '/'])
            .next()
            .unwrap_or_default()
            .to_lowercase()
    };
    let a = name(a);
    !a.is_empty() && a == name(b)
}

/// The permission set a `.sqlproj` value names: SSDT writes `SAFE`, `EXTERNAL_ACCESS`
/// and `UNSAFE`; older projects `Safe`, `ExternalAccess`, `External`, `Unsafe` and
/// `Unrestricted`.
pub fn permission_set_named(value: &str) -> Option<PermissionSet> {
    let normal: String = value
        .chars()
        .filter(|c| !matches!(c, '_' | ' '))
        .collect::<String>()
        .to_ascii_uppercase();
    match normal.as_str() {
        "SAFE" => Some(PermissionSet::Safe),
        "EXTERNALACCESS" | "EXTERNAL" => Some(PermissionSet::ExternalAccess),
        "UNSAFE" | "UNRESTRICTED" => Some(PermissionSet::Unsafe),
        _ => None,
    }
}

/// An asymmetric key or certificate.
#[derive(Clone, Debug)]
pub struct Key {
    pub name: Name,
    pub certificate: bool,
    pub source: KeySource,
    /// The assembly the key or certificate is made from, when the model has it: `FROM
    /// ASSEMBLY x` by name; `FROM EXECUTABLE FILE = 'path'` by the file's name (see
    /// [`same_file`]); an asymmetric key `FROM FILE = 'x.snk'`, the strong-name key
    /// file, is the key of the project's build signed with that `<AssemblyOriginatorKeyFile>`.
    pub from_assembly: Option<AssemblyId>,
    pub location: Location,
}

/// Where a permission applies.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// A server-level permission (`UNSAFE ASSEMBLY`, `CONTROL SERVER`, …, or `ON
    /// SERVER::`), or `ON LOGIN::`/`ON SERVER ROLE::` (then `Principal`).
    Server,
    /// No `ON` clause (or `ON DATABASE::`).
    Database,
    Schema(SchemaId),
    Object(ObjectId),
    Assembly(AssemblyId),
    /// `ON USER::`, `ON ROLE::`, `ON APPLICATION ROLE::`, `ON LOGIN::`, `ON SERVER ROLE::`.
    Principal(PrincipalId),
    /// A securable class the model does not track (certificates, keys, XML schema
    /// collections, endpoints, …), with the class and the name as written.
    Other(Box<NamedSecurable>),
    /// A three- or four-part name in another database or on another server.
    OtherDatabase,
    /// A schema, object, assembly or database principal the project does not define and
    /// that is not built in (PRM006 reports these).
    Unresolved(Box<NamedSecurable>),
}

/// A securable the model knows only by name: its class and its name, as written. Boxed in
/// [`Scope`], which every grant and permission change holds, so that the rare case does
/// not make the common ones five times larger.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NamedSecurable {
    pub class: Name,
    pub name: String,
}

impl Scope {
    pub fn other(class: Name, name: String) -> Scope {
        Scope::Other(Box::new(NamedSecurable { class, name }))
    }

    pub fn unresolved(class: Name, name: String) -> Scope {
        Scope::Unresolved(Box::new(NamedSecurable { class, name }))
    }
}

/// One `GRANT`/`DENY`/`REVOKE` for one permission and one principal, as applied.
#[derive(Clone, Debug)]
pub struct PermissionChange {
    pub stmt: StmtId,
    pub action: PermissionAction,
    /// Upper case, one space between words (`EXECUTE`, `TAKE OWNERSHIP`).
    pub permission: Name,
    /// Columns named for this permission or after the securable, folded.
    pub columns: Vec<Name>,
    pub scope: Scope,
    pub principal: PrincipalId,
    pub with_grant_option: bool,
    pub grant_option_for: bool,
    pub cascade: bool,
    /// `AS principal`: who grants (else the deploying `dbo`).
    pub grantor: Option<PrincipalId>,
    /// Inside a module body (PRM011): such a statement is not applied to the state.
    pub in_module: bool,
    /// The whole statement.
    pub location: Location,
    /// The permission's name in the statement.
    pub permission_location: Location,
    /// The principal's name in the statement.
    pub principal_location: Location,
    /// The securable's name in the statement, when there is an `ON` clause.
    pub securable_location: Option<Location>,
}

/// A permission in the final state: a grant or a deny that no later statement undid.
#[derive(Clone, Debug)]
pub struct Grant {
    pub principal: PrincipalId,
    pub permission: Name,
    pub scope: Scope,
    /// Empty for the whole securable; else the columns it covers, folded.
    pub columns: Vec<Name>,
    pub deny: bool,
    pub with_grant_option: bool,
    /// Who granted it: the `AS` principal, else the deploying `dbo`. `REVOKE … CASCADE`
    /// from a principal also takes back what it granted on to others.
    pub grantor: PrincipalId,
    /// The `GRANT`/`DENY` statement.
    pub location: Location,
}

/// Why a principal holds a permission or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// The principal (or a role it belongs to) owns the securable or its schema.
    Owner(PrincipalId),
    /// The principal is `dbo`.
    Dbo,
    /// The principal is a member of `db_owner`.
    DbOwner,
    /// The principal's login is `sa` or a member of `sysadmin`.
    Sysadmin,
    /// A grant in the final state (index into [`Model::grants`]).
    Granted(usize),
    /// `db_datareader` / `db_datawriter` membership (the role).
    FixedRole(PrincipalId),
    /// A deny in the final state (index into [`Model::grants`]).
    Denied(usize),
    /// `db_denydatareader` / `db_denydatawriter` membership (the role).
    FixedDeny(PrincipalId),
    /// A column-level grant exists but does not cover the columns used (or they cannot
    /// be told) (index into [`Model::grants`]).
    ColumnsNotCovered(usize),
    /// Nothing grants it.
    NotGranted,
}

/// The answer of [`Model::holds`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub evidence: Evidence,
}

/// A principal that may start executing an entry point: granted the permission that
/// reaches it (EXECUTE on a module, SELECT on a view or table-valued function,
/// INSERT/UPDATE/DELETE on the table of a DML trigger) directly, on its schema or
/// database-wide, or holding CONTROL there; or `db_datareader`/`db_datawriter` (for
/// SELECT and for INSERT/UPDATE/DELETE) when the project adds a member to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Executor {
    pub principal: PrincipalId,
    /// The permission granted (`EXECUTE`, `SELECT`, `CONTROL`, …).
    pub permission: Name,
    pub scope: Scope,
    /// The grant (index into [`Model::grants`]); `None` for a fixed data role.
    pub grant: Option<usize>,
    /// The grant's statement, or the first statement adding a member to the fixed role.
    pub location: Location,
    /// Granted, yet refused the entry point itself by a DENY (or `db_denydatareader`/
    /// `db_denydatawriter`): the catalogue counts a granted principal as one that may
    /// execute, and what its call path lacks is still reported.
    pub denied: bool,
    /// For a member of a granted role walked on its own (because a DENY to it, or to
    /// another role it is in, may break what the role allows): that role. `principal`
    /// is then the member, and `permission`, `scope`, `grant` and `location` are the
    /// role's.
    pub via: Option<PrincipalId>,
}

/// Whose permissions a module's statements are checked against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunsAs {
    /// No `EXECUTE AS` (or `EXECUTE AS CALLER`); views and triggers always.
    Caller,
    /// `OWNER` (the module's owner), `SELF` (`dbo`, the deployer) or `'name'`.
    Principal(PrincipalId),
    /// `EXECUTE AS 'name'` naming no user the model knows.
    Unresolved(String),
}

/// What a name resolves to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// An object of the project (synonyms followed to their target by
    /// [`Model::resolve`]).
    Object(ObjectId),
    /// A system object (`sys.*`, `INFORMATION_SCHEMA.*`, `sp_*` system procedures when
    /// the project defines no such object).
    Builtin,
    /// A three- or four-part name leaving the project's database: outside the model.
    OtherDatabase,
    /// Nothing of that name.
    Unresolved,
}

/// Whether a reference crosses an ownership chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chain {
    /// The referencing module and the object have the same owner: nothing is checked.
    Unbroken,
    /// The owners differ: the execution context needs the permission itself.
    Broken {
        module_owner: PrincipalId,
        object_owner: PrincipalId,
    },
    /// A reference inside dynamic SQL: chaining never applies.
    Dynamic,
    /// The first step: the entry point itself, checked against the caller.
    Entry,
}

/// One permission check on a call path that starts at an entry point granted to a
/// principal: the module (or trigger, or dynamic SQL in a module) references an object.
#[derive(Clone, Debug)]
pub struct Reach {
    /// The principal granted the entry point, and the grant.
    pub executor: std::sync::Arc<Executor>,
    /// The entry point: a module, view or table-valued function the executor was
    /// granted, or a trigger fired by the executor's DML permission on its table.
    pub entry: ObjectId,
    /// The principal whose permissions are checked here: the executor in a caller
    /// context, else the `EXECUTE AS` principal in force. `None` when that principal is
    /// unknown (`EXECUTE AS 'ghost'`).
    pub context: Option<PrincipalId>,
    /// The module whose statement makes the reference (`entry` for a direct one).
    pub module: ObjectId,
    /// The referenced object. A reference through a synonym gives two reaches, both at
    /// the reference's location: one to the synonym (under `module`'s chain), then one
    /// from the synonym (as `module`) to its base object, as for a view.
    pub target: ObjectId,
    pub access: Access,
    /// The columns used, when they can be told (shared by the reaches of one reference).
    pub columns: Option<std::sync::Arc<[Name]>>,
    /// The referenced name (for dynamic SQL: the string literal holding it, else the
    /// `EXEC`).
    pub location: Location,
    pub chain: Chain,
    /// The users whose permissions module signatures add to `context` here (the
    /// module's own signatures, and the caller's kept by a counter signature).
    pub signers: std::sync::Arc<[PrincipalId]>,
    /// What only some reaches have (see the methods of the same names): boxed, since a
    /// large project has hundreds of thousands of reaches and most have none of it.
    pub aside: Option<Box<ReachAside>>,
}

/// The rarer facts of a [`Reach`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReachAside {
    /// The module whose `EXECUTE AS` set `context`, when it is not the executor (the
    /// module itself or one on the path that called it).
    pub switched_by: Option<ObjectId>,
    /// For a reference inside dynamic SQL, the `EXEC`/`sp_executesql` statement.
    pub dynamic: Option<Location>,
    /// Where an `EXECUTE AS` statement in the module body set `context`, when one did.
    pub switched_at: Option<Location>,
}

impl ReachAside {
    /// The box a reach holds: none when every fact is `None`.
    pub fn boxed(self) -> Option<Box<ReachAside>> {
        (self != ReachAside::default()).then(|| Box::new(self))
    }
}

impl Reach {
    /// The module whose `EXECUTE AS` set `context`, when it is not the executor (the
    /// module itself or one on the path that called it).
    pub fn switched_by(&self) -> Option<ObjectId> {
        self.aside.as_ref().and_then(|aside| aside.switched_by)
    }

    /// For a reference inside dynamic SQL, the `EXEC`/`sp_executesql` statement.
    pub fn dynamic(&self) -> Option<Location> {
        self.aside.as_ref().and_then(|aside| aside.dynamic)
    }

    /// Where an `EXECUTE AS` statement in the module body set `context`, when one did.
    pub fn switched_at(&self) -> Option<Location> {
        self.aside.as_ref().and_then(|aside| aside.switched_at)
    }
}

/// A database option's state.
#[derive(Clone, Debug, Default)]
pub struct OptionState {
    /// The final value.
    pub on: bool,
    /// Every setting in order: the value, where (the option in `ALTER DATABASE … SET`,
    /// or the `.sqlproj` property) and whether it came from a project property.
    pub settings: Vec<OptionSetting>,
}

impl OptionState {
    /// The settings that turned the option on, when it is on in the final state (from
    /// the last setting that turned it off, exclusive).
    pub fn on_locations(&self) -> Vec<Location> {
        if !self.on {
            return Vec::new();
        }
        let start = self
            .settings
            .iter()
            .rposition(|setting| !setting.on)
            .map_or(0, |i| i + 1);
        self.settings[start..]
            .iter()
            .map(|setting| setting.location)
            .collect()
    }
}

#[derive(Clone, Debug)]
pub struct OptionSetting {
    pub on: bool,
    pub location: Location,
    pub from_property: bool,
}

/// The database options the rules read.
#[derive(Clone, Debug, Default)]
pub struct DatabaseOptions {
    pub trustworthy: OptionState,
    pub db_chaining: OptionState,
}

/// One `sp_configure` call.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    pub stmt: StmtId,
    /// The option's name, lower case, words separated by one space.
    pub name: String,
    /// The value when it is a number (`0`, `1`, `'1'`); `None` for a call that only reads.
    pub value: Option<i64>,
    /// The `EXEC` statement.
    pub location: Location,
    /// The value argument.
    pub value_location: Option<Location>,
}

/// One `sp_add_trusted_assembly` call.
#[derive(Clone, Debug)]
pub struct TrustedAssembly {
    pub stmt: StmtId,
    /// The hash's hexadecimal digits without `0x`, upper case.
    pub hash: Option<String>,
    pub description: Option<String>,
    pub location: Location,
}

/// A CLR module: an object declared `AS EXTERNAL NAME`.
#[derive(Clone, Debug)]
pub struct EntryPoint {
    pub object: ObjectId,
    pub external: ExternalName,
    /// The assembly, when the project creates it.
    pub assembly: Option<AssemblyId>,
    /// The `EXTERNAL NAME` clause.
    pub location: Location,
}

/// The model of one project.
#[derive(Debug, Default)]
pub struct Model {
    /// The project's name (its database name, unless `DatabaseName` says otherwise).
    pub project_name: String,
    /// The schema one-part names resolve to outside modules.
    pub default_schema: Name,
    items: Vec<Item>,
    principals: Vec<Principal>,
    database_principals: HashMap<String, PrincipalId>,
    server_principals: HashMap<String, PrincipalId>,
    /// Final direct memberships: member → role → the statement that added it.
    member_of: BTreeMap<PrincipalId, BTreeMap<PrincipalId, Location>>,
    memberships: Vec<MembershipChange>,
    /// `roles_of` for every principal, computed once the final state is known.
    role_cache: Vec<Vec<PrincipalId>>,
    schemas: Vec<Schema>,
    schema_index: HashMap<String, SchemaId>,
    objects: Vec<Object>,
    object_index: HashMap<(SchemaId, String), ObjectId>,
    /// Tables and views to their DML triggers.
    triggers: HashMap<ObjectId, Vec<ObjectId>>,
    /// Every `CREATE`/`ALTER` statement of an object, to the object.
    /// By statement index: the object a top-level statement defines. A vector rather
    /// than a map, because every rule's walk over the statements asks it once per item.
    statement_objects: Vec<Option<ObjectId>>,
    assemblies: Vec<Assembly>,
    assembly_index: HashMap<String, AssemblyId>,
    keys: Vec<Key>,
    key_index: HashMap<String, KeyId>,
    permission_changes: Vec<PermissionChange>,
    grants: Vec<Grant>,
    /// Indexes into `grants` by scope.
    grants_by_scope: HashMap<Scope, Vec<usize>>,
    options: DatabaseOptions,
    server_configs: Vec<ServerConfig>,
    trusted_assemblies: Vec<TrustedAssembly>,
    signatures: Vec<Signature>,
    /// Names of `:setvar`-defined and project variables that name this database.
    database_names: BTreeSet<String>,
    /// The statements of dynamic SQL with known text, by the statement that runs them.
    pub(crate) dynamic: Vec<Dynamic>,
    reaches: Vec<Reach>,
    /// The principals every query treats specially, created first.
    pub(crate) builtin: Builtins,
}

/// The ids of the built-in principals the queries need.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Builtins {
    pub dbo: PrincipalId,
    pub public: PrincipalId,
    pub db_owner: PrincipalId,
    pub db_datareader: PrincipalId,
    pub db_datawriter: PrincipalId,
    pub db_denydatareader: PrincipalId,
    pub db_denydatawriter: PrincipalId,
    pub sa: PrincipalId,
    pub sysadmin: PrincipalId,
}

impl Model {
    /// Builds the model of one project of the workspace.
    pub fn build(workspace: &Workspace, project: &Project) -> Model {
        build::build(workspace, project)
    }

    // ---- the statement stream -------------------------------------------------------

    /// The top-level statements in apply order.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    pub fn item(&self, id: StmtId) -> &Item {
        &self.items[id.0 as usize]
    }

    /// Every statement in apply order: each top-level statement, followed by the
    /// statements of its module body when it defines a view, procedure, function or
    /// trigger, then by the statements that its dynamic SQL with known text runs
    /// (`EXEC (N'GRANT …')` at script level or in the body), as if written in place.
    pub fn statements(&self) -> impl Iterator<Item = StatementRef<'_>> + '_ {
        self.items.iter().enumerate().flat_map(move |(i, item)| {
            let id = StmtId(i as u32);
            let top = StatementRef {
                id,
                file: item.file,
                script: item.script,
                statement: &item.statement,
                module: None,
                in_module: false,
                dynamic: None,
            };
            let module = self.module_object_of(id);
            // Only the definition in force at the end runs: the body of a definition
            // that a later one replaced (or a final DROP removed) is not visited, nor
            // the dynamic SQL inside that body.
            let superseded = self.is_superseded(id);
            let body = if superseded {
                &[]
            } else {
                stream::module_of(&item.statement)
                    .map(|m| m.body.as_slice())
                    .unwrap_or(&[])
            };
            let from = self.dynamic.partition_point(|d| d.id < id);
            let to = self.dynamic.partition_point(|d| d.id <= id);
            let dynamic = self.dynamic[from..to]
                .iter()
                .filter(move |d| !(superseded && d.in_module))
                .map(move |d| StatementRef {
                    id,
                    file: item.file,
                    script: item.script,
                    statement: &d.statement,
                    module: if d.in_module { module } else { None },
                    in_module: d.in_module,
                    dynamic: Some(d.exec),
                });
            std::iter::once(top)
                .chain(body.iter().map(move |statement| StatementRef {
                    id,
                    file: item.file,
                    script: item.script,
                    statement,
                    module,
                    in_module: true,
                    dynamic: None,
                }))
                .chain(dynamic)
        })
    }

    fn set_statement_object(&mut self, id: StmtId, object: ObjectId) {
        let index = id.0 as usize;
        if self.statement_objects.len() <= index {
            self.statement_objects.resize(index + 1, None);
        }
        self.statement_objects[index] = Some(object);
    }

    /// True for a `CREATE`/`ALTER` top-level statement whose definition is not the one in
    /// force at the end: a later `CREATE`, `ALTER` or `CREATE OR ALTER` of the same object
    /// replaced it (migration folders redefine the same module in every version), or a
    /// `DROP` after the last definition removed the object.
    pub fn is_superseded(&self, id: StmtId) -> bool {
        self.module_object_of(id).is_some_and(|object| {
            let object = self.object(object);
            object.statement != id || object.dropped
        })
    }

    /// The object a `CREATE`/`ALTER` top-level statement defines, when the model knows
    /// it (not for an object in another database).
    pub fn module_object_of(&self, id: StmtId) -> Option<ObjectId> {
        self.statement_objects.get(id.0 as usize).copied().flatten()
    }

    // ---- principals -----------------------------------------------------------------

    pub fn principals(&self) -> impl Iterator<Item = (PrincipalId, &Principal)> {
        self.principals
            .iter()
            .enumerate()
            .map(|(i, p)| (PrincipalId(i as u32), p))
    }

    pub fn principal(&self, id: PrincipalId) -> &Principal {
        &self.principals[id.0 as usize]
    }

    /// The principal's name as written.
    pub fn principal_name(&self, id: PrincipalId) -> &str {
        &self.principal(id).name
    }

    /// A database principal (user, role, application role, built-in, or an undeclared
    /// name used as one) by name, case-insensitively.
    pub fn database_principal(&self, name: &str) -> Option<PrincipalId> {
        self.database_principals.get(&fold(name)).copied()
    }

    /// A server principal (login, server role, or an undeclared login) by name.
    pub fn server_principal(&self, name: &str) -> Option<PrincipalId> {
        self.server_principals.get(&fold(name)).copied()
    }

    pub fn dbo(&self) -> PrincipalId {
        self.builtin.dbo
    }

    pub fn public(&self) -> PrincipalId {
        self.builtin.public
    }

    pub fn db_owner(&self) -> PrincipalId {
        self.builtin.db_owner
    }

    pub fn sysadmin(&self) -> PrincipalId {
        self.builtin.sysadmin
    }

    /// Every role-membership statement in apply order (module bodies excluded).
    pub fn membership_changes(&self) -> &[MembershipChange] {
        &self.memberships
    }

    /// The roles `principal` belongs to directly in the final state, with the statement
    /// that added each.
    pub fn direct_roles(&self, principal: PrincipalId) -> Vec<(PrincipalId, Location)> {
        self.member_of
            .get(&principal)
            .map(|roles| roles.iter().map(|(r, l)| (*r, *l)).collect())
            .unwrap_or_default()
    }

    /// Every role `principal` belongs to in the final state, transitively, including
    /// `public` for a database principal; never `principal` itself.
    pub fn roles_of(&self, principal: PrincipalId) -> Vec<PrincipalId> {
        self.cached_roles(principal).into_owned()
    }

    /// [`Model::roles_of`] from the cache without a copy (computed while the cache is
    /// not built yet): the chains' walk asks it of every member of every granted role.
    pub(crate) fn cached_roles(
        &self,
        principal: PrincipalId,
    ) -> std::borrow::Cow<'_, [PrincipalId]> {
        match self.role_cache.get(principal.0 as usize) {
            Some(roles) => std::borrow::Cow::Borrowed(roles),
            None => std::borrow::Cow::Owned(self.compute_roles_of(principal)),
        }
    }

    fn compute_roles_of(&self, principal: PrincipalId) -> Vec<PrincipalId> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![principal];
        while let Some(p) = stack.pop() {
            for role in self.direct_role_ids(p) {
                if role != principal && seen.insert(role) {
                    stack.push(role);
                }
            }
        }
        if !self.principal(principal).kind.is_server() && principal != self.builtin.public {
            seen.insert(self.builtin.public);
        }
        seen.into_iter().collect()
    }

    /// Fills the cache of [`Model::roles_of`] once membership is final.
    pub(crate) fn cache_roles(&mut self) {
        self.role_cache = Vec::new();
        let all: Vec<Vec<PrincipalId>> = (0..self.principals.len())
            .map(|i| self.compute_roles_of(PrincipalId(i as u32)))
            .collect();
        self.role_cache = all;
    }

    /// Direct roles in the final state, with the built-in memberships (`dbo` in
    /// `db_owner`, `sa` in `sysadmin`) that no statement records.
    fn direct_role_ids(&self, principal: PrincipalId) -> Vec<PrincipalId> {
        let mut roles: Vec<PrincipalId> = self
            .member_of
            .get(&principal)
            .map(|roles| roles.keys().copied().collect())
            .unwrap_or_default();
        if principal == self.builtin.dbo {
            roles.push(self.builtin.db_owner);
        }
        if principal == self.builtin.sa {
            roles.push(self.builtin.sysadmin);
        }
        roles
    }

    /// True when `principal` is `role`, or belongs to it (transitively) in the final
    /// state; every database principal belongs to `public`, `dbo` to `db_owner` and `sa`
    /// to `sysadmin`.
    pub fn is_member_of(&self, principal: PrincipalId, role: PrincipalId) -> bool {
        principal == role || self.cached_roles(principal).contains(&role)
    }

    /// The chain of direct memberships from `principal` to `role` (the statements that
    /// added them), when it belongs to it; `None` when it does not. The path is empty
    /// when it is the role itself or belongs to it only through a built-in membership
    /// (`public`, `dbo` in `db_owner`, `sa` in `sysadmin`), which no statement makes.
    pub fn membership_path(
        &self,
        principal: PrincipalId,
        role: PrincipalId,
    ) -> Option<Vec<Location>> {
        if principal == role {
            return Some(Vec::new());
        }
        let mut previous: BTreeMap<PrincipalId, (PrincipalId, Location)> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([principal]);
        while let Some(p) = queue.pop_front() {
            for (r, location) in self.direct_roles(p) {
                if r == principal || previous.contains_key(&r) {
                    continue;
                }
                previous.insert(r, (p, location));
                if r == role {
                    let mut path = Vec::new();
                    let mut at = r;
                    while let Some((from, location)) = previous.get(&at) {
                        path.push(*location);
                        at = *from;
                        if at == principal {
                            break;
                        }
                    }
                    path.reverse();
                    return Some(path);
                }
                queue.push_back(r);
            }
        }
        self.is_member_of(principal, role).then(Vec::new)
    }

    /// `dbo`, or a member of `db_owner`.
    pub fn is_db_owner(&self, principal: PrincipalId) -> bool {
        self.is_member_of(principal, self.builtin.db_owner)
    }

    /// `sa` or a member of `sysadmin`; for a database user, its login is asked.
    pub fn is_sysadmin(&self, principal: PrincipalId) -> bool {
        let login = if self.principal(principal).kind.is_server() {
            Some(principal)
        } else {
            self.principal(principal).login
        };
        login.is_some_and(|login| {
            login == self.builtin.sa || self.is_member_of(login, self.builtin.sysadmin)
        })
    }

    // ---- schemas and objects --------------------------------------------------------

    pub fn schemas(&self) -> impl Iterator<Item = (SchemaId, &Schema)> {
        self.schemas
            .iter()
            .enumerate()
            .map(|(i, s)| (SchemaId(i as u32), s))
    }

    pub fn schema(&self, id: SchemaId) -> &Schema {
        &self.schemas[id.0 as usize]
    }

    /// A schema by name, case-insensitively (built-ins included).
    pub fn schema_named(&self, name: &str) -> Option<SchemaId> {
        self.schema_index.get(&fold(name)).copied()
    }

    pub fn objects(&self) -> impl Iterator<Item = (ObjectId, &Object)> {
        self.objects
            .iter()
            .enumerate()
            .map(|(i, o)| (ObjectId(i as u32), o))
    }

    pub fn object(&self, id: ObjectId) -> &Object {
        &self.objects[id.0 as usize]
    }

    /// `schema.name` as the definitions spell them.
    pub fn object_name(&self, id: ObjectId) -> String {
        let object = self.object(id);
        format!("{}.{}", self.schema(object.schema).name, object.name)
    }

    /// The defining statement of an object.
    pub fn object_statement(&self, id: ObjectId) -> &Statement {
        &self.item(self.object(id).statement).statement
    }

    /// The module (view, procedure, function, trigger) part of an object's definition.
    pub fn module(&self, id: ObjectId) -> Option<&Module> {
        stream::module_of(self.object_statement(id))
    }

    /// The final owner: the explicit owner, else the schema's owner. A DML trigger is
    /// owned by the owner of its table ("Ownership of the following entities cannot be
    /// transferred: … triggers", ALTER AUTHORIZATION).
    pub fn owner_of(&self, id: ObjectId) -> PrincipalId {
        let object = self.object(id);
        if let Some(table) = object.trigger_on
            && table != id
        {
            return self.owner_of(table);
        }
        match object.explicit_owner {
            Some((owner, _)) => owner,
            None => self.schema(object.schema).owner,
        }
    }

    /// Where the owner of an object comes from: the `ALTER AUTHORIZATION`, else the
    /// schema's `AUTHORIZATION` (or `ALTER AUTHORIZATION ON SCHEMA::`), else the
    /// schema's definition; `None` for `dbo` by default on an undeclared or built-in schema.
    pub fn owner_location(&self, id: ObjectId) -> Option<Location> {
        let object = self.object(id);
        match object.explicit_owner {
            Some((_, location)) => Some(location),
            None => {
                let schema = self.schema(object.schema);
                schema.owner_location.or(schema.location)
            }
        }
    }

    /// The DML triggers on a table or view.
    pub fn triggers_on(&self, table: ObjectId) -> &[ObjectId] {
        self.triggers.get(&table).map_or(&[], Vec::as_slice)
    }

    /// Whose permissions a module's statements are checked against.
    pub fn runs_as(&self, id: ObjectId) -> RunsAs {
        use syntax::ast::ExecutionContext;
        let object = self.object(id);
        if matches!(object.kind, ObjectKind::View) {
            return RunsAs::Caller;
        }
        let Some(clause) = self.module(id).and_then(|m| m.execute_as.as_ref()) else {
            return RunsAs::Caller;
        };
        match &clause.context {
            ExecutionContext::Caller => RunsAs::Caller,
            ExecutionContext::Owner => RunsAs::Principal(self.owner_of(id)),
            ExecutionContext::SelfUser => RunsAs::Principal(self.builtin.dbo),
            ExecutionContext::User(name) => match self.database_principal(name) {
                Some(p) if !matches!(self.principal(p).kind, PrincipalKind::Undeclared { .. }) => {
                    RunsAs::Principal(p)
                }
                _ => RunsAs::Unresolved(name.clone()),
            },
        }
    }

    /// Resolves a name as written in a statement: case-insensitive, quoting already
    /// removed, one-part names looked up in `schema` (the referencing module's schema),
    /// then the project's default schema, then `dbo`; synonyms followed to their
    /// target. Names in `sys`/`INFORMATION_SCHEMA` are built in.
    pub fn resolve(&self, name: &QualifiedName, schema: Option<SchemaId>) -> Resolved {
        names::resolve(self, name, schema, true)
    }

    /// [`Model::resolve`] without following synonyms.
    pub fn resolve_exact(&self, name: &QualifiedName, schema: Option<SchemaId>) -> Resolved {
        names::resolve(self, name, schema, false)
    }

    /// True when a name's database (and server) part leaves the project's database.
    pub fn is_other_database(&self, name: &QualifiedName) -> bool {
        names::is_other_database(self, name)
    }

    // ---- permissions ----------------------------------------------------------------

    /// Every GRANT/DENY/REVOKE in apply order, one per (permission, principal),
    /// including those inside module bodies (marked `in_module`, not applied).
    pub fn permission_changes(&self) -> &[PermissionChange] {
        &self.permission_changes
    }

    /// The final state: grants and denies that no later statement undid.
    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    /// Whether `principal` holds `permission` (upper case: `EXECUTE`, `SELECT`, …) on an
    /// object in the final state, for the columns used (`None` when they cannot be
    /// told), with the evidence. See the catalogue's "Permissions" paragraph.
    pub fn holds(
        &self,
        principal: PrincipalId,
        permission: &str,
        object: ObjectId,
        columns: Option<&[Name]>,
    ) -> Decision {
        permissions::holds(self, principal, permission, object, columns)
    }

    /// Whether `principal` holds `permission` at a scope other than an object (a schema,
    /// an assembly, the database).
    pub fn holds_on(&self, principal: PrincipalId, permission: &str, scope: &Scope) -> Decision {
        permissions::holds_on(self, principal, permission, scope)
    }

    /// The principals granted `permission` (or CONTROL) on an object, its schema or the
    /// database in the final state: who may start executing it (see [`Executor`]).
    pub fn executors(&self, object: ObjectId, permission: &str) -> Vec<Executor> {
        permissions::executors(self, object, permission)
    }

    /// Every permission check on the call paths of granted entry points (see
    /// [`Reach`]), once per (module, execution context, reference).
    pub fn reaches(&self) -> &[Reach] {
        &self.reaches
    }

    /// Whether `principal`, with the permissions of `signers` added (the users of the
    /// module signatures in force), holds `permission` on an object. A DENY to the
    /// principal still refuses; a signer's grant fills in what the principal lacks.
    pub fn holds_with(
        &self,
        principal: PrincipalId,
        signers: &[PrincipalId],
        permission: &str,
        object: ObjectId,
        columns: Option<&[Name]>,
    ) -> Decision {
        let own = self.holds(principal, permission, object, columns);
        if own.allowed || matches!(own.evidence, Evidence::Denied(_) | Evidence::FixedDeny(_)) {
            return own;
        }
        signers
            .iter()
            .map(|signer| self.holds(*signer, permission, object, columns))
            .find(|decision| decision.allowed)
            .unwrap_or(own)
    }

    // ---- signatures -----------------------------------------------------------------

    /// Every module signature in the final state, in apply order.
    pub fn signatures(&self) -> &[Signature] {
        &self.signatures
    }

    /// The signatures (and counter signatures) of a module in the final state.
    pub fn signatures_of(&self, object: ObjectId) -> impl Iterator<Item = &Signature> + '_ {
        self.signatures.iter().filter(move |s| s.object == object)
    }

    /// True when a module is signed (not only counter-signed) in the final state.
    pub fn is_signed(&self, object: ObjectId) -> bool {
        self.signatures_of(object).any(|s| !s.counter)
    }

    /// The database users created `FROM CERTIFICATE name` (or `FROM ASYMMETRIC KEY name`).
    pub fn users_from_key(&self, certificate: bool, name: &str) -> Vec<PrincipalId> {
        let name = fold(name);
        self.principals()
            .filter(|(_, p)| match &p.kind {
                PrincipalKind::User(UserSource::Certificate(c)) => {
                    certificate && fold(&c.value) == name
                }
                PrincipalKind::User(UserSource::AsymmetricKey(k)) => {
                    !certificate && fold(&k.value) == name
                }
                _ => false,
            })
            .map(|(id, _)| id)
            .collect()
    }

    // ---- CLR ------------------------------------------------------------------------

    pub fn assemblies(&self) -> impl Iterator<Item = (AssemblyId, &Assembly)> {
        self.assemblies
            .iter()
            .enumerate()
            .map(|(i, a)| (AssemblyId(i as u32), a))
    }

    pub fn assembly(&self, id: AssemblyId) -> &Assembly {
        &self.assemblies[id.0 as usize]
    }

    /// An assembly by name, case-insensitively.
    pub fn assembly_named(&self, name: &str) -> Option<AssemblyId> {
        self.assembly_index.get(&fold(name)).copied()
    }

    pub fn keys(&self) -> impl Iterator<Item = (KeyId, &Key)> {
        self.keys
            .iter()
            .enumerate()
            .map(|(i, k)| (KeyId(i as u32), k))
    }

    pub fn key(&self, id: KeyId) -> &Key {
        &self.keys[id.0 as usize]
    }

    /// An asymmetric key or certificate by name.
    pub fn key_named(&self, name: &str) -> Option<KeyId> {
        self.key_index.get(&fold(name)).copied()
    }

    /// The keys and certificates made from this assembly (see [`Key::from_assembly`]).
    pub fn keys_from_assembly(&self, assembly: AssemblyId) -> Vec<KeyId> {
        self.keys()
            .filter(|(_, k)| k.from_assembly == Some(assembly))
            .map(|(id, _)| id)
            .collect()
    }

    /// The logins created `FROM ASYMMETRIC KEY`/`FROM CERTIFICATE` this key.
    pub fn logins_from_key(&self, key: KeyId) -> Vec<PrincipalId> {
        let key = self.key(key);
        self.principals()
            .filter(|(_, p)| match &p.kind {
                PrincipalKind::Login(LoginSource::AsymmetricKey(k)) => {
                    !key.certificate && fold(&k.value) == fold(&key.name)
                }
                PrincipalKind::Login(LoginSource::Certificate(k)) => {
                    key.certificate && fold(&k.value) == fold(&key.name)
                }
                _ => false,
            })
            .map(|(id, _)| id)
            .collect()
    }

    /// Server-scope permissions in the final state for a login (`UNSAFE ASSEMBLY`,
    /// `EXTERNAL ACCESS ASSEMBLY`, …), through its server roles too.
    pub fn server_grants_of(&self, login: PrincipalId) -> Vec<&Grant> {
        let mut holders = self.roles_of(login);
        holders.push(login);
        self.grants
            .iter()
            .filter(|g| g.scope == Scope::Server && !g.deny && holders.contains(&g.principal))
            .collect()
    }

    /// Every CLR module (`AS EXTERNAL NAME`).
    pub fn entry_points(&self) -> Vec<EntryPoint> {
        self.objects()
            .filter_map(|(id, object)| {
                let external = *self.module(id)?.external_name.clone()?;
                let assembly = self.assembly_named(&external.assembly.value);
                let location = Location {
                    file: self.item(object.statement).file,
                    range: external.range,
                };
                Some(EntryPoint {
                    object: id,
                    external,
                    assembly,
                    location,
                })
            })
            .collect()
    }

    // ---- options --------------------------------------------------------------------

    /// TRUSTWORTHY and DB_CHAINING: the final state and every setting.
    pub fn options(&self) -> &DatabaseOptions {
        &self.options
    }

    /// Every `sp_configure` call in apply order (module bodies excluded).
    pub fn server_configs(&self) -> &[ServerConfig] {
        &self.server_configs
    }

    /// The last `sp_configure` call that set `name` (lower case, one space between
    /// words, e.g. `clr strict security`).
    pub fn server_option(&self, name: &str) -> Option<&ServerConfig> {
        let name = names::normalize_option(name);
        self.server_configs
            .iter()
            .rev()
            .find(|c| c.name == name && c.value.is_some())
    }

    /// The `sp_add_trusted_assembly` calls in force in the final state, in apply order:
    /// an `sp_drop_trusted_assembly` of the same hash removes the entry.
    pub fn trusted_assemblies(&self) -> &[TrustedAssembly] {
        &self.trusted_assemblies
    }
}
