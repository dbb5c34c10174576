//! Name resolution: case-insensitive names, one-part names looked up through the
//! module's schema, the default schema and `dbo`, built-in schemas, names that leave
//! the project's database, and synonyms followed to their target.

use syntax::ast::{ObjectKind, QualifiedName};

use super::{Model, Resolved, SchemaId};

/// A name folded for case-insensitive comparison (quoting is already removed by the
/// lowering).
pub fn fold(name: &str) -> String {
    name.to_lowercase()
}

/// `sys` and `INFORMATION_SCHEMA`, whose objects are built in.
pub fn is_system_schema(name: &str) -> bool {
    let name = fold(name);
    name == "sys" || name == "information_schema"
}

/// An `sp_configure` option name in canonical form: lower case, words separated by
/// one space.
pub(crate) fn normalize_option(name: &str) -> String {
    name.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// True when the name's server part is written, or its database part names another
/// database: a SQLCMD variable other than `DatabaseName`, or a name that is not the
/// project's database.
pub(crate) fn is_other_database(model: &Model, name: &QualifiedName) -> bool {
    if name.server().is_some_and(|server| !server.value.is_empty()) {
        return true;
    }
    let Some(database) = name.database() else {
        return false;
    };
    let value = database.value.trim();
    if value.is_empty() {
        return false;
    }
    if let Some(variable) = value
        .strip_prefix("$(")
        .and_then(|rest| rest.strip_suffix(')'))
    {
        return fold(variable) != "databasename";
    }
    !model.database_names.contains(&fold(value))
}

/// System procedures and functions that a one-part name may reach without a schema.
fn is_system_name(name: &str) -> bool {
    let name = fold(name);
    ["sp_", "xp_", "fn_", "sys"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
}

pub(crate) fn resolve(
    model: &Model,
    name: &QualifiedName,
    schema: Option<SchemaId>,
    follow_synonyms: bool,
) -> Resolved {
    let mut resolved = resolve_once(model, name, schema);
    if !follow_synonyms {
        return resolved;
    }
    // A synonym may stand for another synonym; the guard stops a cycle.
    for _ in 0..16 {
        let Resolved::Object(id) = resolved else {
            return resolved;
        };
        let object = model.object(id);
        if object.kind != ObjectKind::Synonym {
            return resolved;
        }
        let Some(target) = &object.synonym_for else {
            return Resolved::Unresolved;
        };
        resolved = resolve_once(model, target, Some(object.schema));
    }
    Resolved::Unresolved
}

fn resolve_once(model: &Model, name: &QualifiedName, schema: Option<SchemaId>) -> Resolved {
    if name.parts.is_empty() {
        return Resolved::Unresolved;
    }
    if is_other_database(model, name) {
        return Resolved::OtherDatabase;
    }
    let object = fold(&name.object().value);
    if let Some(written) = name.schema() {
        if is_system_schema(&written.value) {
            return Resolved::Builtin;
        }
        let Some(schema) = model.schema_named(&written.value) else {
            return Resolved::Unresolved;
        };
        return match model.object_index.get(&(schema, object)) {
            Some(id) => Resolved::Object(*id),
            None => Resolved::Unresolved,
        };
    }
    let candidates = [
        schema,
        model.schema_named(&model.default_schema),
        model.schema_named("dbo"),
    ];
    for schema in candidates.into_iter().flatten() {
        if let Some(id) = model.object_index.get(&(schema, object.clone())) {
            return Resolved::Object(*id);
        }
    }
    if is_system_name(&object) {
        Resolved::Builtin
    } else {
        Resolved::Unresolved
    }
}
