//! IMP001 owner-context-in-trustworthy-database: a module that runs as `dbo` or a
//! `db_owner` member in a TRUSTWORTHY database.

use syntax::ast::ExecutionContext;

use crate::diagnostic::{Code, Diagnostic, Location, Severity};
use crate::model::RunsAs;
use crate::rule::RuleMeta;
use crate::rules::walk;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Imp001,
        name: "owner-context-in-trustworthy-database",
        severity: Severity::Warning,
        summary: "A module runs as dbo or a db_owner member in a TRUSTWORTHY database",
        doc: r#"## What it does
Reports a procedure, function or trigger declared `WITH EXECUTE AS OWNER`, `SELF` or
`'name'` whose execution context is `dbo` or a member of `db_owner`, when the database is
TRUSTWORTHY in the project's final state (`ALTER DATABASE … SET TRUSTWORTHY ON` or
`<Trustworthy>True</Trustworthy>`).

## Why is this bad?
In a TRUSTWORTHY database, the server honours a database-level impersonation of the
owner at server scope: the module acts with the server permissions of the login that owns
the database, very often a sysadmin. Anyone who can call the module, or who can alter it
(`ALTER` on it or its schema, `db_ddladmin`), can run anything as that login.

## Example
```sql
ALTER DATABASE CURRENT SET TRUSTWORTHY ON;
GO
CREATE PROCEDURE dbo.purge_logs
WITH EXECUTE AS OWNER
AS
    DELETE FROM dbo.logs;
```

## How to fix
Turn TRUSTWORTHY off. Give the module a dedicated low-privilege context (`WITH EXECUTE AS
'purger'` where that user holds only what the module needs), or sign it with a
certificate whose user (or login) holds exactly the permissions it needs.

## References
- [TRUSTWORTHY database property](https://learn.microsoft.com/sql/relational-databases/security/trustworthy-database-property)
- [EXECUTE AS clause](https://learn.microsoft.com/sql/t-sql/statements/execute-as-clause-transact-sql)
- [Extending database impersonation by using EXECUTE AS](https://learn.microsoft.com/sql/relational-databases/security/authentication-access/extending-database-impersonation-by-using-execute-as)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let trustworthy = &model.options().trustworthy;
    if !trustworthy.on {
        return;
    }
    let switched_on = trustworthy.on_locations();
    for (id, _) in model.objects() {
        let Some(clause) = model.module(id).and_then(|m| m.execute_as.as_ref()) else {
            continue;
        };
        let RunsAs::Principal(principal) = model.runs_as(id) else {
            continue;
        };
        if !model.is_db_owner(principal) {
            continue;
        }
        let written = match &clause.context {
            ExecutionContext::Caller => continue,
            ExecutionContext::Owner => "EXECUTE AS OWNER".to_owned(),
            ExecutionContext::SelfUser => "EXECUTE AS SELF".to_owned(),
            ExecutionContext::User(name) => format!("EXECUTE AS '{name}'"),
        };
        let who = model.principal_name(principal);
        let role = if principal == model.dbo() {
            "the database owner".to_owned()
        } else {
            "a member of db_owner".to_owned()
        };
        let name = model.object_name(id);
        let file = model.item(model.object(id).statement).file;
        let mut diagnostic = walk::finding(
            &RULE.meta,
            file,
            clause.range,
            format!(
                "{name} runs {written} as {who} ({role}) in a TRUSTWORTHY database: anyone who can call or alter it reaches server scope with the permissions of the login that owns the database. Turn TRUSTWORTHY off, or run the module as a dedicated low-privilege user or sign it with a certificate."
            ),
        );
        for Location { file, range } in &switched_on {
            diagnostic.related.push(walk::related(
                *file,
                *range,
                "the database is made TRUSTWORTHY here",
            ));
        }
        if matches!(clause.context, ExecutionContext::Owner)
            && let Some(Location { file, range }) = model.owner_location(id)
        {
            diagnostic.related.push(walk::related(
                file,
                range,
                format!("{name} is owned by {who} because of this"),
            ));
        }
        if let Some(path) = model.membership_path(principal, model.db_owner()) {
            for Location { file, range } in path {
                diagnostic.related.push(walk::related(
                    file,
                    range,
                    format!("{who} becomes a member of db_owner here"),
                ));
            }
        }
        out.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::testing::{self, check};

    #[test]
    fn owner_and_self_contexts_in_a_trustworthy_database_are_reported() {
        check(
            "ALTER DATABASE CURRENT SET TRUSTWORTHY ON; --! CLR003\n\
             GO\n\
             CREATE PROCEDURE dbo.purge_logs\n\
             WITH EXECUTE AS OWNER --! IMP001: dbo.purge_logs runs EXECUTE AS OWNER as dbo (the database owner) in a TRUSTWORTHY database: anyone who can call or alter it reaches server scope with the permissions of the login that owns the database. Turn TRUSTWORTHY off, or run the module as a dedicated low-privilege user or sign it with a certificate.\n\
             AS DELETE FROM dbo.logs;\n\
             GO\n\
             CREATE PROCEDURE dbo.p2 WITH EXECUTE AS SELF AS SELECT 1; --! IMP001\n\
             GO\n\
             CREATE PROCEDURE dbo.p3 WITH EXECUTE AS 'dbo' AS SELECT 1; --! IMP001\n\
             GO\n\
             CREATE PROCEDURE dbo.p4 WITH EXECUTE AS CALLER AS SELECT 1;\n\
             GO\n\
             CREATE PROCEDURE dbo.p5 AS SELECT 1;\n\
             GO\n",
        );
    }

    // ALTER DATABASE names the database it changes, whatever the current one
    // (https://learn.microsoft.com/sql/t-sql/statements/alter-database-transact-sql-set-options):
    // another database's TRUSTWORTHY says nothing of the project's. Where the project's
    // own database has no name to tell (plain scripts that neither create nor use one),
    // any name may be it.
    #[test]
    fn only_the_projects_own_database_being_trustworthy_counts() {
        check(
            "=== file: Shop.sqlproj
<Project><ItemGroup><Build Include=\"a.sql\" /></ItemGroup></Project>
=== file: a.sql
ALTER DATABASE Tools SET TRUSTWORTHY ON; --! CLR003
GO
CREATE PROCEDURE dbo.p WITH EXECUTE AS OWNER AS SELECT 1;
GO
",
        );
        check(
            "=== file: Shop.sqlproj
<Project><ItemGroup><Build Include=\"a.sql\" /></ItemGroup></Project>
=== file: a.sql
ALTER DATABASE [Shop] SET TRUSTWORTHY ON; --! CLR003
GO
CREATE PROCEDURE dbo.p WITH EXECUTE AS OWNER AS SELECT 1; --! IMP001
GO
",
        );
        check(
            "CREATE DATABASE Demo;
GO
USE Demo;
GO
ALTER DATABASE Tools SET TRUSTWORTHY ON; --! CLR003
GO
CREATE PROCEDURE dbo.p WITH EXECUTE AS OWNER AS SELECT 1;
GO
",
        );
        check(
            "ALTER DATABASE Anything SET TRUSTWORTHY ON; --! CLR003
GO
CREATE PROCEDURE dbo.p WITH EXECUTE AS OWNER AS SELECT 1; --! IMP001
GO
",
        );
    }

    #[test]
    fn a_db_owner_member_context_is_reported_and_an_ordinary_user_is_not() {
        check(
            "ALTER DATABASE CURRENT SET TRUSTWORTHY ON; --! CLR003\n\
             GO\n\
             CREATE USER admin WITHOUT LOGIN;\n\
             CREATE USER runner WITHOUT LOGIN;\n\
             ALTER ROLE db_owner ADD MEMBER admin;\n\
             GO\n\
             CREATE SCHEMA app AUTHORIZATION runner;\n\
             GO\n\
             CREATE PROCEDURE dbo.a WITH EXECUTE AS 'admin' AS SELECT 1; --! IMP001\n\
             GO\n\
             CREATE PROCEDURE dbo.r WITH EXECUTE AS 'runner' AS SELECT 1;\n\
             GO\n\
             CREATE PROCEDURE app.o WITH EXECUTE AS OWNER AS SELECT 1;\n\
             GO\n",
        );
    }

    #[test]
    fn ownership_moves_and_nested_roles_are_followed() {
        check(
            "ALTER DATABASE CURRENT SET TRUSTWORTHY ON; --! CLR003\n\
             GO\n\
             CREATE USER runner WITHOUT LOGIN;\n\
             CREATE USER ops WITHOUT LOGIN;\n\
             CREATE ROLE admins;\n\
             ALTER ROLE admins ADD MEMBER ops;\n\
             EXEC sp_addrolemember 'db_owner', 'admins';\n\
             GO\n\
             CREATE SCHEMA app AUTHORIZATION runner;\n\
             GO\n\
             CREATE SCHEMA tools AUTHORIZATION runner;\n\
             GO\n\
             ALTER AUTHORIZATION ON SCHEMA::app TO dbo;\n\
             GO\n\
             CREATE PROCEDURE app.moved WITH EXECUTE AS OWNER AS SELECT 1; --! IMP001\n\
             GO\n\
             CREATE PROCEDURE tools.kept WITH EXECUTE AS OWNER AS SELECT 1;\n\
             GO\n\
             CREATE PROCEDURE dbo.nested WITH EXECUTE AS 'ops' AS SELECT 1; --! IMP001\n\
             GO\n",
        );
    }

    #[test]
    fn the_finding_relates_trustworthy_and_the_owner() {
        let (workspace, _) = testing::load(
            "ALTER DATABASE CURRENT SET TRUSTWORTHY ON;\n\
             GO\n\
             CREATE USER runner WITHOUT LOGIN;\n\
             GO\n\
             CREATE SCHEMA app AUTHORIZATION runner;\n\
             GO\n\
             ALTER AUTHORIZATION ON SCHEMA::app TO dbo;\n\
             GO\n\
             CREATE PROCEDURE app.p WITH EXECUTE AS OWNER AS SELECT 1;\n",
        );
        let findings = testing::findings(&workspace);
        let finding = findings
            .iter()
            .find(|d| d.code == crate::Code::Imp001)
            .expect("IMP001 is reported");
        let file = workspace.files.get(finding.location.file);
        let related: Vec<(usize, &str)> = finding
            .related
            .iter()
            .map(|r| {
                (
                    file.line_index.line_of(r.location.range.start()) + 1,
                    r.message.as_str(),
                )
            })
            .collect();
        assert_eq!(
            related,
            [
                (1, "the database is made TRUSTWORTHY here"),
                (7, "app.p is owned by dbo because of this"),
            ]
        );
    }

    #[test]
    fn nothing_is_reported_when_trustworthy_is_turned_off_again() {
        check(
            "ALTER DATABASE CURRENT SET TRUSTWORTHY ON; --! CLR003\n\
             GO\n\
             CREATE PROCEDURE dbo.p WITH EXECUTE AS OWNER AS SELECT 1;\n\
             GO\n\
             ALTER DATABASE CURRENT SET TRUSTWORTHY OFF;\n",
        );
    }

    #[test]
    fn the_trustworthy_property_counts() {
        check(
            "=== file: Db.sqlproj\n\
             <Project Sdk=\"Microsoft.Build.Sql\"><PropertyGroup><Trustworthy>True</Trustworthy></PropertyGroup></Project> --! CLR003\n\
             === file: p.sql\n\
             CREATE PROCEDURE dbo.p WITH EXECUTE AS OWNER AS SELECT 1; --! IMP001\n",
        );
    }
}
