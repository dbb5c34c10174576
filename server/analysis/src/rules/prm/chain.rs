//! The shared reporting of PRM001, PRM002 and PRM004: a reference on a granted call path
//! whose execution context lacks the permission, where the ownership chain does not
//! cover it (broken, or inside dynamic SQL).

use std::collections::BTreeMap;

use syntax::ast::{Access, ObjectKind};

use super::{and_list, finding, related, sql_object, sql_part};
use crate::diagnostic::{Diagnostic, Location};
use crate::model::{Chain, Decision, Evidence, Model, ObjectId, PrincipalId, Reach, Scope};
use crate::rule::RuleMeta;
use crate::rules::Context;

/// Which references a rule reports.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// PRM001: EXECUTE across a broken chain.
    Execute,
    /// PRM002: SELECT/INSERT/UPDATE/DELETE across a broken chain.
    Object,
    /// PRM004: any reference inside known dynamic SQL.
    Dynamic,
}

fn wanted(kind: Kind, reach: &Reach) -> bool {
    match kind {
        Kind::Execute => {
            matches!(reach.chain, Chain::Broken { .. }) && reach.access == Access::Execute
        }
        Kind::Object => {
            matches!(reach.chain, Chain::Broken { .. })
                && matches!(
                    reach.access,
                    Access::Select | Access::Insert | Access::Update | Access::Delete
                )
        }
        Kind::Dynamic => {
            reach.chain == Chain::Dynamic
                && matches!(
                    reach.access,
                    Access::Execute
                        | Access::Select
                        | Access::Insert
                        | Access::Update
                        | Access::Delete
                )
        }
    }
}

fn verb(access: Access) -> &'static str {
    match access {
        Access::Execute => "calls",
        Access::Select => "reads",
        Access::Insert => "inserts into",
        Access::Update => "updates",
        Access::Delete => "deletes from",
        Access::References => "references",
    }
}

/// One finding in the making: a call site, a context, an object, and the permissions
/// it lacks there.
struct Missing<'m> {
    reach: &'m Reach,
    context: PrincipalId,
    lacking: Vec<(Access, Decision)>,
}

pub(crate) fn report(
    context: &Context<'_>,
    out: &mut Vec<Diagnostic>,
    meta: &RuleMeta,
    kind: Kind,
) {
    let model = context.model;
    let mut groups: BTreeMap<(Location, PrincipalId, ObjectId), Missing<'_>> = BTreeMap::new();
    for reach in model.reaches() {
        if !wanted(kind, reach) {
            continue;
        }
        let Some(principal) = reach.context else {
            continue;
        };
        let permission = reach.access.permission_name();
        // The permissions of the users that module signatures add count as the
        // context's own (ADD SIGNATURE).
        let decision = model.holds_with(
            principal,
            &reach.signers,
            permission,
            reach.target,
            reach.columns.as_deref(),
        );
        if decision.allowed {
            continue;
        }
        let entry = groups
            .entry((reach.location, principal, reach.target))
            .or_insert_with(|| Missing {
                reach,
                context: principal,
                lacking: Vec::new(),
            });
        if !entry.lacking.iter().any(|(a, _)| *a == reach.access) {
            entry.lacking.push((reach.access, decision));
        }
    }
    // One finding per call site and object: the first context found tells the story,
    // and the others affected at the same site are named after it.
    let mut sites: BTreeMap<(Location, ObjectId), Vec<Missing<'_>>> = BTreeMap::new();
    for ((location, _, target), missing) in groups {
        sites.entry((location, target)).or_default().push(missing);
    }
    for mut missing in sites.into_values() {
        missing.sort_by_key(|m| reach_order(model, m.reach));
        let mut all = missing.into_iter();
        if let Some(first) = all.next() {
            out.push(diagnostic(model, meta, kind, first, all.collect()));
        }
    }
}

/// Orders the contexts of one site by the grant that reaches them, so that the story
/// told first is the one the project states first.
fn reach_order(model: &Model, reach: &Reach) -> (usize, String) {
    (
        reach.executor.grant.unwrap_or(usize::MAX),
        model.principal_name(reach.executor.principal).to_owned(),
    )
}

/// "`a`, `b` and `c`", at most five names and a count of the rest.
fn names(model: &Model, principals: &[PrincipalId]) -> String {
    let mut shown: Vec<String> = principals
        .iter()
        .take(5)
        .map(|p| format!("`{}`", model.principal_name(*p)))
        .collect();
    if principals.len() > 5 {
        shown.push(format!("{} more", principals.len() - 5));
    }
    and_list(&shown)
}

/// How the executor reaches the entry point: "`sales_app` can execute `dbo.quote`".
fn entry_phrase(model: &Model, reach: &Reach) -> String {
    // A member of a granted role walked on its own is named with the role.
    let who = match reach.executor.via {
        Some(role) => format!(
            "`{}` (a member of `{}`)",
            model.principal_name(reach.executor.principal),
            model.principal_name(role)
        ),
        None => format!("`{}`", model.principal_name(reach.executor.principal)),
    };
    let entry = model.object(reach.entry);
    if entry.kind == ObjectKind::Trigger {
        let table = entry
            .trigger_on
            .map(|t| model.object_name(t))
            .unwrap_or_default();
        let can = match reach.executor.permission.as_str() {
            "INSERT" => "can insert into",
            "UPDATE" => "can update",
            "DELETE" => "can delete from",
            _ => "can change",
        };
        return format!(
            "{who} {can} `{table}`, which fires the trigger `{}`",
            model.object_name(reach.entry)
        );
    }
    if reach.executor.denied {
        // Granted, yet refused the entry point itself: say what the project states.
        return format!(
            "{who} is granted {} on `{}` (though a DENY refuses it)",
            reach.executor.permission,
            model.object_name(reach.entry)
        );
    }
    let can = match entry.kind {
        ObjectKind::View
        | ObjectKind::InlineTableFunction
        | ObjectKind::MultiStatementTableFunction => "can select from",
        _ => "can execute",
    };
    format!("{who} {can} `{}`", model.object_name(reach.entry))
}

/// Where the executor's permission comes from, for the related location.
fn grant_phrase(model: &Model, reach: &Reach) -> String {
    let who = model.principal_name(reach.executor.via.unwrap_or(reach.executor.principal));
    if reach.executor.grant.is_none() {
        return format!("a member is added to `{who}` here");
    }
    let permission = &reach.executor.permission;
    let target = match &reach.executor.scope {
        Scope::Object(object) => format!("on `{}`", model.object_name(*object)),
        Scope::Schema(schema) => format!("on schema `{}`", model.schema(*schema).name),
        Scope::Database => "database-wide".to_owned(),
        _ => String::new(),
    };
    format!("`{who}` is granted {permission} {target} here")
}

fn diagnostic(
    model: &Model,
    meta: &RuleMeta,
    kind: Kind,
    missing: Missing<'_>,
    others: Vec<Missing<'_>>,
) -> Diagnostic {
    let reach = missing.reach;
    let target = model.object_name(reach.target);
    let module = model.object_name(reach.module);
    let context = model.principal_name(missing.context);
    let mut lacking = missing.lacking;
    lacking.sort_by_key(|(access, _)| *access);
    let permissions: Vec<String> = lacking
        .iter()
        .map(|(a, _)| a.permission_name().to_owned())
        .collect();
    // The verb names what the statement does: UPDATE rather than the SELECT it also needs.
    let main_access = lacking
        .iter()
        .map(|(a, _)| *a)
        .max_by_key(|a| match a {
            Access::Select => 0,
            _ => 1,
        })
        .unwrap_or(reach.access);
    let mut message = entry_phrase(model, reach);
    if reach.module == reach.entry {
        message.push_str(", which ");
    } else if model.object(reach.module).kind == ObjectKind::Synonym {
        message.push_str(&format!(", which uses the synonym `{module}`, which "));
    } else {
        message.push_str(&format!(", which leads to `{module}`, which "));
    }
    let switched = missing.context != reach.executor.principal;
    let switched_at = reach.switched_at();
    let subject = if switched {
        format!("its execution context `{context}`")
    } else {
        format!("`{context}`")
    };
    let denied = lacking.iter().find_map(|(_, d)| match d.evidence {
        Evidence::Denied(i) => Some((i, None)),
        Evidence::FixedDeny(role) => Some((usize::MAX, Some(role))),
        _ => None,
    });
    let columns_only = lacking
        .iter()
        .any(|(_, d)| matches!(d.evidence, Evidence::ColumnsNotCovered(_)));
    let lacks = match denied {
        Some((_, Some(role))) => format!(
            "is denied {} on `{target}` by membership in `{}`",
            and_list(&permissions),
            model.principal_name(role)
        ),
        Some(_) => format!("is denied {} on `{target}`", and_list(&permissions)),
        None if columns_only => format!(
            "lacks {} on `{target}` (a column-level grant does not cover every column used)",
            and_list(&permissions)
        ),
        None => format!("lacks {} on `{target}`", and_list(&permissions)),
    };
    match kind {
        Kind::Dynamic => message.push_str(&format!(
            "runs dynamic SQL that {} `{target}`: ownership chaining does not apply inside dynamic SQL and {subject} {lacks}",
            verb(main_access)
        )),
        _ => {
            let owner = model.principal_name(model.owner_of(reach.target));
            let module_owner = model.principal_name(model.owner_of(reach.module));
            message.push_str(&format!(
                "{} `{target}` owned by `{owner}` (not `{module_owner}`): the ownership chain is broken and {subject} {lacks}",
                verb(main_access)
            ));
        }
    }

    let other_contexts: Vec<PrincipalId> = others.iter().map(|m| m.context).collect();
    if !other_contexts.is_empty() {
        message.push_str(&format!(
            "; the same goes for {}",
            names(model, &other_contexts)
        ));
    }

    let object = model.object(reach.target);
    let schema = &model.schema(object.schema).name;
    let fix = match denied {
        Some(_) => format!(
            "remove the DENY of {} on {} that applies to {}{}",
            and_list(&permissions),
            sql_object(schema, &object.name),
            sql_part(context),
            if kind == Kind::Dynamic {
                String::new()
            } else {
                format!(", or give `{target}` the owner of `{module}`")
            }
        ),
        None => {
            let grantees: Vec<String> = std::iter::once(missing.context)
                .chain(other_contexts.iter().copied())
                .map(|p| sql_part(model.principal_name(p)))
                .collect();
            let grant = format!(
                "GRANT {} ON {} TO {}",
                permissions.join(", "),
                sql_object(schema, &object.name),
                grantees.join(", ")
            );
            if kind == Kind::Dynamic {
                grant
            } else {
                format!("{grant}, or give `{target}` the owner of `{module}`")
            }
        }
    };

    let mut diagnostic = finding(meta, reach.location, message);
    diagnostic.fix = Some(fix);
    diagnostic
        .related
        .push(related(reach.executor.location, grant_phrase(model, reach)));
    if let Some(dynamic) = reach.dynamic() {
        diagnostic.related.push(related(
            dynamic,
            format!("`{module}` runs the dynamic SQL here"),
        ));
    }
    let module_object = model.object(reach.module);
    diagnostic.related.push(related(
        module_object.location,
        format!(
            "`{module}` is defined here, owned by `{}`",
            model.principal_name(model.owner_of(reach.module))
        ),
    ));
    if switched && let Some(location) = switched_at {
        diagnostic.related.push(related(
            location,
            format!("`{module}` switches to `{context}` here"),
        ));
    } else if switched
        && let Some(clause) = reach
            .switched_by()
            .and_then(|m| model.module(m)?.execute_as.as_ref().map(|c| (m, c.range)))
    {
        let file = model.item(model.object(clause.0).statement).file;
        diagnostic.related.push(related(
            Location {
                file,
                range: clause.1,
            },
            format!("`{}` runs as `{context}`", model.object_name(clause.0)),
        ));
    }
    diagnostic.related.push(related(
        object.location,
        format!("`{target}` is defined here"),
    ));
    if kind != Kind::Dynamic
        && let Some(location) = model.owner_location(reach.target)
    {
        diagnostic.related.push(related(
            location,
            format!(
                "`{}` owns `{target}` from here",
                model.principal_name(model.owner_of(reach.target))
            ),
        ));
    }
    // The grants of the other contexts, as many as the message names.
    for other in others.iter().take(5) {
        diagnostic.related.push(related(
            other.reach.executor.location,
            grant_phrase(model, other.reach),
        ));
    }
    if let Some((i, None)) = denied
        && let Some(grant) = model.grants().get(i)
    {
        diagnostic.related.push(related(
            grant.location,
            format!("the DENY to `{}`", model.principal_name(grant.principal)),
        ));
    }
    diagnostic
}
