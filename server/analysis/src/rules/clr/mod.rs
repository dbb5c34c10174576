//! The CLR rules of the catalogue: assemblies, their permission sets and the trust that
//! lets the server load them.

use syntax::ast::{PermissionSet, StatementKind};

use super::walk::{self, Stmt};
use super::{Context, Rule};
use crate::diagnostic::{Diagnostic, Location};
use crate::model::AssemblyOrigin;
use crate::rule::RuleMeta;

mod assembly_from_path;
mod assembly_permission_to_person;
mod clr_enabled;
mod clr_strict_security_disabled;
mod external_access_assembly;
pub(crate) mod no_trust_path;
mod trusted_assembly_list;
mod trustworthy_database;
mod unresolved_assembly;
mod unsafe_assembly;

/// The CLR rules, registered.
pub static RULES: &[&Rule] = &[
    &unsafe_assembly::RULE,
    &external_access_assembly::RULE,
    &trustworthy_database::RULE,
    &clr_strict_security_disabled::RULE,
    &assembly_permission_to_person::RULE,
    &trusted_assembly_list::RULE,
    &unresolved_assembly::RULE,
    &no_trust_path::RULE,
    &clr_enabled::RULE,
    &assembly_from_path::RULE,
];

/// A `.sqlproj` boolean property's value (MSBuild compares `True` case-insensitively).
pub(crate) fn is_true(value: &str) -> bool {
    value.trim().eq_ignore_ascii_case("true")
}

/// Reports every `CREATE`/`ALTER ASSEMBLY … WITH PERMISSION_SET = wanted` at its
/// `PERMISSION_SET` clause (every such statement, even one a later `ALTER` undoes), and
/// each assembly of the model that the project deploys otherwise with that set: its own
/// build at `<PermissionSet>`, a referenced `.dll` at `<SqlPermissionSet>`. A
/// `<PermissionSet>` in a project without `Compile` items builds nothing and says nothing.
fn report_permission_set(
    context: &Context<'_>,
    out: &mut Vec<Diagnostic>,
    meta: &RuleMeta,
    wanted: PermissionSet,
    consequence: &str,
) {
    let keyword = match wanted {
        PermissionSet::Unsafe => "UNSAFE",
        PermissionSet::ExternalAccess => "EXTERNAL_ACCESS",
        PermissionSet::Safe => "SAFE",
    };
    for Stmt {
        file, statement, ..
    } in walk::statements(context)
    {
        let StatementKind::CreateAssembly(assembly) = &statement.kind else {
            continue;
        };
        let Some((set, range)) = &assembly.permission_set else {
            continue;
        };
        if *set != wanted {
            continue;
        }
        let verb = if assembly.alter { "altered" } else { "created" };
        out.push(walk::finding(
            meta,
            file,
            *range,
            format!(
                "Assembly '{}' is {verb} WITH PERMISSION_SET = {keyword}: {consequence} Use PERMISSION_SET = SAFE unless the code needs more, and sign the assembly with a certificate or asymmetric key whose login holds only the permission it needs.",
                assembly.name.value
            ),
        ));
    }
    // The assemblies the project deploys without a `CREATE ASSEMBLY`: its own build, at
    // `<PermissionSet>`, and a referenced `.dll`, at its `<SqlPermissionSet>`.
    for (_, assembly) in context.model.assemblies() {
        let (Some(set), Some(location)) =
            (&assembly.permission_set, assembly.permission_set_location)
        else {
            continue;
        };
        if *set != wanted {
            continue;
        }
        let message = match &assembly.origin {
            AssemblyOrigin::Create { .. } => continue,
            AssemblyOrigin::ProjectBuild => format!(
                "The project deploys its assembly '{}' with <PermissionSet>{}</PermissionSet>: {consequence} Set <PermissionSet>SAFE</PermissionSet> unless the code needs more, and sign the assembly with a certificate or asymmetric key.",
                assembly.name,
                written(context, location).unwrap_or(keyword)
            ),
            AssemblyOrigin::Reference => format!(
                "The project deploys referenced assembly '{}' with <SqlPermissionSet>{}</SqlPermissionSet>: {consequence} Set <SqlPermissionSet>SAFE</SqlPermissionSet> unless the code needs more, and sign the assembly with a certificate or asymmetric key.",
                assembly.name,
                written(context, location).unwrap_or(keyword)
            ),
        };
        out.push(walk::finding(meta, location.file, location.range, message));
    }
    // The catalogue reports `<PermissionSet>` in any `.sqlproj`: a project without
    // `Compile` items builds no assembly today, but the setting is the one its assembly
    // gets as soon as C# is added, so it is reported where no build stands for it.
    if let Some(property) = context.project.properties.get("PermissionSet")
        && crate::model::permission_set_named(&property.value) == Some(wanted)
        && !context.model.assemblies().any(|(_, a)| {
            a.origin == AssemblyOrigin::ProjectBuild
                && a.permission_set_location == Some(property.location)
        })
    {
        out.push(walk::finding(
            meta,
            property.location.file,
            property.location.range,
            format!(
                "The project deploys its assembly with <PermissionSet>{}</PermissionSet>: {consequence} Set <PermissionSet>SAFE</PermissionSet> unless the code needs more, and sign the assembly with a certificate or asymmetric key.",
                property.value
            ),
        ));
    }
}

/// The value of the `.sqlproj` element at `location`, as written.
fn written<'a>(context: &'a Context<'_>, location: Location) -> Option<&'a str> {
    let project = context.project;
    if let Some(property) = project.properties.get("PermissionSet")
        && property.location == location
    {
        return Some(property.value.as_str());
    }
    project
        .assembly_references
        .iter()
        .filter_map(|r| r.permission_set.as_ref())
        .find(|(_, at)| *at == location)
        .map(|(value, _)| value.as_str())
}
