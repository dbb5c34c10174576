//! The PRM rules of the catalogue: permissions and ownership chains.
//!
//! PRM001, PRM002 and PRM004 read the model's [`reaches`](crate::model::Model::reaches)
//! through [`chain`]; the others judge the GRANT/DENY/REVOKE and role-membership
//! statements the model records in order.
//!
//! Broken-chain findings are reported once per (call site, object). The execution
//! context whose permissions count is the principal granted the entry point when the
//! modules run as their caller, or the `EXECUTE AS` principal; the message tells the
//! story of the first context found (in the order of the grants) and names the other
//! contexts affected at the same site, the fix grants to all of them, and the related
//! locations include each one's grant. Many principals reaching one broken call thus
//! give one finding, not one per principal.

use super::Rule;
use crate::diagnostic::{Diagnostic, Location, Related};
use crate::rule::RuleMeta;

mod chain;
mod db_owner_membership;
mod dynamic_sql_needs_direct_permission;
mod grant_inside_module;
mod grant_option;
mod grant_to_public;
mod guest_access;
mod high_privilege_permission;
mod missing_execute_permission;
mod missing_object_permission;
mod missing_references_on_assembly;
mod unresolved_security_reference;

#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;

/// The PRM rules, registered.
pub static RULES: &[&Rule] = &[
    &missing_execute_permission::RULE,
    &missing_object_permission::RULE,
    &missing_references_on_assembly::RULE,
    &dynamic_sql_needs_direct_permission::RULE,
    &grant_to_public::RULE,
    &unresolved_security_reference::RULE,
    &grant_option::RULE,
    &high_privilege_permission::RULE,
    &db_owner_membership::RULE,
    &guest_access::RULE,
    &grant_inside_module::RULE,
];

/// A finding of the rule `meta` at `location`, with its default severity.
pub(crate) fn finding(meta: &RuleMeta, location: Location, message: String) -> Diagnostic {
    Diagnostic {
        code: meta.code,
        severity: meta.severity,
        message,
        location,
        related: Vec::new(),
        fix: None,
    }
}

pub(crate) fn related(location: Location, message: impl Into<String>) -> Related {
    Related {
        location,
        message: message.into(),
    }
}

/// One part of a name as T-SQL needs it written: bare when it is a regular
/// identifier, else bracketed.
pub(crate) fn sql_part(name: &str) -> String {
    let regular = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '@' | '#' | '$'));
    if regular {
        name.to_owned()
    } else {
        format!("[{}]", name.replace(']', "]]"))
    }
}

/// `schema.object` written for a statement.
pub(crate) fn sql_object(schema: &str, object: &str) -> String {
    format!("{}.{}", sql_part(schema), sql_part(object))
}

/// "A", "A and B", "A, B and C".
pub(crate) fn and_list(items: &[impl AsRef<str>]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}

/// How a message names a securable: "`dbo.t`", "schema `hr`", "assembly `Geo`".
pub(crate) fn securable_phrase(model: &crate::model::Model, scope: &crate::model::Scope) -> String {
    use crate::model::Scope;
    match scope {
        Scope::Object(object) => format!("`{}`", model.object_name(*object)),
        Scope::Schema(schema) => format!("schema `{}`", model.schema(*schema).name),
        Scope::Assembly(assembly) => format!("assembly `{}`", model.assembly(*assembly).name),
        Scope::Principal(principal) => format!("`{}`", model.principal_name(*principal)),
        Scope::Database => "the database".to_owned(),
        Scope::Server => "the server".to_owned(),
        Scope::Other(other) => format!("{} `{}`", other.class.to_lowercase(), other.name),
        Scope::Unresolved(unresolved) => format!("`{}`", unresolved.name),
        Scope::OtherDatabase => "an object in another database".to_owned(),
    }
}

/// The statements that run in another database (after a `USE` of one, see
/// [`crate::model::Item::in_model`]): outside the model, so absent from its permission
/// and membership changes, but still run by the script. The statement rules judge them
/// from the text as written, naming that database: `(where, statement, database)`.
pub(crate) fn other_database_statements(
    model: &crate::model::Model,
) -> impl Iterator<Item = (Location, &syntax::ast::Statement, &str)> {
    model
        .items()
        .iter()
        .filter(|item| !item.in_model())
        .map(|item| {
            (
                Location {
                    file: item.file,
                    range: item.statement.range,
                },
                &*item.statement,
                item.database.as_deref().unwrap_or_default(),
            )
        })
}

/// A securable's name as written (`dbo.t`), with `schema ` before a schema's.
pub(crate) fn written_securable(securable: &syntax::ast::Securable) -> String {
    let name: Vec<&str> = securable
        .name
        .parts
        .iter()
        .map(|p| p.value.as_str())
        .collect();
    let kind = match securable.class.as_deref() {
        Some("SCHEMA") => "schema ",
        _ => "",
    };
    format!("{kind}`{}`", name.join("."))
}
