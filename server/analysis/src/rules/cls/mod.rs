//! The CLS rules of the catalogue: the C# source of SQLCLR assemblies.
//!
//! Each assembly of the project is tied to its source, in the catalogue's order: the
//! assembly the `.sqlproj` builds gets its `Compile` items; an assembly that a `.csproj`
//! of the folder builds (its `<AssemblyName>`, or the file name a `CREATE ASSEMBLY … FROM`
//! path names) gets that project's sources; any other gets the loose `.cs` files that
//! declare the classes its `EXTERNAL NAME`s point at, with the other `.cs` files of their
//! folders. An assembly without source gets no CLS finding. The tie and the analysis of
//! the code ([`code::Code`]) are made once per model and shared by every CLS rule
//! through [`Context::clr_sources`].

use std::path::Path;

use syntax::ast::PermissionSet;

use crate::diagnostic::{Diagnostic, FileId, Location, Related, Severity};
use crate::model::AssemblyOrigin;
use crate::rules::walk;
use crate::rules::{Context, Rule};

pub(crate) mod code;
mod data_access_from_another_thread;
mod data_access_while_impersonating;
mod disallowed_attribute;
mod dynamic_assembly_load;
mod external_access_by_sql_login;
mod finalizer;
mod host_protection_violation;
mod impersonation_not_undone;
mod mutable_static_field;
mod permission_set_exceeds_need;
mod permission_set_too_low;
mod unbound_entry_point;

/// The CLS rules, registered.
pub static RULES: &[&Rule] = &[
    &unbound_entry_point::RULE,
    &mutable_static_field::RULE,
    &finalizer::RULE,
    &disallowed_attribute::RULE,
    &dynamic_assembly_load::RULE,
    &host_protection_violation::RULE,
    &permission_set_too_low::RULE,
    &permission_set_exceeds_need::RULE,
    &data_access_while_impersonating::RULE,
    &impersonation_not_undone::RULE,
    &data_access_from_another_thread::RULE,
    &external_access_by_sql_login::RULE,
];

/// How an assembly's source was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tie {
    /// The `.sqlproj`'s own `Compile` items.
    CompileItems,
    /// A `.csproj` that builds the assembly.
    Csproj(FileId),
    /// Only the classes `EXTERNAL NAME` points at: the source may be partial.
    ExternalName,
}

/// One assembly with the C# that builds it.
pub(crate) struct Source<'a> {
    pub name: String,
    pub permission_set: PermissionSet,
    /// Where the permission set is declared: the `PERMISSION_SET` clause, the
    /// `<PermissionSet>` element, else the assembly's name in `CREATE ASSEMBLY` (or the
    /// `.sqlproj`).
    pub declared_at: Location,
    pub tie: Tie,
    pub code: code::Code<'a>,
}

impl Source<'_> {
    /// SAFE or EXTERNAL_ACCESS: what `CREATE ASSEMBLY` and the runtime restrict.
    pub(crate) fn restricted(&self) -> bool {
        self.permission_set != PermissionSet::Unsafe
    }

    /// The related location that names the declaration.
    pub(crate) fn declaration(&self) -> Related {
        walk::related(
            self.declared_at.file,
            self.declared_at.range,
            format!(
                "assembly '{}' is declared {} here",
                self.name,
                permission_set_name(self.permission_set)
            ),
        )
    }
}

pub(crate) fn permission_set_name(set: PermissionSet) -> &'static str {
    match set {
        PermissionSet::Safe => "SAFE",
        PermissionSet::ExternalAccess => "EXTERNAL_ACCESS",
        PermissionSet::Unsafe => "UNSAFE",
    }
}

/// Every assembly of the project that has C# source, tied and analysed.
pub(crate) fn sources<'a>(context: &Context<'a>) -> Vec<Source<'a>> {
    let workspace = context.workspace;
    let project = context.project;
    let model = context.model;
    let mut out: Vec<Source<'a>> = Vec::new();
    let entry_points = model.entry_points();
    for (id, assembly) in model.assemblies() {
        // A referenced `.dll` whose permission set the project does not state: the rules
        // here judge the code against that set, so there is nothing to judge it by.
        let Some(permission_set) = assembly.permission_set else {
            continue;
        };
        let declared_at = assembly
            .permission_set_location
            .unwrap_or(assembly.location);
        // The assembly the `.sqlproj` builds: its `Compile` items (the model's fact).
        if assembly.origin == AssemblyOrigin::ProjectBuild {
            let compiled: Vec<FileId> = assembly
                .compile_items
                .iter()
                .copied()
                .filter(|f| workspace.csharp.contains_key(f))
                .collect();
            if !compiled.is_empty() {
                out.push(Source {
                    name: assembly.name.to_string(),
                    permission_set,
                    declared_at,
                    tie: Tie::CompileItems,
                    code: code::Code::build(workspace, &compiled),
                });
            }
            continue;
        }
        // The file it is made from: `CREATE ASSEMBLY … FROM 'path'`, a referenced `.dll`.
        let file_stem = assembly.file.as_deref().and_then(|path| {
            let normal = path.replace('\\', "/");
            Path::new(&normal)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        });
        let csproj = project.csharp_projects.iter().find(|p| {
            p.assembly.eq_ignore_ascii_case(&assembly.name)
                || file_stem
                    .as_deref()
                    .is_some_and(|stem| p.assembly.eq_ignore_ascii_case(stem))
        });
        let (files, tie) = match csproj {
            Some(csproj) => (csproj.sources.clone(), Tie::Csproj(csproj.project_file)),
            None => {
                let named: Vec<(String, Option<String>)> = entry_points
                    .iter()
                    .filter(|e| e.assembly == Some(id))
                    .filter_map(|e| match (&e.external.class, &e.external.method) {
                        (Some(class), method) => Some((
                            class.value.to_string(),
                            method.as_ref().map(|m| m.value.to_string()),
                        )),
                        // `EXTERNAL NAME Asm.Class` of a type or aggregate.
                        (None, Some(class)) => Some((class.value.to_string(), None)),
                        (None, None) => None,
                    })
                    .collect();
                (loose_files_declaring(context, &named), Tie::ExternalName)
            }
        };
        if files.is_empty() {
            continue;
        }
        out.push(Source {
            name: assembly.name.to_string(),
            permission_set,
            declared_at,
            tie,
            code: code::Code::build(workspace, &files),
        });
    }
    out
}

/// The source of the assembly an entry point's `EXTERNAL NAME` names, when the project
/// holds it.
pub(crate) fn source_of<'s, 'a>(
    sources: &'s [Source<'a>],
    entry: &crate::model::EntryPoint,
) -> Option<&'s Source<'a>> {
    sources
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(&entry.external.assembly.value))
}

/// The loose `.cs` files that declare one of the `(class, method)` pairs that
/// `EXTERNAL NAME`s name (the class by CLR name, or by simple name for a class named
/// without its namespace; the method without case, so that CLS001 can say what differs),
/// with every other loose `.cs` file of the same folders: the helpers a class calls
/// usually sit beside it. Requiring the method too keeps a common class name
/// (`UserDefinedFunctions`, which SSDT's templates give every project) in an unrelated
/// file from passing for the assembly's source.
fn loose_files_declaring(context: &Context<'_>, named: &[(String, Option<String>)]) -> Vec<FileId> {
    if named.is_empty() {
        return Vec::new();
    }
    let workspace = context.workspace;
    let declares = |file: &FileId| {
        workspace.csharp.get(file).is_some_and(|parsed| {
            parsed.types.iter().any(|t| {
                named.iter().any(|(class, method)| {
                    let class_fits = *class == t.full_name
                        || class.rsplit(['.', '+']).next() == Some(t.name.as_str());
                    class_fits
                        && method.as_ref().is_none_or(|m| {
                            t.methods.iter().any(|tm| tm.name.eq_ignore_ascii_case(m))
                        })
                })
            })
        })
    };
    let folders: Vec<&Path> = context
        .project
        .loose_csharp
        .iter()
        .filter(|f| declares(f))
        .filter_map(|f| workspace.files.get(*f).absolute.parent())
        .collect();
    context
        .project
        .loose_csharp
        .iter()
        .copied()
        .filter(|f| {
            workspace
                .files
                .get(*f)
                .absolute
                .parent()
                .is_some_and(|dir| folders.contains(&dir))
        })
        .collect()
}

/// The C# that an entry point binds to: the method (or, for a type or aggregate, the
/// class) in the source of its assembly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsTarget {
    pub file: FileId,
    /// The method's or class's name.
    pub range: syntax::TextRange,
    /// A one-line C# signature: `[SqlFunction] public static long Counters.Ids.Next()`.
    pub signature: String,
}

/// Where the C# of an entry point (`EXTERNAL NAME` of `object`) is, when the project holds
/// its assembly's source; for the editor's hover and go to definition.
pub fn entry_point_target(
    workspace: &crate::project::Workspace,
    project: &crate::project::Project,
    model: &crate::model::Model,
    object: crate::model::ObjectId,
) -> Option<CsTarget> {
    let entry = model
        .entry_points()
        .into_iter()
        .find(|e| e.object == object)?;
    let context = Context::new(workspace, project, model);
    let all = sources(&context);
    let source = source_of(&all, &entry)?;
    let code = &source.code;
    let class = entry.external.class.as_ref().or(entry
        .external
        .method
        .as_ref()
        .filter(|_| entry.external.class.is_none()))?;
    let types = code.types_named(&class.value);
    let (ty_file, ty) = *types.first().map(|&t| &code.types[t])?;
    let method = entry
        .external
        .method
        .as_ref()
        .filter(|_| entry.external.class.is_some());
    let Some(method) = method else {
        return Some(CsTarget {
            file: ty_file,
            range: ty.name_range,
            signature: format!("class {}", ty.full_name),
        });
    };
    let m = code
        .methods_in(&types, &method.value)
        .into_iter()
        .find(|&m| code.methods[m].method.kind == syntax::csharp::MethodKind::Method)?;
    let found = code.methods[m].method;
    let attributes: String = found
        .attributes
        .iter()
        .map(|a| format!("[{}] ", a.short_name()))
        .collect();
    let params: Vec<String> = found
        .params
        .iter()
        .map(|p| format!("{} {}", p.type_text, p.name))
        .collect();
    let modifiers = if found.modifiers.is_static {
        "static "
    } else {
        ""
    };
    Some(CsTarget {
        file: code.methods[m].file,
        range: found.name_range,
        signature: format!(
            "{attributes}{modifiers}{} {}.{}({})",
            found.return_type,
            ty.full_name,
            found.name,
            params.join(", ")
        ),
    })
}

/// Whether the target server enforces the declared permission set: before SQL Server
/// 2017 (the `.sqlproj`'s `DSP`), or with `clr strict security` turned off by the
/// project, or by the configuration (`clr-strict-security = false`), which wins. Then CLS002–004, CLS006 and CLS007 are errors (the assembly is refused or
/// the call fails); with strict security on every assembly runs as UNSAFE, and they are
/// warnings: the declaration misstates what the code does.
pub(crate) fn enforced(context: &Context<'_>) -> bool {
    !crate::rules::clr::no_trust_path::strict_security(context)
}

/// The severity of a finding whose consequence depends on enforcement.
pub(crate) fn severity(context: &Context<'_>) -> Severity {
    if enforced(context) {
        Severity::Error
    } else {
        Severity::Warning
    }
}

/// What a message says of the consequence, enforced or not.
pub(crate) fn consequence(context: &Context<'_>, refused: &str) -> String {
    if enforced(context) {
        format!("{refused} on the target server, which enforces the declared permission set")
    } else {
        format!(
            "{refused} wherever the declared permission set is enforced (clr strict security off, or before SQL Server 2017); with strict security on, the declaration misstates what the code does"
        )
    }
}

/// A finding at a C# location with the assembly's declaration related.
pub(crate) fn finding(
    meta: &crate::rule::RuleMeta,
    severity: Severity,
    file: FileId,
    range: syntax::TextRange,
    message: String,
    source: &Source<'_>,
) -> Diagnostic {
    let mut diagnostic = walk::finding(meta, file, range, message);
    diagnostic.severity = severity;
    diagnostic.related.push(source.declaration());
    diagnostic
}

/// Runs a step of a recursive walk on a fresh stack segment when the current one runs
/// low: generated C# nests deeply too.
pub(crate) fn deep<R>(f: impl FnOnce() -> R) -> R {
    syntax::deep(f)
}

#[cfg(test)]
mod tests;
