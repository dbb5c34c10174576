//! The CLR rules of the catalogue: assemblies, their permission sets and the trust that
//! lets the server load them.

use syntax::ast::{PermissionSet, StatementKind};

use super::walk::{self, Stmt};
use super::{Context, Rule};
use crate::diagnostic::Diagnostic;
use crate::project::Project;
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

/// True when `name` is the assembly that the `.sqlproj` itself builds from its C#
/// sources: its `<AssemblyName>`, which defaults to the project's name.
pub(crate) fn project_assembly(project: &Project, name: &str) -> bool {
    if project.project_file.is_none() {
        return false;
    }
    match project.properties.get("AssemblyName") {
        Some(property) => property.value.trim().eq_ignore_ascii_case(name),
        None => project.name.eq_ignore_ascii_case(name),
    }
}

/// The permission set a `.sqlproj` `<PermissionSet>` value names.
pub(crate) fn property_permission_set(value: &str) -> Option<PermissionSet> {
    let normal: String = value
        .chars()
        .filter(|c| !matches!(c, '_' | ' '))
        .collect::<String>()
        .to_ascii_uppercase();
    match normal.as_str() {
        "SAFE" => Some(PermissionSet::Safe),
        "EXTERNALACCESS" => Some(PermissionSet::ExternalAccess),
        "UNSAFE" | "UNRESTRICTED" => Some(PermissionSet::Unsafe),
        _ => None,
    }
}

/// Reports every `CREATE`/`ALTER ASSEMBLY … WITH PERMISSION_SET = wanted` at its
/// `PERMISSION_SET` clause, and a `<PermissionSet>` property of that value at its element.
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
    if let Some(property) = context.project.properties.get("PermissionSet")
        && property_permission_set(&property.value) == Some(wanted)
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
