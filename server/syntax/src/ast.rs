//! The lowered syntax tree: plain, owned data describing what a script says, in the
//! terms the security model needs.
//!
//! [`lower`](crate::lower) walks a tree-sitter tree once and produces a [`Script`]. Nothing
//! here borrows the tree or spells a node kind, so the analysis never touches tree-sitter.
//! Every fact carries its [`TextRange`] (byte offsets into the decoded text of the file it
//! came from), so each finding can point at the right place.
//!
//! Names keep SQLCMD references (`$(Var)`) as written; the analysis substitutes variables,
//! because their values depend on the project and the order of `:setvar` lines.

use std::fmt;

/// A half-open byte range `start..end` into the decoded text of one file.
///
/// The offsets are kept as `u32`, which halves the size of every name, statement and
/// location the analysis keeps; loading refuses a file of 4 GiB or more
/// ([`MAX_FILE_LEN`]), so every offset fits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextRange {
    start: u32,
    end: u32,
}

/// The longest text whose offsets a [`TextRange`] holds.
pub const MAX_FILE_LEN: usize = u32::MAX as usize;

impl TextRange {
    /// Offsets past [`MAX_FILE_LEN`] (which loading never lets through) are clamped to it.
    pub fn new(start: usize, end: usize) -> Self {
        let offset = |at: usize| u32::try_from(at).unwrap_or(u32::MAX);
        Self {
            start: offset(start),
            end: offset(end),
        }
    }

    pub fn start(self) -> usize {
        self.start as usize
    }

    pub fn end(self) -> usize {
        self.end as usize
    }

    /// The same range with another start.
    pub fn with_start(self, start: usize) -> Self {
        TextRange::new(start, self.end())
    }

    /// `start..end`, for slicing the text.
    pub fn as_range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }

    /// The smallest range covering both.
    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn contains(self, offset: usize) -> bool {
        self.start() <= offset && offset < self.end()
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// The text of a name part or a column. Most are short (`dbo`, `Orders`, `amount`), and a
/// `CompactString` holds up to 24 bytes inline, where a `String` would allocate: the lowered
/// tree of a large project holds millions of them.
pub type Name = compact_str::CompactString;

/// One part of a name, such as `[Sales Data]`, `"x"` or `dbo`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    /// The part with its quoting removed (`]]` and `""` undoubled), case preserved.
    pub value: Name,
    /// Where the part stands, quotes included.
    pub range: TextRange,
}

/// A name of one to four parts (`server.database.schema.object`); `db..obj` keeps an
/// empty schema part, whose `value` is empty. The one-part name of a `CREATE SCHEMA`
/// element (`CREATE SCHEMA s CREATE TABLE t …`) gets the new schema as its first part,
/// whose range is in the `CREATE SCHEMA` statement; `range` stays where the name stands.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct QualifiedName {
    pub parts: Vec<Ident>,
    pub range: TextRange,
}

impl QualifiedName {
    /// The last part: the object's own name.
    pub fn object(&self) -> &Ident {
        self.parts
            .last()
            .expect("a qualified name has at least one part")
    }

    /// The schema part, when written and not empty.
    pub fn schema(&self) -> Option<&Ident> {
        let n = self.parts.len();
        (n >= 2)
            .then(|| &self.parts[n - 2])
            .filter(|ident| !ident.value.is_empty())
    }

    /// The database part, when written.
    pub fn database(&self) -> Option<&Ident> {
        let n = self.parts.len();
        (n >= 3).then(|| &self.parts[n - 3])
    }

    /// The server part, when written (a linked server).
    pub fn server(&self) -> Option<&Ident> {
        (self.parts.len() == 4).then(|| &self.parts[0])
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<&str> = self.parts.iter().map(|p| p.value.as_str()).collect();
        f.write_str(&parts.join("."))
    }
}

/// A parsed and lowered file.
#[derive(Clone, Debug, Default)]
pub struct Script {
    /// Top-level statements in text order, across all `GO` batches.
    pub statements: Vec<Statement>,
    /// The ranges of the `GO` batches, in order.
    pub batches: Vec<TextRange>,
    /// Comments, for suppressions: the range and the text without `--` or `/* */`.
    pub comments: Vec<Comment>,
}

impl Script {
    /// Appends the statements, batches and comments of a script of a later part of the
    /// same text.
    pub fn append(&mut self, part: Script) {
        self.statements.extend(part.statements);
        self.batches.extend(part.batches);
        self.comments.extend(part.comments);
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub range: TextRange,
    pub text: String,
}

/// One statement. Inside a module body, nested blocks (`BEGIN…END`, `IF`, `WHILE`,
/// `TRY…CATCH`) are flattened into the body's list in text order, so every statement a
/// module can run is visited once. The heads ([`StatementKind::If`],
/// [`StatementKind::While`], [`StatementKind::TryCatch`]) say which of the statements after
/// them each part holds, by range, for the rules that follow the control flow.
#[derive(Clone, Debug)]
pub struct Statement {
    pub range: TextRange,
    pub kind: StatementKind,
    /// Every static object reference anywhere in the statement (subqueries, CTE bodies,
    /// `EXEC` targets, function calls), with the access it needs. Names that the
    /// statement itself defines as CTEs, and `@table` variables and `#temp` tables, are
    /// left out. A `CREATE` of a module has none: its references are on the statements of
    /// [`Module::body`]. An `IF`/`WHILE` head carries its condition's references; the
    /// statements it guards follow it as statements of their own.
    pub references: Vec<Reference>,
}

#[derive(Clone, Debug)]
pub enum StatementKind {
    // ---- principals -------------------------------------------------------------------
    CreateUser(Box<CreateUser>),
    CreateRole {
        name: Ident,
        owner: Option<Box<Ident>>,
        application: bool,
    },
    CreateLogin(Box<CreateLogin>),
    /// `ALTER ROLE r ADD|DROP MEMBER m`, `ALTER SERVER ROLE …`; the `sp_addrolemember`
    /// family arrives as [`StatementKind::Exec`] and is interpreted by the analysis.
    /// (`CREATE SERVER ROLE` is `Other`: a server role is not a database principal.)
    RoleMembership(Box<RoleMembership>),

    // ---- schemas, objects, ownership --------------------------------------------------
    CreateSchema {
        name: Ident,
        owner: Option<Box<Ident>>,
    },
    /// `CREATE`/`ALTER`/`CREATE OR ALTER` of a table, view, module, type, sequence,
    /// synonym or queue. `SELECT … INTO t` (t not a `#temp` table) also creates a table:
    /// it lowers to its `Dml` statement followed by a `CreateObject` of `t` (a table with
    /// no module) with the same range.
    CreateObject(Box<CreateObject>),
    AlterAuthorization(Box<AlterAuthorization>),

    // ---- CLR and keys -----------------------------------------------------------------
    CreateAssembly(Box<CreateAssembly>),
    /// `CREATE ASYMMETRIC KEY` / `CREATE CERTIFICATE`.
    CreateKey(Box<CreateKey>),

    // ---- permissions ------------------------------------------------------------------
    Permission(Box<PermissionStatement>),

    // ---- options ----------------------------------------------------------------------
    AlterDatabaseSet(Box<AlterDatabaseSet>),

    // ---- execution context ------------------------------------------------------------
    /// `EXECUTE AS USER|LOGIN|CALLER …` as a statement.
    ExecuteAs(Box<ExecuteAsStatement>),
    /// `REVERT [WITH COOKIE = @c]`.
    Revert,
    /// `SETUSER ['name']`.
    SetUser {
        user: Option<String>,
    },

    // ---- code -------------------------------------------------------------------------
    /// `EXEC proc …`, `EXEC @rc = proc …`, `EXEC (…)`, `EXEC sp_executesql …`.
    Exec(Box<Exec>),
    /// `DECLARE @v … = expr`, `SET @v = expr`, `SELECT @v = expr`: one statement per
    /// assigned variable (all with the statement's range; the statement's references go
    /// with the first).
    Assign {
        /// Lower-cased, with its `@`.
        variable: String,
        /// The value; when `append` is set, what is appended (`x` in `@v = @v + x`).
        /// `SET @v -= x` and the other compound operators give an `Expr::Other` that
        /// lists `@v` among its variables.
        value: Box<Expr>,
        /// `SET @v += expr` and `SET`/`SELECT @v = @v + …` append rather than replace.
        append: bool,
    },
    /// A query or DML statement; its objects are in [`Statement::references`].
    Dml,
    /// `INSERT [INTO] @t … SELECT …`, after its `Dml`: the table variable filled, the
    /// variables the query compares with `=` to a column (see [`Expr::Subquery`]), and
    /// the table variables it reads (whose rows prove what theirs did).
    FillTableVariable {
        table: String,
        compared: Box<[String]>,
        sources: Box<[String]>,
    },

    // ---- data flow in module bodies --------------------------------------------------
    /// `DECLARE @v type [= value]`: one per variable, before its `Assign`.
    /// (`DECLARE @t TABLE (…)` has the type `table`, `DECLARE @c CURSOR` the type
    /// `cursor`.)
    Declare(Box<Declaration>),
    /// `DECLARE c CURSOR … FOR query` and `SET @c = CURSOR … FOR query`: the cursor's
    /// name (lower-cased; with its `@` for a cursor variable) and the values of the
    /// query's select list, in order (empty when they cannot be told, as for `*`).
    DeclareCursor {
        name: String,
        columns: Vec<Expr>,
    },
    /// `FETCH … FROM c INTO @a, @b`: the cursor (lower-cased) and the variables, in order.
    Fetch {
        cursor: String,
        into: Vec<String>,
    },
    /// The head of `IF condition … [ELSE …]`: the statements it guards follow it, those
    /// inside `consequence` first, then those inside `alternative`.
    If {
        condition: Box<Condition>,
        consequence: TextRange,
        alternative: Option<TextRange>,
    },
    /// The head of `WHILE condition …`: the statements inside `body` follow it.
    While {
        condition: Box<Condition>,
        body: TextRange,
    },
    /// `BEGIN TRY … END TRY BEGIN CATCH … END CATCH`: the statements inside
    /// `try_block`, then those inside `catch_block`, follow it.
    TryCatch {
        try_block: TextRange,
        catch_block: TextRange,
    },
    /// `RETURN`, `THROW`, `BREAK`, `CONTINUE`, `RAISERROR`: control may leave the
    /// statement's block.
    Jump(Jump),

    // ---- script-level -----------------------------------------------------------------
    /// `:r path`.
    Include {
        path: String,
    },
    /// `:setvar name [value]`.
    SetVar {
        name: String,
        value: Option<String>,
    },
    /// `USE db`.
    Use {
        database: Ident,
    },

    // ---- signatures, transfers and drops (the model's lifetime semantics) --------------
    /// `ADD [COUNTER] SIGNATURE TO [class::]module BY …` and `DROP [COUNTER] SIGNATURE
    /// FROM [class::]module BY …`.
    Signature(Box<SignatureStatement>),
    /// `ALTER SCHEMA s TRANSFER [class::]name`.
    TransferObject {
        schema: Box<Ident>,
        /// The class before `::` in upper case (`OBJECT`, `TYPE`, …); `None` when omitted.
        class: Option<Name>,
        object: Box<QualifiedName>,
    },
    /// `DROP TABLE|VIEW|PROCEDURE|FUNCTION|TRIGGER|TYPE|SYNONYM|SEQUENCE|AGGREGATE
    /// [IF EXISTS] name [, …]`: the objects dropped.
    DropObject {
        names: Vec<QualifiedName>,
    },

    /// Anything else, kept so that ranges and counts stay honest.
    Other,
}

/// `ADD SIGNATURE` / `DROP SIGNATURE`, with or without `COUNTER`.
#[derive(Clone, Debug)]
pub struct SignatureStatement {
    /// `ADD` rather than `DROP`.
    pub add: bool,
    /// `COUNTER SIGNATURE`.
    pub counter: bool,
    pub module: QualifiedName,
    /// The certificates and asymmetric keys after `BY`.
    pub keys: Vec<SigningKey>,
}

/// One `CERTIFICATE c` or `ASYMMETRIC KEY k` of a signature statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningKey {
    pub certificate: bool,
    pub name: Ident,
}

#[derive(Clone, Debug)]
pub struct CreateUser {
    pub name: Ident,
    pub source: UserSource,
    pub default_schema: Option<Ident>,
    /// `ALTER USER` rather than `CREATE USER`.
    pub alter: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserSource {
    /// `FOR|FROM LOGIN x`, or no clause at all (then the login has the user's name).
    Login(Ident),
    WithoutLogin,
    Certificate(Ident),
    AsymmetricKey(Ident),
    /// A contained database user `WITH PASSWORD`: authenticated by SQL Server, like a
    /// SQL Server login.
    Password,
    /// `FROM EXTERNAL PROVIDER`, or an `ALTER USER … WITH PASSWORD`.
    Other,
    /// `ALTER USER` that does not change the user's login (`WITH DEFAULT_SCHEMA = …`).
    Unchanged,
}

#[derive(Clone, Debug)]
pub struct CreateLogin {
    pub name: Ident,
    pub source: LoginSource,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginSource {
    Password,
    Windows,
    Certificate(Ident),
    AsymmetricKey(Ident),
    Other,
}

#[derive(Clone, Debug)]
pub struct RoleMembership {
    pub role: Ident,
    pub member: Ident,
    pub add: bool,
    /// `ALTER SERVER ROLE`.
    pub server: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    Table,
    View,
    Procedure,
    /// A scalar function.
    ScalarFunction,
    InlineTableFunction,
    /// A multi-statement table-valued function, or a CLR one (`RETURNS TABLE (cols)`).
    MultiStatementTableFunction,
    Trigger,
    Type,
    Aggregate,
    Sequence,
    Synonym,
    /// A Service Broker queue (`CREATE QUEUE`): a schema-scoped object that `GRANT
    /// RECEIVE ON s.q` names like a table.
    Queue,
}

#[derive(Clone, Debug)]
pub struct CreateObject {
    pub kind: ObjectKind,
    pub name: QualifiedName,
    /// `ALTER` (or `CREATE OR ALTER`) rather than a plain `CREATE`.
    pub alter: bool,
    /// Present for views, procedures, functions and triggers; for CLR types and
    /// aggregates, a module that carries only the `external_name`.
    pub module: Option<Module>,
    /// For a synonym, the object it stands for.
    pub synonym_for: Option<QualifiedName>,
}

/// The executable part of a view, procedure, function or trigger.
#[derive(Clone, Debug, Default)]
pub struct Module {
    /// `WITH EXECUTE AS …` in the module's header.
    pub execute_as: Option<ExecuteAsClause>,
    /// `AS EXTERNAL NAME a.[b.c].d`: a CLR module, which has no T-SQL body.
    pub external_name: Option<Box<ExternalName>>,
    /// Parameter names with their `@`, lower-cased.
    pub parameters: Vec<String>,
    /// The parameters with their declared types, in order (empty for a header the
    /// grammar could not finish).
    pub parameter_declarations: Vec<Declaration>,
    /// For a DML trigger, the table or view it is on and its events; for a DDL trigger,
    /// `ON DATABASE` / `ON ALL SERVER` is in `trigger_scope`.
    pub trigger_target: Option<QualifiedName>,
    pub trigger_events: Vec<Access>,
    pub trigger_scope: Option<TriggerScope>,
    /// The body's statements, flattened (see [`Statement`]). A view's or an inline
    /// function's query is one `Dml` statement.
    pub body: Vec<Statement>,
    /// The header up to (not including) the `AS` before the body, where findings about
    /// the module as a whole point.
    pub header_range: TextRange,
}

/// A parameter or variable with its declared type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declaration {
    /// Lower-cased, with its `@`.
    pub name: String,
    /// The type as written, lower-cased, with its length and schema (`nvarchar(100)`,
    /// `sys.sysname`); `table` for a table variable, `cursor` for a cursor variable.
    pub data_type: String,
    /// The whole declaration (name, type, default).
    pub range: TextRange,
}

/// A statement that leaves its block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jump {
    /// `RETURN [value]`: leaves the module.
    Return,
    /// `THROW …`: leaves for the enclosing `CATCH` block, else the module.
    Throw,
    /// `BREAK`: leaves the innermost `WHILE`.
    Break,
    /// `CONTINUE`: back to the innermost `WHILE`'s condition.
    Continue,
    /// `RAISERROR (msg, severity, state …)`: with a severity of 11 or more it leaves a
    /// `TRY` block for its `CATCH` block; outside one, execution goes on (up to 19) or the
    /// connection ends (20 and more, `WITH LOG`). `None` when the severity is not a
    /// literal.
    Raiserror { severity: Option<u32> },
}

/// An `IF` or `WHILE` condition, in the shapes that tell something about a variable.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// `a AND b AND …`.
    And(Vec<Condition>),
    /// `a OR b OR …`.
    Or(Vec<Condition>),
    Not(Box<Condition>),
    /// `value [NOT] IN (…)`: a list of literals only, or a subquery (`query`).
    InList {
        value: Expr,
        negated: bool,
        query: bool,
    },
    /// `a = b` (`equal`), `a <> b` / `a != b`.
    Compare {
        left: Expr,
        right: Expr,
        equal: bool,
    },
    /// `value IS [NOT] NULL`.
    IsNull {
        value: Expr,
        negated: bool,
    },
    /// `[NOT] EXISTS (subquery)`: the variables the subquery compares with `=` to a
    /// column (`WHERE name = @p`).
    Exists {
        negated: bool,
        compared: Vec<String>,
        /// The `@table` variables the subquery reads (`EXISTS (SELECT * FROM @t)`).
        tables: Vec<String>,
    },
    /// Anything else.
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TriggerScope {
    Database,
    AllServer,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecuteAsClause {
    pub context: ExecutionContext,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExecutionContext {
    Caller,
    SelfUser,
    Owner,
    /// `EXECUTE AS 'name'`.
    User(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalName {
    pub assembly: Ident,
    /// The class part, unquoted (`Ns.Class` for `[Ns.Class]`); absent for types whose
    /// external name is `Assembly.Class`.
    pub class: Option<Ident>,
    pub method: Option<Ident>,
    pub range: TextRange,
}

#[derive(Clone, Debug)]
pub struct AlterAuthorization {
    /// The class before `::` in upper case (`SCHEMA`, `OBJECT`, `ASSEMBLY`, `DATABASE`,
    /// `ROLE`…); `None` when omitted (an object).
    pub class: Option<Name>,
    pub securable: QualifiedName,
    /// The new owner; `None` for `SCHEMA OWNER`.
    pub owner: Option<Ident>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PermissionSet {
    Safe,
    ExternalAccess,
    Unsafe,
}

#[derive(Clone, Debug)]
pub struct CreateAssembly {
    pub name: Ident,
    pub owner: Option<Ident>,
    /// The declared permission set and where it is written.
    pub permission_set: Option<(PermissionSet, TextRange)>,
    pub from: Vec<AssemblySource>,
    /// `ALTER ASSEMBLY`.
    pub alter: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssemblySource {
    /// `FROM 'C:\path\x.dll'` or a UNC path.
    Path(String, TextRange),
    /// `FROM 0x4D5A…`: the hexadecimal text, without `0x`.
    Bits(String, TextRange),
    /// A variable or another expression.
    Other(TextRange),
}

#[derive(Clone, Debug)]
pub struct CreateKey {
    pub name: Ident,
    pub certificate: bool,
    pub source: KeySource,
    pub owner: Option<Ident>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    Assembly(Ident),
    File(String),
    ExecutableFile(String),
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PermissionAction {
    Grant,
    Deny,
    Revoke,
}

#[derive(Clone, Debug)]
pub struct PermissionStatement {
    pub action: PermissionAction,
    pub permissions: Vec<Permission>,
    /// `ON [class::]securable`; `None` for database-scope (or server-scope) permissions.
    pub securable: Option<Securable>,
    pub principals: Vec<Ident>,
    pub with_grant_option: bool,
    /// `REVOKE GRANT OPTION FOR`.
    pub grant_option_for: bool,
    pub cascade: bool,
    pub as_principal: Option<Ident>,
}

#[derive(Clone, Debug)]
pub struct Permission {
    /// Upper case, words separated by one space: `EXECUTE`, `VIEW DEFINITION`,
    /// `ALTER ANY USER`, `UNSAFE ASSEMBLY`, `ALL`.
    pub name: Name,
    /// `SELECT (a, b)`: the columns, when listed.
    pub columns: Vec<Ident>,
    pub range: TextRange,
}

#[derive(Clone, Debug)]
pub struct Securable {
    /// The class before `::` in upper case (`SCHEMA`, `OBJECT`, `USER`, `LOGIN`,
    /// `ASSEMBLY`, `DATABASE`, `ROLE`, `TYPE`, `CERTIFICATE`…); `None` when omitted.
    pub class: Option<Name>,
    pub name: QualifiedName,
    /// `ON t (a, b)`: columns after the securable.
    pub columns: Vec<Ident>,
}

#[derive(Clone, Debug)]
pub struct AlterDatabaseSet {
    /// `None` for `CURRENT`.
    pub database: Option<Ident>,
    pub options: Vec<DatabaseOption>,
}

#[derive(Clone, Debug)]
pub struct DatabaseOption {
    /// Upper case: `TRUSTWORTHY`, `DB_CHAINING`, …
    pub name: String,
    /// Upper case: `ON`, `OFF`, or the value as written.
    pub value: String,
    pub range: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExecuteAsKind {
    User,
    Login,
    Caller,
}

#[derive(Clone, Debug)]
pub struct ExecuteAsStatement {
    pub kind: ExecuteAsKind,
    /// The principal's name; `None` for `CALLER`.
    pub name: Option<Expr>,
    pub no_revert: bool,
    pub cookie: bool,
}

#[derive(Clone, Debug)]
pub struct Exec {
    pub target: ExecTarget,
    /// `AT linked_server`.
    pub at_server: Option<Ident>,
    /// The `EXEC` keyword's range, where IMP004 points (for `EXEC sp_executesql`, the
    /// keyword and the procedure's name).
    pub keyword_range: TextRange,
    /// `EXEC @rc = p`: the variable that receives the return status, lower-cased.
    pub return_status: Option<String>,
}

#[derive(Clone, Debug)]
pub enum ExecTarget {
    /// `EXEC name args` (including `sp_executesql`, `sp_configure`, `sp_addrolemember`).
    Procedure {
        name: QualifiedName,
        arguments: Vec<Argument>,
    },
    /// `EXEC @procvar args`: the procedure's name is in a variable.
    ProcedureVariable {
        variable: String,
        arguments: Vec<Argument>,
    },
    /// `EXEC (expr + expr …)`.
    Dynamic { text: Expr },
}

#[derive(Clone, Debug)]
pub struct Argument {
    /// `@name =`, lower-cased, with its `@`.
    pub name: Option<String>,
    pub value: Expr,
    pub output: bool,
    pub range: TextRange,
}

/// The little of an expression that the rules need: literals, variables, string
/// concatenation and calls.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A string literal's value (quotes removed, `''` undoubled, `N` prefix dropped).
    String(String, TextRange),
    /// A number or other literal, as written.
    Number(String, TextRange),
    /// `@v`, lower-cased, with its `@`.
    Variable(String, TextRange),
    /// `a + b + …`: the flattened operands of `+`.
    Concat(Vec<Expr>, TextRange),
    /// `f(args)`: the name in lower case as written (`quotename`, `dbo.f`).
    Call {
        name: String,
        arguments: Vec<Expr>,
        range: TextRange,
    },
    /// A bare identifier or `DEFAULT` (`EXEC sp_configure show_advanced`), a one-part
    /// name unquoted (`[db_owner]` is `db_owner`).
    Identifier(String, TextRange),
    /// Anything else (arithmetic, a comparison …), keeping the variables it uses.
    Other {
        variables: Vec<String>,
        range: TextRange,
    },
    /// A column (`name`, `t.name`), as written: a value read from a table, a view or a
    /// table variable.
    Column(String, TextRange),
    /// `(SELECT …)` used as a value: the values of its select list, in order (empty when
    /// they cannot be told, as for `*` or a `UNION`), and the variables it uses.
    Subquery {
        columns: Vec<Expr>,
        variables: Vec<String>,
        /// The variables its `WHERE` compares with `=` to a column, also through
        /// `OBJECT_ID(@p)` (`WHERE object_id = OBJECT_ID(@t) AND name = @i`): a row found
        /// proves they name something that exists.
        compared: Vec<String>,
        range: TextRange,
    },
    /// `CAST(x AS t)`, `TRY_CAST`, `CONVERT(t, x [, style])`, `TRY_CONVERT`: the target
    /// type as written, lower-cased (`nvarchar(10)`).
    Convert {
        data_type: String,
        value: Box<Expr>,
        range: TextRange,
    },
    /// `CASE … THEN a … [ELSE b] END`: its results (the conditions give no value).
    Case {
        results: Vec<Expr>,
        range: TextRange,
    },
    /// `x.value('path', 'type')`, `x.query(…)`, `x.exist(…)` on an XML value: the
    /// method's name in lower case.
    Method {
        target: Box<Expr>,
        name: String,
        arguments: Vec<Expr>,
        range: TextRange,
    },
}

impl Expr {
    pub fn range(&self) -> TextRange {
        match self {
            Expr::String(_, r)
            | Expr::Number(_, r)
            | Expr::Variable(_, r)
            | Expr::Concat(_, r)
            | Expr::Identifier(_, r) => *r,
            Expr::Column(_, r) => *r,
            Expr::Call { range, .. }
            | Expr::Other { range, .. }
            | Expr::Subquery { range, .. }
            | Expr::Convert { range, .. }
            | Expr::Case { range, .. }
            | Expr::Method { range, .. } => *range,
        }
    }

    /// The text of a string, number or identifier literal.
    pub fn literal_text(&self) -> Option<&str> {
        match self {
            Expr::String(s, _) | Expr::Number(s, _) | Expr::Identifier(s, _) => Some(s),
            _ => None,
        }
    }
}

/// The kind of access a reference needs. `References` is never produced by the lowering
/// (it is what `EXTERNAL NAME` needs on an assembly; the analysis derives that).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Access {
    Execute,
    Select,
    Insert,
    Update,
    Delete,
    References,
}

impl Access {
    pub fn permission_name(self) -> &'static str {
        match self {
            Access::Execute => "EXECUTE",
            Access::Select => "SELECT",
            Access::Insert => "INSERT",
            Access::Update => "UPDATE",
            Access::Delete => "DELETE",
            Access::References => "REFERENCES",
        }
    }
}

/// A static reference from code to an object.
#[derive(Clone, Debug)]
pub struct Reference {
    pub name: QualifiedName,
    pub access: Access,
    /// The columns the reference uses, when they can be told (`None` for `*` or an
    /// unknown set): unquoted, as first written, without repeats. For UPDATE the
    /// columns set, for INSERT the column list, for SELECT the columns read in the
    /// statement's query scope (through the table's alias or name, or unqualified when
    /// it is the scope's only table). DELETE and EXECUTE have `None`. Shared, so that
    /// the model's reaches through the reference hold the same list.
    pub columns: Option<std::sync::Arc<[Name]>>,
    /// Where the referenced name stands (what PRM001/PRM002/PRM004 point at).
    pub range: TextRange,
}
