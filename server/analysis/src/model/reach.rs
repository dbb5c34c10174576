//! Ownership chains: every permission check that a granted principal's calls make.
//!
//! From each entry point (a procedure or scalar function granted EXECUTE, a view or
//! table-valued function granted SELECT, a DML trigger whose table a principal may
//! INSERT/UPDATE/DELETE) the walk follows static references transitively: into called
//! modules, selected views and functions, and the triggers that DML on a table fires. At
//! each module the execution context switches when the module says `EXECUTE AS`; each
//! reference is recorded with the context whose permissions count and whether the
//! ownership chain holds. Inside known dynamic SQL chaining never applies; only the
//! statements the dynamic batch itself runs count (not the body of a module it creates),
//! and a batch run in another database (`otherdb.sys.sp_executesql`, `USE otherdb`) is
//! outside the model. Where a check fails for the context (a broken chain or dynamic
//! SQL, and the context lacks the permission), the statement fails there: the walk does
//! not follow it into the callee, the view or the triggers behind it. Each
//! (module, context) pair is walked once, so a call site is reported once per context
//! whatever the number of paths to it, and cycles end.
//!
//! Inside a module body the context is a stack: `EXECUTE AS USER = 'x'` pushes `x`,
//! `EXECUTE AS CALLER` pushes the module's caller and `REVERT` pops, for the statements
//! after them (and inside dynamic SQL, from where its `EXEC` stands). A module signed with
//! a certificate or asymmetric key adds the permissions of the user created from that key
//! while it runs, its dynamic SQL included; the signature is lost in a called module
//! unless that module is counter-signed with the same key. Every member of a granted
//! role that a DENY may treat differently from the role (a DENY to the member or to
//! another of its roles) is walked as a context of its own.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use syntax::ast::{
    Access, ExecuteAsKind, ExecuteAsStatement, Expr, ObjectKind, QualifiedName, Statement,
    StatementKind,
};

use super::dynamic::known_dynamic_sql;
use super::{
    Chain, Evidence, Executor, Model, ObjectId, PrincipalId, Reach, ReachAside, Resolved, RunsAs,
};
use crate::diagnostic::Location;

/// The execution context an `EXECUTE AS` statement of a module body puts in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame {
    /// `EXECUTE AS CALLER`: the context the module was called in.
    Caller,
    /// `EXECUTE AS USER = 'x'`; `None` for a user the model does not know (or a name
    /// that is not a literal, or `EXECUTE AS LOGIN`): nothing is checked then.
    User(Option<PrincipalId>),
}

/// A reference found in a module: static, or inside known dynamic SQL.
#[derive(Clone, Debug)]
struct Found<'m> {
    /// Borrowed from the module's statements, or from the model's parse of its dynamic
    /// SQL.
    name: &'m QualifiedName,
    access: Access,
    /// Shared with the reference, and by every reach through it (one per executor).
    columns: Option<Arc<[syntax::Name]>>,
    location: Location,
    /// Where the reference is not in the module's own context, or is in dynamic SQL:
    /// boxed, since most references are neither (the cache of a large project's
    /// references is live while every chain is walked).
    aside: Option<Box<Aside>>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Aside {
    dynamic: Option<Location>,
    /// The `EXECUTE AS` statement in force there, and where it stands; `None` for the
    /// module's own context.
    frame: Option<(Frame, Location)>,
}

impl Found<'_> {
    /// For a reference inside dynamic SQL, the `EXEC`/`sp_executesql` statement.
    fn dynamic(&self) -> Option<Location> {
        self.aside.as_ref().and_then(|aside| aside.dynamic)
    }

    /// The `EXECUTE AS` statement in force at the reference, and where it stands.
    fn frame(&self) -> Option<(Frame, Location)> {
        self.aside.as_ref().and_then(|aside| aside.frame)
    }
}

impl Aside {
    /// The box a reference holds: none when both are `None`.
    fn boxed(self) -> Option<Box<Aside>> {
        (self != Aside::default()).then(|| Box::new(self))
    }
}

/// A signing key: certificate or not, and its folded name.
type SigningKey = (bool, String);

/// What one walk of a module depends on: the module, its context, the caller's context
/// when the body switches back to it, and the signing keys in force.
type Visit = (
    ObjectId,
    Option<PrincipalId>,
    Option<Option<PrincipalId>>,
    Vec<SigningKey>,
);

struct Walker<'m> {
    model: &'m Model,
    visited: HashSet<Visit>,
    references: HashMap<ObjectId, std::rc::Rc<[Found<'m>]>>,
    out: Vec<Reach>,
}

/// The frame an `EXECUTE AS` statement pushes.
fn frame_of(model: &Model, execute: &ExecuteAsStatement) -> Frame {
    match execute.kind {
        ExecuteAsKind::Caller => Frame::Caller,
        ExecuteAsKind::Login => Frame::User(None),
        ExecuteAsKind::User => Frame::User(match &execute.name {
            Some(Expr::String(name, _)) => model.database_principal(name).filter(|p| {
                !matches!(
                    model.principal(*p).kind,
                    super::PrincipalKind::Undeclared { .. }
                )
            }),
            _ => None,
        }),
    }
}

/// Follows `EXECUTE AS`/`REVERT` statements as a stack: the frame in force at each
/// statement, starting from `stack`.
fn frames<'s>(
    model: &Model,
    statements: impl Iterator<Item = &'s Statement>,
    mut stack: Vec<(Frame, Location)>,
    at: impl Fn(syntax::TextRange) -> Location,
) -> Vec<Option<(Frame, Location)>> {
    let mut out = Vec::new();
    for statement in statements {
        match &statement.kind {
            StatementKind::ExecuteAs(execute) => {
                stack.push((frame_of(model, execute), at(statement.range)));
            }
            StatementKind::Revert => {
                stack.pop();
            }
            _ => {}
        }
        out.push(stack.last().copied());
    }
    out
}

/// The permission that makes an object an entry point, when it is one.
fn entry_permission(kind: ObjectKind) -> Option<&'static str> {
    match kind {
        ObjectKind::Procedure | ObjectKind::ScalarFunction => Some("EXECUTE"),
        ObjectKind::View
        | ObjectKind::InlineTableFunction
        | ObjectKind::MultiStatementTableFunction => Some("SELECT"),
        _ => None,
    }
}

/// True for objects whose body runs when referenced.
fn has_body(kind: ObjectKind) -> bool {
    matches!(
        kind,
        ObjectKind::Procedure
            | ObjectKind::ScalarFunction
            | ObjectKind::View
            | ObjectKind::InlineTableFunction
            | ObjectKind::MultiStatementTableFunction
    )
}

pub(crate) fn compute(model: &Model) -> Vec<Reach> {
    let mut walker = Walker {
        model,
        visited: HashSet::new(),
        references: HashMap::new(),
        out: Vec::new(),
    };
    let mut deny = DenyMembers::new(model);
    for (id, object) in model.objects() {
        let Some(permission) = entry_permission(object.kind) else {
            continue;
        };
        for executor in with_members(&mut deny, model.executors(id, permission), id, permission) {
            if walker.always_allowed(executor.principal) {
                continue;
            }
            let context = Some(executor.principal);
            walker.walk(&Arc::new(executor), id, id, context, None, &[]);
        }
    }
    for (id, object) in model.objects() {
        let (Some(table), Some(module)) = (object.trigger_on, model.module(id)) else {
            continue;
        };
        for event in &module.trigger_events {
            let permission = event.permission_name();
            let executors = model.executors(table, permission);
            for executor in with_members(&mut deny, executors, table, permission) {
                if walker.always_allowed(executor.principal) {
                    continue;
                }
                let context = Some(executor.principal);
                walker.walk(&Arc::new(executor), id, id, context, None, &[]);
            }
        }
    }
    walker.out
}

/// The members of each granted role that a DENY may treat differently from it, found
/// once per role: the walk asks for the same few roles at every entry point, and finding
/// them anew meant testing every principal each time (quadratic in a project's size).
struct DenyMembers<'a> {
    model: &'a Model,
    /// The principals whose DENYs may single out a member of a granted role; the fixed
    /// deny roles only when someone is added to them.
    holders: HashSet<PrincipalId>,
    /// Per role, the users (not roles, not server principals) that belong to it and
    /// whose own principal or one of whose other roles holds a DENY the role does not,
    /// in principal order.
    by_role: HashMap<PrincipalId, Arc<[PrincipalId]>>,
}

impl<'a> DenyMembers<'a> {
    fn new(model: &'a Model) -> DenyMembers<'a> {
        let b = &model.builtin;
        let mut holders: HashSet<PrincipalId> = model
            .grants()
            .iter()
            .filter(|g| g.deny)
            .map(|g| g.principal)
            .collect();
        for role in [b.db_denydatareader, b.db_denydatawriter] {
            if model
                .membership_changes()
                .iter()
                .any(|m| m.add && m.role == role)
            {
                holders.insert(role);
            }
        }
        DenyMembers {
            model,
            holders,
            by_role: HashMap::new(),
        }
    }

    fn of(&mut self, role: PrincipalId) -> Arc<[PrincipalId]> {
        if let Some(members) = self.by_role.get(&role) {
            return members.clone();
        }
        let model = self.model;
        let role_token = model.cached_roles(role);
        let in_role_token = |p: PrincipalId| p == role || role_token.contains(&p);
        let members: Arc<[PrincipalId]> = model
            .principals()
            .filter(|&(member, principal)| {
                member != role
                    && !principal.kind.is_role()
                    && !principal.kind.is_server()
                    && model.is_member_of(member, role)
            })
            .map(|(member, _)| member)
            .filter(|&member| {
                let roles = model.cached_roles(member);
                std::iter::once(member)
                    .chain(roles.iter().copied())
                    .any(|p| self.holders.contains(&p) && !in_role_token(p))
            })
            .collect();
        self.by_role.insert(role, members.clone());
        members
    }
}

/// The executors, followed by the members of each granted role that a DENY may treat
/// differently (see [`DenyMembers`]), or that belongs to
/// `db_denydatareader`/`db_denydatawriter`, where the role does not. A member refused
/// the entry point itself cannot start there and is left out.
fn with_members(
    deny: &mut DenyMembers<'_>,
    executors: Vec<Executor>,
    entry: ObjectId,
    permission: &str,
) -> Vec<Executor> {
    if deny.holders.is_empty() {
        return executors;
    }
    let model = deny.model;
    let mut out = executors.clone();
    for executor in &executors {
        let role = executor.principal;
        if !model.principal(role).kind.is_role() || model.principal(role).kind.is_server() {
            continue;
        }
        for &member in deny.of(role).iter() {
            if out.iter().any(|e| e.principal == member) {
                continue;
            }
            let decision = model.holds(member, permission, entry, None);
            if !decision.allowed
                && matches!(
                    decision.evidence,
                    Evidence::Denied(_) | Evidence::FixedDeny(_)
                )
            {
                continue;
            }
            out.push(Executor {
                principal: member,
                via: Some(role),
                denied: false,
                ..executor.clone()
            });
        }
    }
    out
}

impl<'m> Walker<'m> {
    /// `dbo` and sysadmins pass every check, DENY or not: nothing to walk. (`db_owner`
    /// members are walked: a DENY binds them.)
    fn always_allowed(&self, principal: PrincipalId) -> bool {
        principal == self.model.dbo() || self.model.is_sysadmin(principal)
    }

    /// The references a module makes, static ones first, then those in known dynamic SQL
    /// (parsed once per module).
    fn references_of(&mut self, module: ObjectId) -> std::rc::Rc<[Found<'m>]> {
        if let Some(found) = self.references.get(&module) {
            return found.clone();
        }
        let model = self.model;
        let file = model.item(model.object(module).statement).file;
        let at = |range| Location { file, range };
        let mut found = Vec::new();
        if let Some(body) = model.module(module) {
            let body_frames = frames(model, body.body.iter(), Vec::new(), at);
            for (statement, frame) in body.body.iter().zip(&body_frames) {
                for reference in &statement.references {
                    found.push(Found {
                        name: &reference.name,
                        access: reference.access,
                        columns: reference.columns.clone(),
                        location: at(reference.range),
                        aside: Aside {
                            dynamic: None,
                            frame: *frame,
                        }
                        .boxed(),
                    });
                }
            }
            let id = model.object(module).statement;
            let parsed = &model.dynamic[model.dynamic.partition_point(|d| d.id < id)
                ..model.dynamic.partition_point(|d| d.id <= id)];
            for dynamic in known_dynamic_sql(&body.body) {
                // The model parsed the batch already, and keeps what it runs in this
                // database: its statements up to a `USE` of another, none for a text
                // that is unknown or an `otherdb.sys.sp_executesql` (see
                // `build::dynamic_statements`). Only the statements the batch itself
                // runs count: the body of a module that the batch creates runs later,
                // when that module is called, so its references are not checked now.
                let statements: Vec<&'m Statement> = parsed
                    .iter()
                    .filter(|d| d.exec == dynamic.statement)
                    .map(|d| &*d.statement)
                    .collect();
                if statements.is_empty() {
                    continue;
                }
                // The batch starts in the context in force at its EXEC, and its own
                // EXECUTE AS / REVERT statements switch it for what follows them.
                let start = body
                    .body
                    .iter()
                    .position(|s| s.range == dynamic.statement)
                    .and_then(|i| body_frames[i]);
                let exec_at = at(dynamic.keyword);
                let batch_frames = frames(
                    model,
                    statements.iter().copied(),
                    start.into_iter().collect(),
                    |_| exec_at,
                );
                for (statement, frame) in statements.iter().zip(batch_frames) {
                    for reference in &statement.references {
                        // Point at the literal that spells the name, else at the EXEC.
                        let Some(own) = reference.name.parts.last() else {
                            continue;
                        };
                        let spelled = fold(&own.value);
                        let range = dynamic
                            .literals
                            .iter()
                            .find(|(text, _)| fold(text).contains(&spelled))
                            .map(|(_, range)| *range)
                            .unwrap_or(dynamic.keyword);
                        found.push(Found {
                            name: &reference.name,
                            access: reference.access,
                            columns: reference.columns.clone(),
                            location: at(range),
                            aside: Aside {
                                dynamic: Some(at(dynamic.statement)),
                                frame,
                            }
                            .boxed(),
                        });
                    }
                }
            }
        }
        let found: std::rc::Rc<[Found<'m>]> = found.into();
        self.references.insert(module, found.clone());
        found
    }

    /// The signing keys in force while `module` runs, called with `incoming` in force:
    /// its own signatures, and those of `incoming` that a counter signature keeps.
    fn keys_in(&self, module: ObjectId, incoming: &[SigningKey]) -> Vec<SigningKey> {
        let mut keys: Vec<SigningKey> = Vec::new();
        for signature in self.model.signatures_of(module) {
            let key = (signature.certificate, fold(&signature.key_name));
            if (!signature.counter || incoming.contains(&key)) && !keys.contains(&key) {
                keys.push(key);
            }
        }
        keys.sort();
        keys
    }

    /// The users whose permissions `keys` add to the context.
    fn signers(&self, keys: &[SigningKey]) -> Arc<[PrincipalId]> {
        let mut users: Vec<PrincipalId> = keys
            .iter()
            .flat_map(|(certificate, name)| self.model.users_from_key(*certificate, name))
            .collect();
        users.sort();
        users.dedup();
        users.into()
    }

    fn walk(
        &mut self,
        executor: &Arc<Executor>,
        entry: ObjectId,
        module: ObjectId,
        caller: Option<PrincipalId>,
        switched_by: Option<ObjectId>,
        incoming: &[SigningKey],
    ) {
        let model = self.model;
        let (module_context, module_switched_by) = match model.runs_as(module) {
            RunsAs::Caller => (caller, switched_by),
            RunsAs::Principal(p) => (Some(p), Some(module)),
            RunsAs::Unresolved(_) => (None, Some(module)),
        };
        let keys = self.keys_in(module, incoming);
        let references = self.references_of(module);
        let uses_caller = references
            .iter()
            .any(|f| matches!(f.frame(), Some((Frame::Caller, _))));
        let visit = (
            module,
            module_context,
            uses_caller.then_some(caller),
            keys.clone(),
        );
        if !self.visited.insert(visit) {
            return;
        }
        let signers = self.signers(&keys);
        let owner = model.owner_of(module);
        let schema = model.object(module).schema;
        for found in references.iter() {
            // The context an EXECUTE AS statement of the body put in force, else the
            // module's own.
            let (context, switched_by, switched_at) = match found.frame() {
                None => (module_context, module_switched_by, None),
                Some((Frame::Caller, location)) => (caller, switched_by, Some(location)),
                Some((Frame::User(user), location)) => (user, Some(module), Some(location)),
            };
            let resolved = if found.dynamic().is_some() {
                // Dynamic SQL resolves one-part names through the default schema of the
                // user it runs as, then the project's default schema and dbo.
                let user_schema = context
                    .and_then(|p| model.principal(p).default_schema.as_deref())
                    .and_then(|s| model.schema_named(s));
                model.resolve_exact(found.name, user_schema)
            } else {
                model.resolve_exact(found.name, Some(schema))
            };
            let Resolved::Object(mut target) = resolved else {
                continue;
            };
            let mut from = (module, owner, found.dynamic().is_some());
            // A synonym is checked like a view: the reference reaches the synonym (under
            // the module's chain), and the synonym reaches its base object under its own
            // owner's chain. The guard ends a synonym cycle.
            let mut hops = 0;
            // Set when a check on the way fails for the context: the statement fails
            // there, so nothing behind it (a callee's body, a view's query, the triggers
            // the DML would fire) runs for this context.
            let mut fails = false;
            loop {
                let target_owner = model.owner_of(target);
                let (from_module, from_owner, dynamic) = from;
                let chain = if dynamic {
                    Chain::Dynamic
                } else if target_owner == from_owner {
                    Chain::Unbroken
                } else {
                    Chain::Broken {
                        module_owner: from_owner,
                        object_owner: target_owner,
                    }
                };
                if chain != Chain::Unbroken
                    && let Some(principal) = context
                {
                    let permission = found.access.permission_name();
                    fails |= !model
                        .holds_with(
                            principal,
                            &signers,
                            permission,
                            target,
                            found.columns.as_deref(),
                        )
                        .allowed;
                }
                self.out.push(Reach {
                    executor: executor.clone(),
                    entry,
                    context,
                    module: from_module,
                    target,
                    access: found.access,
                    columns: found.columns.clone(),
                    location: found.location,
                    chain,
                    signers: signers.clone(),
                    aside: ReachAside {
                        switched_by,
                        dynamic: found.dynamic(),
                        switched_at,
                    }
                    .boxed(),
                });
                let object = model.object(target);
                if object.kind != ObjectKind::Synonym || hops > 16 {
                    break;
                }
                hops += 1;
                let Some(base) = object.synonym_for.as_ref() else {
                    break;
                };
                let Resolved::Object(next) = model.resolve_exact(base, Some(object.schema)) else {
                    break;
                };
                from = (target, target_owner, false);
                target = next;
            }
            if fails || model.object(target).kind == ObjectKind::Synonym {
                continue;
            }
            let kind = model.object(target).kind;
            if has_body(kind) && matches!(found.access, Access::Execute | Access::Select) {
                self.walk(executor, entry, target, context, switched_by, &keys);
            }
            if matches!(
                found.access,
                Access::Insert | Access::Update | Access::Delete
            ) {
                for &trigger in model.triggers_on(target) {
                    let fires = model
                        .module(trigger)
                        .is_some_and(|m| m.trigger_events.contains(&found.access));
                    if fires {
                        self.walk(executor, entry, trigger, context, switched_by, &keys);
                    }
                }
            }
        }
    }
}

fn fold(text: &str) -> String {
    super::names::fold(text)
}
