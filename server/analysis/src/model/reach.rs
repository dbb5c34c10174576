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

use std::collections::{HashMap, HashSet};

use syntax::ast::{Access, ObjectKind, QualifiedName};

use super::dynamic::known_dynamic_sql;
use super::{Chain, Executor, Model, ObjectId, PrincipalId, Reach, Resolved, RunsAs};
use crate::diagnostic::Location;

/// A reference found in a module: static, or inside known dynamic SQL.
#[derive(Clone, Debug)]
struct Found {
    name: QualifiedName,
    access: Access,
    columns: Option<Vec<String>>,
    location: Location,
    dynamic: Option<Location>,
}

struct Walker<'m> {
    model: &'m Model,
    visited: HashSet<(ObjectId, Option<PrincipalId>)>,
    references: HashMap<ObjectId, Vec<Found>>,
    out: Vec<Reach>,
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
    for (id, object) in model.objects() {
        let Some(permission) = entry_permission(object.kind) else {
            continue;
        };
        for executor in model.executors(id, permission) {
            if walker.always_allowed(executor.principal) {
                continue;
            }
            let context = Some(executor.principal);
            walker.walk(&executor, id, id, context, None);
        }
    }
    for (id, object) in model.objects() {
        let (Some(table), Some(module)) = (object.trigger_on, model.module(id)) else {
            continue;
        };
        for event in &module.trigger_events {
            for executor in model.executors(table, event.permission_name()) {
                if walker.always_allowed(executor.principal) {
                    continue;
                }
                let context = Some(executor.principal);
                walker.walk(&executor, id, id, context, None);
            }
        }
    }
    walker.out
}

impl Walker<'_> {
    /// `dbo` and sysadmins pass every check, DENY or not: nothing to walk. (`db_owner`
    /// members are walked: a DENY binds them.)
    fn always_allowed(&self, principal: PrincipalId) -> bool {
        principal == self.model.dbo() || self.model.is_sysadmin(principal)
    }

    /// The references a module makes, static ones first, then those in known dynamic SQL
    /// (parsed once per module).
    fn references_of(&mut self, module: ObjectId) -> Vec<Found> {
        if let Some(found) = self.references.get(&module) {
            return found.clone();
        }
        let model = self.model;
        let file = model.item(model.object(module).statement).file;
        let at = |range| Location { file, range };
        let mut found = Vec::new();
        if let Some(body) = model.module(module) {
            for statement in &body.body {
                for reference in &statement.references {
                    found.push(Found {
                        name: reference.name.clone(),
                        access: reference.access,
                        columns: reference.columns.clone(),
                        location: at(reference.range),
                        dynamic: None,
                    });
                }
            }
            for dynamic in known_dynamic_sql(&body.body) {
                let Some(text) = &dynamic.text else {
                    continue;
                };
                // `otherdb.sys.sp_executesql` runs its batch in `otherdb`: outside the model.
                if dynamic
                    .procedure
                    .as_ref()
                    .is_some_and(|name| model.is_other_database(name))
                {
                    continue;
                }
                let script = super::dynamic::parse_text(text);
                // Only the statements the batch itself runs count: the body of a module
                // that the batch creates runs later, when that module is called, so its
                // references are not checked now. A `USE` of another database moves the
                // rest of the batch out of the model.
                let statements = script
                    .statements
                    .iter()
                    .take_while(|s| !uses_other_database(model, s));
                for statement in statements {
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
                            name: reference.name.clone(),
                            access: reference.access,
                            columns: reference.columns.clone(),
                            location: at(range),
                            dynamic: Some(at(dynamic.statement)),
                        });
                    }
                }
            }
        }
        self.references.insert(module, found.clone());
        found
    }

    fn walk(
        &mut self,
        executor: &Executor,
        entry: ObjectId,
        module: ObjectId,
        caller: Option<PrincipalId>,
        switched_by: Option<ObjectId>,
    ) {
        let model = self.model;
        let (context, switched_by) = match model.runs_as(module) {
            RunsAs::Caller => (caller, switched_by),
            RunsAs::Principal(p) => (Some(p), Some(module)),
            RunsAs::Unresolved(_) => (None, Some(module)),
        };
        if !self.visited.insert((module, context)) {
            return;
        }
        let owner = model.owner_of(module);
        let schema = model.object(module).schema;
        for found in self.references_of(module) {
            let resolved = if found.dynamic.is_some() {
                // Dynamic SQL resolves one-part names through the default schema of the
                // user it runs as, then the project's default schema and dbo.
                let user_schema = context
                    .and_then(|p| model.principal(p).default_schema.as_deref())
                    .and_then(|s| model.schema_named(s));
                model.resolve_exact(&found.name, user_schema)
            } else {
                model.resolve_exact(&found.name, Some(schema))
            };
            let Resolved::Object(mut target) = resolved else {
                continue;
            };
            let mut from = (module, owner, found.dynamic.is_some());
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
                        .holds(principal, permission, target, found.columns.as_deref())
                        .allowed;
                }
                self.out.push(Reach {
                    executor: executor.clone(),
                    entry,
                    context,
                    module: from_module,
                    switched_by,
                    target,
                    access: found.access,
                    columns: found.columns.clone(),
                    location: found.location,
                    chain,
                    dynamic: found.dynamic,
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
                self.walk(executor, entry, target, context, switched_by);
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
                        self.walk(executor, entry, trigger, context, switched_by);
                    }
                }
            }
        }
    }
}

/// True for `USE db` naming a database other than the project's.
fn uses_other_database(model: &Model, statement: &syntax::ast::Statement) -> bool {
    let syntax::ast::StatementKind::Use { database } = &statement.kind else {
        return false;
    };
    // A three-part name whose database part is the `USE` target asks the same question.
    let name = QualifiedName {
        parts: vec![database.clone(), database.clone(), database.clone()],
        range: database.range,
    };
    model.is_other_database(&name)
}

fn fold(text: &str) -> String {
    super::names::fold(text)
}
