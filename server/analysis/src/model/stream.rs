//! The ordered statement stream of a project: files in `Project::scripts` order, `:r`
//! includes expanded in place (guarding against cycles), SQLCMD variables substituted
//! from the project's variables and the `:setvar` lines met so far, and each statement
//! marked with the database a `USE` switched its script to.
//!
//! The database context follows "Database context" in the catalogue: each script starts
//! in the project's own database (its `.sqlproj` name or `$(DatabaseName)`; for plain
//! scripts, the first database they `CREATE`, else the first user database they `USE`),
//! and `USE [db]` switches the statements after it, across `GO` batches and into `:r`
//! includes, until the script ends. A statement in another database is outside the model
//! (like a three-part name) unless it acts at server level: logins, server roles and
//! server permissions, `sp_configure`, the trusted assembly list, `ALTER DATABASE … SET`
//! (which names its database), and in `master` the keys and certificates that logins are
//! created from.

use std::collections::BTreeMap;

use syntax::ast::{
    Argument, ExecTarget, Expr, Ident, Module, QualifiedName, Statement, StatementKind,
};

use super::names::fold;
use super::{Item, Name};
use crate::diagnostic::FileId;
use crate::project::{Project, ScriptRole, Workspace};

/// The module body of a statement that defines a view, procedure, function or trigger.
pub(crate) fn module_of(statement: &Statement) -> Option<&Module> {
    match &statement.kind {
        StatementKind::CreateObject(create) => create.module.as_ref(),
        _ => None,
    }
}

/// The project's statements in apply order, and the names of the project's own database
/// (those the `DatabaseName` variable took, and for plain scripts the one they create or
/// first use).
pub(crate) fn build(workspace: &Workspace, project: &Project) -> (Vec<Item>, Vec<String>) {
    let mut variables: BTreeMap<String, String> = project
        .variables
        .iter()
        .map(|(name, value)| (fold(name), value.clone()))
        .collect();
    let mut database_names = Vec::new();
    if let Some(name) = variables.get("databasename") {
        database_names.push(name.clone());
    }
    let mut items = Vec::new();
    for script in &project.scripts {
        let mut stack = Vec::new();
        expand(
            workspace,
            project,
            script.file,
            script.file,
            script.role,
            &mut variables,
            &mut stack,
            &mut items,
        );
    }
    for (name, value) in &variables {
        if name == "databasename" && !database_names.contains(value) {
            database_names.push(value.clone());
        }
    }
    if project.kind == crate::project::ProjectKind::Scripts
        && let Some(own) = scripts_database(workspace, &items)
    {
        database_names.push(own);
    }
    mark_databases(&mut items, &project.name, &database_names);
    (items, database_names)
}

/// The system databases: a `USE` of one never names a plain-scripts folder's own.
const SYSTEM_DATABASES: &[&str] = &["master", "msdb", "model", "tempdb"];

/// A plain-scripts folder's own database: the first one its scripts create, else the
/// first user database they `USE`.
fn scripts_database(workspace: &Workspace, items: &[Item]) -> Option<String> {
    let created = items.iter().find_map(|item| {
        if !matches!(item.statement.kind, StatementKind::Other) {
            return None;
        }
        let text = workspace
            .files
            .get(item.file)
            .text
            .get(item.statement.range.as_range())?;
        created_database(text)
    });
    created.or_else(|| {
        items.iter().find_map(|item| match &item.statement.kind {
            StatementKind::Use { database }
                if !database.value.contains("$(")
                    && !SYSTEM_DATABASES.contains(&fold(&database.value).as_str()) =>
            {
                Some(database.value.to_string())
            }
            _ => None,
        })
    })
}

/// The database a `CREATE DATABASE name …` statement's text creates (the statement is
/// not lowered: only its name matters here).
fn created_database(text: &str) -> Option<String> {
    let mut words = text.split_whitespace();
    let create = words.next()?;
    let database = words.next()?;
    if !create.eq_ignore_ascii_case("CREATE") || !database.eq_ignore_ascii_case("DATABASE") {
        return None;
    }
    let name = words.next()?.trim_end_matches(';');
    let name = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .or_else(|| name.strip_prefix('"').and_then(|n| n.strip_suffix('"')))
        .unwrap_or(name);
    (!name.is_empty() && !name.contains("$(")).then(|| name.to_owned())
}

/// Marks each statement with the database its script's last `USE` switched to, when
/// that is not the project's own.
fn mark_databases(items: &mut [Item], project_name: &str, own: &[String]) {
    let is_own = |name: &str| {
        let name = fold(name.trim());
        name == fold(project_name) || own.iter().any(|o| fold(o) == name)
    };
    let mut script = None;
    let mut current: Option<Name> = None;
    for item in items {
        if script != Some(item.script) {
            script = Some(item.script);
            current = None;
        }
        item.database = current.clone();
        if let StatementKind::Use { database } = &item.statement.kind {
            // An SSMS template's `USE <database_name, sysname, AdventureWorks>` is filled
            // in with the database the template is for.
            let own = is_own(&database.value) || syntax::names::is_placeholder(&database.value);
            current = (!own).then(|| database.value.clone());
        }
    }
}

impl Item {
    /// True when the statement belongs to this project's model: it runs in the project's
    /// database, or it acts at server level, which means the same under any `USE`.
    pub fn in_model(&self) -> bool {
        match &self.database {
            None => true,
            Some(database) => server_level(&self.statement, fold(database) == "master"),
        }
    }
}

/// True for a statement whose meaning does not depend on the current database.
fn server_level(statement: &Statement, in_master: bool) -> bool {
    match &statement.kind {
        StatementKind::CreateLogin(_) | StatementKind::AlterDatabaseSet(_) => true,
        StatementKind::RoleMembership(membership) => membership.server,
        StatementKind::Permission(permission) => {
            let class = permission
                .securable
                .as_ref()
                .and_then(|s| s.class.as_deref());
            matches!(class, Some("SERVER" | "LOGIN" | "SERVER ROLE" | "ENDPOINT"))
                || (permission.securable.is_none()
                    && permission
                        .permissions
                        .iter()
                        .all(|p| super::build::SERVER_PERMISSIONS.contains(&p.name.as_str())))
        }
        // A login is created from a key or certificate in `master`.
        StatementKind::CreateKey(_) => in_master,
        StatementKind::Exec(exec) => match &exec.target {
            ExecTarget::Procedure { name, .. } => {
                let own = fold(&name.object().value);
                [
                    "sp_configure",
                    "sp_addsrvrolemember",
                    "sp_dropsrvrolemember",
                    "sp_add_trusted_assembly",
                    "sp_drop_trusted_assembly",
                ]
                .contains(&own.as_str())
            }
            _ => false,
        },
        _ => false,
    }
}

#[allow(clippy::too_many_arguments)]
fn expand(
    workspace: &Workspace,
    project: &Project,
    file: FileId,
    script: FileId,
    role: ScriptRole,
    variables: &mut BTreeMap<String, String>,
    stack: &mut Vec<FileId>,
    items: &mut Vec<Item>,
) {
    let Some(parsed) = workspace.scripts.get(&file) else {
        return;
    };
    stack.push(file);
    for (index, statement) in parsed.statements.iter().enumerate() {
        match &statement.kind {
            StatementKind::SetVar { name, value } => {
                match value {
                    Some(value) => {
                        variables.insert(fold(name), value.clone());
                    }
                    None => {
                        variables.remove(&fold(name));
                    }
                }
                items.push(Item {
                    file,
                    script,
                    role,
                    statement: statement.clone(),
                    database: None,
                });
            }
            StatementKind::Include { .. } => {
                items.push(Item {
                    file,
                    script,
                    role,
                    statement: statement.clone(),
                    database: None,
                });
                if let Some(&target) = project.includes.get(&(file, statement.range.start()))
                    && !stack.contains(&target)
                {
                    expand(
                        workspace, project, target, script, role, variables, stack, items,
                    );
                }
            }
            _ => {
                // Only a statement whose text has a `$(` can change: the rest are shared.
                let has_variable = parsed.has_variables.get(index).is_none_or(|&has| has);
                let statement = if has_variable && !variables.is_empty() {
                    let mut copy = Statement::clone(statement);
                    substitute_statement(&mut copy, variables);
                    std::sync::Arc::new(copy)
                } else {
                    statement.clone()
                };
                items.push(Item {
                    file,
                    script,
                    role,
                    statement,
                    database: None,
                });
            }
        }
    }
    stack.pop();
}

/// Replaces every known `$(Name)` in `text`; unknown variables stay as written.
pub(crate) fn substitute_text(text: &str, variables: &BTreeMap<String, String>) -> Option<String> {
    if !text.contains("$(") {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(start) = rest.find("$(") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find(')') {
            Some(end) => match variables.get(&fold(&after[..end])) {
                Some(value) => {
                    out.push_str(value);
                    changed = true;
                    rest = &after[end + 1..];
                }
                None => {
                    out.push_str(&rest[start..start + 2]);
                    rest = after;
                }
            },
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

struct Substitute<'a> {
    variables: &'a BTreeMap<String, String>,
}

impl Substitute<'_> {
    fn text(&self, text: &mut String) {
        if let Some(new) = substitute_text(text, self.variables) {
            *text = new;
        }
    }

    fn ident(&self, ident: &mut Ident) {
        if let Some(new) = substitute_text(&ident.value, self.variables) {
            ident.value = new.into();
        }
    }

    /// Substitutes the schema and object parts; the database and server parts stay as
    /// written so that a database named by a variable remains recognisable.
    fn name(&self, name: &mut QualifiedName) {
        let n = name.parts.len();
        for (i, part) in name.parts.iter_mut().enumerate() {
            if i + 2 >= n {
                self.ident(part);
            }
        }
    }

    fn expr(&self, expr: &mut Expr) {
        match expr {
            Expr::String(text, _) | Expr::Identifier(text, _) => self.text(text),
            Expr::Concat(parts, _) => parts.iter_mut().for_each(|e| self.expr(e)),
            Expr::Call { arguments, .. } => arguments.iter_mut().for_each(|e| self.expr(e)),
            Expr::Convert { value, .. } => self.expr(value),
            Expr::Case { results, .. } => results.iter_mut().for_each(|e| self.expr(e)),
            Expr::Method {
                target, arguments, ..
            } => {
                self.expr(target);
                arguments.iter_mut().for_each(|e| self.expr(e));
            }
            Expr::Subquery { columns, .. } => columns.iter_mut().for_each(|e| self.expr(e)),
            Expr::Number(..) | Expr::Variable(..) | Expr::Other { .. } | Expr::Column(..) => {}
        }
    }

    fn arguments(&self, arguments: &mut [Argument]) {
        for argument in arguments {
            self.expr(&mut argument.value);
        }
    }

    fn module(&self, module: &mut Module) {
        if let Some(name) = &mut module.trigger_target {
            self.name(name);
        }
        if let Some(external) = &mut module.external_name {
            self.ident(&mut external.assembly);
            if let Some(class) = &mut external.class {
                self.ident(class);
            }
            if let Some(method) = &mut external.method {
                self.ident(method);
            }
        }
        if let Some(clause) = &mut module.execute_as
            && let syntax::ast::ExecutionContext::User(name) = &mut clause.context
        {
            self.text(name);
        }
        for statement in &mut module.body {
            self.statement(statement);
        }
    }

    fn statement(&self, statement: &mut Statement) {
        for reference in &mut statement.references {
            self.name(&mut reference.name);
        }
        match &mut statement.kind {
            StatementKind::CreateUser(user) => {
                self.ident(&mut user.name);
                match &mut user.source {
                    syntax::ast::UserSource::Login(i)
                    | syntax::ast::UserSource::Certificate(i)
                    | syntax::ast::UserSource::AsymmetricKey(i) => self.ident(i),
                    _ => {}
                }
                if let Some(schema) = &mut user.default_schema {
                    self.ident(schema);
                }
            }
            StatementKind::CreateRole { name, owner, .. }
            | StatementKind::CreateSchema { name, owner } => {
                self.ident(name);
                if let Some(owner) = owner {
                    self.ident(owner);
                }
            }
            StatementKind::CreateLogin(login) => {
                self.ident(&mut login.name);
                match &mut login.source {
                    syntax::ast::LoginSource::Certificate(i)
                    | syntax::ast::LoginSource::AsymmetricKey(i) => self.ident(i),
                    _ => {}
                }
            }
            StatementKind::RoleMembership(membership) => {
                self.ident(&mut membership.role);
                self.ident(&mut membership.member);
            }
            StatementKind::CreateObject(create) => {
                self.name(&mut create.name);
                if let Some(target) = &mut create.synonym_for {
                    self.name(target);
                }
                if let Some(module) = &mut create.module {
                    self.module(module);
                }
            }
            StatementKind::AlterAuthorization(alter) => {
                self.name(&mut alter.securable);
                if let Some(owner) = &mut alter.owner {
                    self.ident(owner);
                }
            }
            StatementKind::CreateAssembly(assembly) => {
                self.ident(&mut assembly.name);
                if let Some(owner) = &mut assembly.owner {
                    self.ident(owner);
                }
            }
            StatementKind::CreateKey(key) => {
                self.ident(&mut key.name);
                if let Some(owner) = &mut key.owner {
                    self.ident(owner);
                }
                if let syntax::ast::KeySource::Assembly(i) = &mut key.source {
                    self.ident(i);
                }
            }
            StatementKind::Permission(permission) => {
                if let Some(securable) = &mut permission.securable {
                    self.name(&mut securable.name);
                    securable.columns.iter_mut().for_each(|c| self.ident(c));
                }
                for p in &mut permission.permissions {
                    p.columns.iter_mut().for_each(|c| self.ident(c));
                }
                permission.principals.iter_mut().for_each(|p| self.ident(p));
                if let Some(p) = &mut permission.as_principal {
                    self.ident(p);
                }
            }
            StatementKind::ExecuteAs(execute_as) => {
                if let Some(name) = &mut execute_as.name {
                    self.expr(name);
                }
            }
            StatementKind::SetUser { user: Some(user) } => self.text(user),
            StatementKind::Exec(exec) => match &mut exec.target {
                ExecTarget::Procedure { name, arguments } => {
                    self.name(name);
                    self.arguments(arguments);
                }
                ExecTarget::ProcedureVariable { arguments, .. } => self.arguments(arguments),
                ExecTarget::Dynamic { text } => self.expr(text),
            },
            StatementKind::Assign { value, .. } => self.expr(value),
            StatementKind::Signature(signature) => {
                self.name(&mut signature.module);
                signature
                    .keys
                    .iter_mut()
                    .for_each(|k| self.ident(&mut k.name));
            }
            StatementKind::TransferObject { schema, object, .. } => {
                self.ident(schema);
                self.name(object);
            }
            StatementKind::DropObject { names } => names.iter_mut().for_each(|n| self.name(n)),
            StatementKind::AlterDatabaseSet(_)
            | StatementKind::Revert
            | StatementKind::SetUser { user: None }
            | StatementKind::Dml
            | StatementKind::FillTableVariable { .. }
            | StatementKind::Declare(_)
            | StatementKind::DeclareCursor { .. }
            | StatementKind::Fetch { .. }
            | StatementKind::If { .. }
            | StatementKind::While { .. }
            | StatementKind::TryCatch { .. }
            | StatementKind::Jump(_)
            | StatementKind::Include { .. }
            | StatementKind::SetVar { .. }
            | StatementKind::Other => {}
            // `USE [$(DatabaseName)]` is the project's own database.
            StatementKind::Use { database } => self.ident(database),
        }
    }
}

fn substitute_statement(statement: &mut Statement, variables: &BTreeMap<String, String>) {
    Substitute { variables }.statement(statement);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_variables_are_replaced_and_unknown_ones_kept() {
        let variables = BTreeMap::from([("approle".to_owned(), "app_role".to_owned())]);
        assert_eq!(
            substitute_text("[$(AppRole)]_$(Other)", &variables).as_deref(),
            Some("[app_role]_$(Other)")
        );
        assert_eq!(substitute_text("plain", &variables), None);
        assert_eq!(substitute_text("$(Other", &variables), None);
    }
}
