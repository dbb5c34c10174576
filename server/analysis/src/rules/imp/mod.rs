//! The IMP rules of the catalogue: impersonation and execution contexts.

use super::Rule;

mod cross_database_ownership_chaining;
mod elevated_dynamic_sql;
mod elevated_dynamic_sql_from_stored_data;
mod execute_as_login;
mod external_access_under_impersonation;
mod impersonate_permission;
mod missing_revert;
mod owner_context_in_trustworthy_database;
mod setuser;
mod taint;

/// The IMP rules, registered.
pub static RULES: &[&Rule] = &[
    &owner_context_in_trustworthy_database::RULE,
    &impersonate_permission::RULE,
    &missing_revert::RULE,
    &elevated_dynamic_sql::RULE,
    &cross_database_ownership_chaining::RULE,
    &setuser::RULE,
    &external_access_under_impersonation::RULE,
    &execute_as_login::RULE,
    &elevated_dynamic_sql_from_stored_data::RULE,
];
