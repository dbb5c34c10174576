//! Permission queries on the final state: whether a principal holds a permission, with
//! the evidence, and who may start executing an entry point.
//!
//! The order of the checks follows the catalogue: the owner (or a role that owns the
//! securable or its schema), `dbo` and sysadmins always hold and are not bound by DENY;
//! then a DENY to the principal or one of its roles at object, schema or database scope
//! (or `db_denydatareader`/`db_denydatawriter`) refuses, even to `db_owner` members;
//! then `db_owner` membership, a GRANT (or CONTROL) at any of the scopes, and the fixed
//! data roles allow.

use syntax::Name;

use super::{Decision, Evidence, Executor, Model, ObjectId, PrincipalId, Scope};

/// True when holding `granted` gives `wanted` at the same scope.
fn implies(granted: &str, wanted: &str) -> bool {
    granted == wanted || granted == "CONTROL"
}

fn reads(permission: &str) -> bool {
    permission == "SELECT"
}

fn writes(permission: &str) -> bool {
    matches!(permission, "INSERT" | "UPDATE" | "DELETE")
}

fn decision(allowed: bool, evidence: Evidence) -> Decision {
    Decision { allowed, evidence }
}

/// The principal and the roles it belongs to: the "token" whose permissions add up.
fn token(model: &Model, principal: PrincipalId) -> Vec<PrincipalId> {
    let mut token = model.roles_of(principal);
    token.push(principal);
    token
}

/// The indexes of the final grants at any of `scopes`, in apply order.
fn at_scopes(model: &Model, scopes: &[Scope]) -> Vec<usize> {
    let mut indexes: Vec<usize> = scopes
        .iter()
        .filter_map(|scope| model.grants_by_scope.get(scope))
        .flatten()
        .copied()
        .collect();
    indexes.sort_unstable();
    indexes
}

/// The common part of [`holds`] and [`holds_on`], once owners are handled: denies,
/// `db_owner`, grants and fixed roles over `scopes`.
fn check_scopes(
    model: &Model,
    token: &[PrincipalId],
    permission: &str,
    scopes: &[Scope],
    columns: Option<&[Name]>,
) -> Decision {
    let b = &model.builtin;
    let applies = |g: &super::Grant| {
        token.contains(&g.principal)
            && scopes.contains(&g.scope)
            && implies(&g.permission, permission)
    };
    let candidates = at_scopes(model, scopes);
    // DENY Object Permissions: "A table-level DENY does not take precedence over a
    // column-level GRANT. This inconsistency in the permissions hierarchy has been
    // preserved for the sake of backward compatibility." A column grant on the object
    // that covers every column used therefore wins over a DENY on the whole object.
    let column_grant_covers = |used: &[Name]| {
        !used.is_empty()
            && used.iter().all(|c| {
                candidates.iter().any(|&j| {
                    let g = &model.grants[j];
                    !g.deny
                        && matches!(g.scope, Scope::Object(_))
                        && applies(g)
                        && g.columns.contains(c)
                })
            })
    };
    for &i in &candidates {
        let grant = &model.grants[i];
        if !grant.deny || !applies(grant) {
            continue;
        }
        let binds = if grant.columns.is_empty() {
            !(matches!(grant.scope, Scope::Object(_)) && columns.is_some_and(column_grant_covers))
        } else {
            match columns {
                Some(used) => used.iter().any(|c| grant.columns.contains(c)),
                None => true,
            }
        };
        if binds {
            return decision(false, Evidence::Denied(i));
        }
    }
    if reads(permission) && token.contains(&b.db_denydatareader) {
        return decision(false, Evidence::FixedDeny(b.db_denydatareader));
    }
    if writes(permission) && token.contains(&b.db_denydatawriter) {
        return decision(false, Evidence::FixedDeny(b.db_denydatawriter));
    }
    if token.contains(&b.db_owner) {
        return decision(true, Evidence::DbOwner);
    }
    let mut covered: Vec<&Name> = Vec::new();
    let mut column_grant = None;
    for &i in &candidates {
        let grant = &model.grants[i];
        if grant.deny || !applies(grant) {
            continue;
        }
        if grant.columns.is_empty() {
            return decision(true, Evidence::Granted(i));
        }
        column_grant.get_or_insert(i);
        covered.extend(grant.columns.iter());
    }
    if let (Some(i), Some(used)) = (column_grant, columns)
        && !used.is_empty()
        && used.iter().all(|c| covered.contains(&c))
    {
        return decision(true, Evidence::Granted(i));
    }
    if reads(permission) && token.contains(&b.db_datareader) {
        return decision(true, Evidence::FixedRole(b.db_datareader));
    }
    if writes(permission) && token.contains(&b.db_datawriter) {
        return decision(true, Evidence::FixedRole(b.db_datawriter));
    }
    match column_grant {
        Some(i) => decision(false, Evidence::ColumnsNotCovered(i)),
        None => decision(false, Evidence::NotGranted),
    }
}

pub(crate) fn holds(
    model: &Model,
    principal: PrincipalId,
    permission: &str,
    object: ObjectId,
    columns: Option<&[Name]>,
) -> Decision {
    let permission = permission.to_ascii_uppercase();
    let token = token(model, principal);
    let owner = model.owner_of(object);
    if token.contains(&owner) {
        return decision(true, Evidence::Owner(owner));
    }
    let schema = model.object(object).schema;
    let schema_owner = model.schema(schema).owner;
    if token.contains(&schema_owner) {
        return decision(true, Evidence::Owner(schema_owner));
    }
    if principal == model.builtin.dbo {
        return decision(true, Evidence::Dbo);
    }
    if model.is_sysadmin(principal) {
        return decision(true, Evidence::Sysadmin);
    }
    let scopes = [
        Scope::Object(object),
        Scope::Schema(schema),
        Scope::Database,
    ];
    check_scopes(model, &token, &permission, &scopes, columns)
}

pub(crate) fn holds_on(
    model: &Model,
    principal: PrincipalId,
    permission: &str,
    scope: &Scope,
) -> Decision {
    let permission = permission.to_ascii_uppercase();
    let token = token(model, principal);
    let owner = match scope {
        Scope::Schema(schema) => Some(model.schema(*schema).owner),
        Scope::Assembly(assembly) => Some(model.assembly(*assembly).owner),
        Scope::Object(object) => return holds(model, principal, &permission, *object, None),
        _ => None,
    };
    if let Some(owner) = owner
        && token.contains(&owner)
    {
        return decision(true, Evidence::Owner(owner));
    }
    if principal == model.builtin.dbo && *scope != Scope::Server {
        return decision(true, Evidence::Dbo);
    }
    if model.is_sysadmin(principal) {
        return decision(true, Evidence::Sysadmin);
    }
    let scopes: Vec<Scope> = match scope {
        Scope::Server => vec![Scope::Server],
        Scope::Database => vec![Scope::Database],
        other => vec![other.clone(), Scope::Database],
    };
    if *scope == Scope::Server {
        // Server permissions come from grants to the login and its server roles only.
        let found = model.grants.iter().enumerate().find(|(_, g)| {
            !g.deny
                && token.contains(&g.principal)
                && g.scope == Scope::Server
                && (g.permission == permission || g.permission == "CONTROL SERVER")
        });
        return match found {
            Some((i, _)) => decision(true, Evidence::Granted(i)),
            None => decision(false, Evidence::NotGranted),
        };
    }
    check_scopes(model, &token, &permission, &scopes, None)
}

pub(crate) fn executors(model: &Model, object: ObjectId, permission: &str) -> Vec<Executor> {
    let permission = Name::from(permission.to_ascii_uppercase());
    let schema = model.object(object).schema;
    let scopes = [
        Scope::Object(object),
        Scope::Schema(schema),
        Scope::Database,
    ];
    let mut out: Vec<Executor> = Vec::new();
    for i in at_scopes(model, &scopes) {
        let grant = &model.grants[i];
        if grant.deny
            || !scopes.contains(&grant.scope)
            || !implies(&grant.permission, &permission)
            || out.iter().any(|e| e.principal == grant.principal)
        {
            continue;
        }
        let decision = holds(model, grant.principal, &permission, object, None);
        let denied = !decision.allowed
            && matches!(
                decision.evidence,
                Evidence::Denied(_) | Evidence::FixedDeny(_)
            );
        out.push(Executor {
            principal: grant.principal,
            permission: grant.permission.clone(),
            scope: grant.scope.clone(),
            grant: Some(i),
            location: grant.location,
            denied,
            via: None,
        });
    }
    // Members of db_datareader may read every table and view, and members of
    // db_datawriter change every table: the role is their common context, as for a role
    // granted the entry point.
    let b = &model.builtin;
    let fixed = match permission.as_str() {
        "SELECT" => Some(b.db_datareader),
        "INSERT" | "UPDATE" | "DELETE" => Some(b.db_datawriter),
        _ => None,
    };
    if let Some(role) = fixed
        && !out.iter().any(|e| e.principal == role)
        && let Some(added) = model
            .memberships
            .iter()
            .find(|m| m.add && m.role == role && model.is_member_of(m.member, role))
        && holds(model, role, &permission, object, None).allowed
    {
        out.push(Executor {
            principal: role,
            permission: permission.clone(),
            scope: Scope::Database,
            grant: None,
            location: added.location,
            denied: false,
            via: None,
        });
    }
    out
}
