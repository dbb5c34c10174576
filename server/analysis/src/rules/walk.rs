//! Shared reading helpers for the statement rules: the project's statements in
//! deployment order with `:r` includes expanded, and the recognition of system
//! procedure calls (`sp_configure`, `sp_add_trusted_assembly`, …) with their arguments.
//!
//! Rules that judge a single statement report every such statement, so they read this
//! stream rather than the model's final state.

use std::collections::HashSet;

use syntax::TextRange;
use syntax::ast::{
    Argument, CreateObject, Exec, ExecTarget, Expr, QualifiedName, Statement, StatementKind,
};

use crate::diagnostic::{Diagnostic, FileId, Location, Related};
use crate::project::{Project, Workspace};
use crate::rule::RuleMeta;
use crate::rules::Context;

/// A finding of the rule `meta` at `range` in `file`, with its default severity.
pub fn finding(meta: &RuleMeta, file: FileId, range: TextRange, message: String) -> Diagnostic {
    Diagnostic {
        code: meta.code,
        severity: meta.severity,
        message,
        location: Location { file, range },
        related: Vec::new(),
        fix: None,
    }
}

/// `diagnostic` with a concrete fix to show beside it.
pub fn with_fix(mut diagnostic: Diagnostic, fix: impl Into<String>) -> Diagnostic {
    diagnostic.fix = Some(fix.into());
    diagnostic
}

/// A related location.
pub fn related(file: FileId, range: TextRange, message: impl Into<String>) -> Related {
    Related {
        location: Location { file, range },
        message: message.into(),
    }
}

/// One statement of a project, with where it stands.
#[derive(Clone, Copy)]
pub struct Stmt<'a> {
    /// The file the statement is written in (an included file for `:r` content).
    pub file: FileId,
    /// The project script whose expansion reached this statement: the unit that
    /// `EXECUTE AS` / `REVERT` pairs are matched in.
    pub root: FileId,
    pub statement: &'a Statement,
    /// The module whose body holds the statement, when it is inside one.
    pub module: Option<&'a CreateObject>,
    /// For a statement of dynamic SQL with known text, the `EXEC` statement that runs
    /// it (the statement's own ranges point inside the literal).
    pub dynamic: Option<TextRange>,
}

/// Every statement of the project in the order state changes apply: the project's
/// scripts in order, each with its `:r` includes expanded in place, and each module's
/// body statements right after the statement that creates the module, and the
/// statements of dynamic SQL with known text right after what runs them. This is the
/// model's stream, so SQLCMD variables are already substituted.
///
/// A module definition that is not the one in force at the end (a later `CREATE`,
/// `ALTER` or `CREATE OR ALTER` of the same object replaced it, as migration folders do
/// in every version, or a final `DROP` removed it) is left out with its body, so rules
/// about a module judge each object once, on the definition that runs.
///
/// Listed once per [`Context`] and shared by the rules that walk it: fourteen rules did
/// this walk each, which at 100k objects cost more than any one of them.
pub fn statements<'c, 'a>(context: &'c Context<'a>) -> impl Iterator<Item = Stmt<'a>> + 'c {
    context
        .statements
        .get_or_init(|| list_statements(context))
        .iter()
        .copied()
}

fn list_statements<'a>(context: &Context<'a>) -> Vec<Stmt<'a>> {
    let model = context.model;
    let mut list = model
        .statements()
        .filter(|reference| {
            reference.in_module
                || !matches!(
                    &reference.statement.kind,
                    StatementKind::CreateObject(object) if object.module.is_some()
                )
                || !model.is_superseded(reference.id)
        })
        .map(|reference| Stmt {
            file: reference.file,
            root: reference.script,
            statement: reference.statement,
            module: if reference.in_module {
                match &model.item(reference.id).statement.kind {
                    StatementKind::CreateObject(object) => Some(object),
                    _ => None,
                }
            } else {
                None
            },
            dynamic: reference.dynamic,
        })
        .collect::<Vec<_>>();
    // Kept while the rules run; it grew by doubling.
    list.shrink_to_fit();
    list
}

/// The files the project's scripts reach, each once, in the order they are first reached.
pub fn files(workspace: &Workspace, project: &Project) -> Vec<FileId> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for script in &project.scripts {
        reach(workspace, project, script.file, &mut seen, &mut out);
    }
    out
}

fn reach(
    workspace: &Workspace,
    project: &Project,
    file: FileId,
    seen: &mut HashSet<FileId>,
    out: &mut Vec<FileId>,
) {
    // A file reached before has had its includes followed already; this also ends a
    // cycle, which the loader reports (SQL004).
    if !seen.insert(file) {
        return;
    }
    out.push(file);
    let Some(parsed) = workspace.scripts.get(&file) else {
        return;
    };
    for statement in &parsed.statements {
        if let StatementKind::Include { .. } = statement.kind
            && let Some(&target) = project.includes.get(&(file, statement.range.start()))
        {
            reach(workspace, project, target, seen, out);
        }
    }
}

/// True when `name` calls the system procedure `procedure` (given in lower case): in
/// any case and quoting, bare, `sys.`-qualified, or `master.sys.` / `master..`.
pub fn is_system_procedure(name: &QualifiedName, procedure: &str) -> bool {
    if name.server().is_some() || !name.object().value.eq_ignore_ascii_case(procedure) {
        return false;
    }
    let schema_ok = match name.parts.len() {
        1 => true,
        _ => {
            let schema = &name.parts[name.parts.len() - 2].value;
            schema.is_empty()
                || schema.eq_ignore_ascii_case("sys")
                || schema.eq_ignore_ascii_case("dbo")
        }
    };
    let database_ok = name
        .database()
        .is_none_or(|database| database.value.eq_ignore_ascii_case("master"));
    schema_ok && database_ok
}

/// The arguments of a call to the system procedure `procedure`, when `exec` is one.
pub fn system_call<'a>(exec: &'a Exec, procedure: &str) -> Option<&'a [Argument]> {
    match &exec.target {
        ExecTarget::Procedure { name, arguments } if is_system_procedure(name, procedure) => {
            Some(arguments)
        }
        _ => None,
    }
}

/// The argument for parameter `name` (lower case, with `@`), written either by name or
/// in position `index` (zero-based) among the leading unnamed arguments.
pub fn argument<'a>(arguments: &'a [Argument], index: usize, name: &str) -> Option<&'a Argument> {
    if let Some(named) = arguments.iter().find(|argument| {
        argument
            .name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    }) {
        return Some(named);
    }
    let positional = arguments.get(index)?;
    let leading_unnamed = arguments[..=index].iter().all(|a| a.name.is_none());
    leading_unnamed.then_some(positional)
}

/// The text of a literal argument: a string's value or a number as written.
pub fn literal(expr: &Expr) -> Option<&str> {
    expr.literal_text()
}

/// An integer literal, written as a number or a string (`1`, `'1'`, `N'1'`).
pub fn integer(expr: &Expr) -> Option<i64> {
    let text = literal(expr)?.trim();
    text.strip_prefix('+').unwrap_or(text).parse().ok()
}

/// A call to `sp_configure` that sets an option.
pub struct Configure {
    /// The option's full name in lower case, as `sys.configurations` spells it.
    pub option: &'static str,
    /// The new value, when it is an integer literal.
    pub value: Option<i64>,
}

/// Reads `sp_configure 'name', value` in any of its spellings: `EXEC`/`EXECUTE` or
/// none, `sys.`/`master.sys.`, named (`@configname`, `@configvalue`) or positional
/// arguments. The name is resolved as SQL Server does: case-insensitively, and any
/// string that is part of exactly one option's name selects that option (an exact name
/// always wins).
pub fn sp_configure(statement: &Statement) -> Option<Configure> {
    let StatementKind::Exec(exec) = &statement.kind else {
        return None;
    };
    let arguments = system_call(exec, "sp_configure")?;
    let name = literal(&argument(arguments, 0, "@configname")?.value)?;
    let option = configuration_option(name)?;
    let value = argument(arguments, 1, "@configvalue").and_then(|a| integer(&a.value));
    Some(Configure { option, value })
}

/// The server configuration option that `sp_configure` selects for `given`.
pub fn configuration_option(given: &str) -> Option<&'static str> {
    let given = given.to_lowercase();
    if given.is_empty() {
        return None;
    }
    if let Some(exact) = CONFIGURATION_OPTIONS.iter().find(|name| **name == given) {
        return Some(exact);
    }
    let mut matching = CONFIGURATION_OPTIONS
        .iter()
        .filter(|name| name.contains(given.as_str()));
    match (matching.next(), matching.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// The names in `sys.configurations` (SQL Server 2022), in lower case. The list decides
/// whether a partial name is unique, so it holds every option, not only the risky ones.
const CONFIGURATION_OPTIONS: &[&str] = &[
    "access check cache bucket count",
    "access check cache quota",
    "ad hoc distributed queries",
    "adr cleaner retry timeout (min)",
    "adr cleaner thread count",
    "adr preallocation factor",
    "affinity i/o mask",
    "affinity mask",
    "affinity64 i/o mask",
    "affinity64 mask",
    "agent xps",
    "allow filesystem enumeration",
    "allow polybase export",
    "allow updates",
    "automatic soft-numa disabled",
    "backup checksum default",
    "backup compression algorithm",
    "backup compression default",
    "blocked process threshold (s)",
    "c2 audit mode",
    "clr enabled",
    "clr strict security",
    "column encryption enclave type",
    "common criteria compliance enabled",
    "contained database authentication",
    "cost threshold for parallelism",
    "cross db ownership chaining",
    "cursor threshold",
    "database mail xps",
    "default full-text language",
    "default language",
    "default trace enabled",
    "disallow results from triggers",
    "ekm provider enabled",
    "external scripts enabled",
    "filestream access level",
    "fill factor (%)",
    "ft crawl bandwidth (max)",
    "ft crawl bandwidth (min)",
    "ft notify bandwidth (max)",
    "ft notify bandwidth (min)",
    "hadoop connectivity",
    "hardware offload config",
    "hardware offload enabled",
    "hardware offload mode",
    "in-doubt xact resolution",
    "index create memory (kb)",
    "lightweight pooling",
    "locks",
    "max degree of parallelism",
    "max full-text crawl range",
    "max server memory (mb)",
    "max text repl size (b)",
    "max worker threads",
    "media retention",
    "min memory per query (kb)",
    "min server memory (mb)",
    "nested triggers",
    "network packet size (b)",
    "ole automation procedures",
    "open objects",
    "openrowset auto_create_statistics",
    "optimize for ad hoc workloads",
    "ph timeout (s)",
    "polybase enabled",
    "polybase network encryption",
    "precompute rank",
    "priority boost",
    "query governor cost limit",
    "query wait (s)",
    "recovery interval (min)",
    "remote access",
    "remote admin connections",
    "remote data archive",
    "remote login timeout (s)",
    "remote proc trans",
    "remote query timeout (s)",
    "replication xps",
    "scan for startup procs",
    "server trigger recursion",
    "set working set size",
    "show advanced options",
    "smo and dmo xps",
    "suppress recovery model errors",
    "tempdb metadata memory-optimized",
    "transform noise words",
    "two digit year cutoff",
    "user connections",
    "user options",
    "version high part of sql server",
    "version low part of sql server",
    "xp_cmdshell",
];

#[cfg(test)]
mod tests {
    use syntax::TextRange;
    use syntax::ast::{Argument, Expr, Ident, QualifiedName};

    use super::{argument, configuration_option, integer, is_system_procedure};

    fn name(parts: &[&str]) -> QualifiedName {
        QualifiedName {
            parts: parts
                .iter()
                .map(|part| Ident {
                    value: (*part).into(),
                    range: TextRange::default(),
                })
                .collect(),
            range: TextRange::default(),
        }
    }

    #[test]
    fn system_procedures_are_recognised_in_every_qualification() {
        for parts in [
            &["sp_configure"][..],
            &["SP_CONFIGURE"],
            &["sys", "sp_configure"],
            &["SYS", "Sp_Configure"],
            &["dbo", "sp_configure"],
            &["master", "sys", "sp_configure"],
            &["master", "", "sp_configure"],
        ] {
            assert!(
                is_system_procedure(&name(parts), "sp_configure"),
                "{parts:?}"
            );
        }
        for parts in [
            &["app", "sp_configure"][..],
            &["msdb", "dbo", "sp_configure"],
            &["srv", "master", "sys", "sp_configure"],
            &["sp_configure_x"],
        ] {
            assert!(
                !is_system_procedure(&name(parts), "sp_configure"),
                "{parts:?}"
            );
        }
    }

    fn arg(name: Option<&str>, value: &str) -> Argument {
        Argument {
            name: name.map(str::to_owned),
            value: Expr::String(value.to_owned(), TextRange::default()),
            output: false,
            range: TextRange::default(),
        }
    }

    #[test]
    fn arguments_are_found_by_name_or_by_leading_position() {
        let positional = [arg(None, "a"), arg(None, "b")];
        assert_eq!(
            argument(&positional, 1, "@second").and_then(|a| a.value.literal_text()),
            Some("b")
        );
        let named = [arg(Some("@second"), "b"), arg(Some("@first"), "a")];
        assert_eq!(
            argument(&named, 0, "@first").and_then(|a| a.value.literal_text()),
            Some("a")
        );
        // After a named argument, position no longer counts.
        let mixed = [arg(Some("@first"), "a"), arg(None, "b")];
        assert!(argument(&mixed, 1, "@second").is_none());
        assert!(argument(&positional, 2, "@third").is_none());
    }

    #[test]
    fn integers_are_read_from_numbers_and_strings() {
        assert_eq!(
            integer(&Expr::Number("1".into(), TextRange::default())),
            Some(1)
        );
        assert_eq!(
            integer(&Expr::String(" 0 ".into(), TextRange::default())),
            Some(0)
        );
        assert_eq!(
            integer(&Expr::String("on".into(), TextRange::default())),
            None
        );
    }

    // sp_configure's documentation: "The SQL Server Database Engine recognizes any
    // unique string that is part of the configuration name."
    #[test]
    fn partial_option_names_resolve_only_when_unique() {
        assert_eq!(
            configuration_option("clr strict security"),
            Some("clr strict security")
        );
        assert_eq!(configuration_option("CLR Enabled"), Some("clr enabled"));
        assert_eq!(configuration_option("strict"), Some("clr strict security"));
        assert_eq!(configuration_option("clr enab"), Some("clr enabled"));
        assert_eq!(
            configuration_option("chaining"),
            Some("cross db ownership chaining")
        );
        // Both CLR options contain "clr": sp_configure refuses the ambiguous name.
        assert_eq!(configuration_option("clr"), None);
        assert_eq!(configuration_option("enabled"), None);
        assert_eq!(configuration_option("no such option"), None);
        assert_eq!(configuration_option(""), None);
        // "affinity mask" is also part of no other name, so it is exact and unique.
        assert_eq!(configuration_option("affinity mask"), Some("affinity mask"));
    }

    /// Migration folders redefine the same module in every version (CREATE OR ALTER,
    /// https://learn.microsoft.com/en-us/sql/t-sql/statements/create-procedure-transact-sql:
    /// "alters the procedure if it already exists"); only the definition in force at the
    /// end runs, so a rule about a module's body (here IMP004) reports it once, on the last
    /// definition, and not at all for a module a final DROP removed.
    #[test]
    fn rules_about_a_module_judge_only_the_definition_in_force() {
        crate::rules::sql::testing::check(
            "=== file: 001.sql
CREATE PROCEDURE dbo.run @filter nvarchar(400) WITH EXECUTE AS OWNER
AS EXEC ('SELECT * FROM dbo.t WHERE ' + @filter);
GO
CREATE PROCEDURE dbo.gone @filter nvarchar(400) WITH EXECUTE AS OWNER
AS EXEC ('SELECT * FROM dbo.t WHERE ' + @filter);
GO
=== file: 002.sql
CREATE OR ALTER PROCEDURE dbo.run @filter nvarchar(400) WITH EXECUTE AS OWNER
AS EXEC ('SELECT * FROM dbo.t WHERE ' + @filter);
GO
=== file: 003.sql
DROP PROCEDURE dbo.run;
GO
CREATE PROCEDURE dbo.run @filter nvarchar(400) WITH EXECUTE AS OWNER
AS EXEC ('SELECT * FROM dbo.t WHERE ' + @filter);   --! IMP004
GO
DROP PROCEDURE dbo.gone;
GO
",
        );
    }

    /// A module defined once is judged as before.
    #[test]
    fn a_module_defined_once_is_judged() {
        crate::rules::sql::testing::check(
            "CREATE PROCEDURE dbo.run @filter nvarchar(400) WITH EXECUTE AS OWNER
AS EXEC ('SELECT * FROM dbo.t WHERE ' + @filter);   --! IMP004
",
        );
    }
}
