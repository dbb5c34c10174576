//! CLS012 external-access-by-sql-login: code that reaches external resources, in an
//! EXTERNAL_ACCESS or UNSAFE assembly, executable by a principal whose context is a SQL
//! Server login.

use syntax::ast::{LoginSource, ObjectKind, UserSource};

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::{Model, PrincipalId, PrincipalKind};
use crate::rule::RuleMeta;
use crate::rules::walk;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Cls012,
        name: "external-access-by-sql-login",
        severity: Severity::Warning,
        summary: "External resources reached by CLR code that a principal mapped to a SQL Server login can execute",
        doc: r#"## What it does
Reports, at the C# line that reaches a file, the network, the registry, an environment
variable or a process, code of an EXTERNAL_ACCESS or UNSAFE assembly that an entry point
reaches (directly or through the project's own methods) when a principal whose context is
a SQL Server login may execute that entry point: a user `FOR LOGIN` a login created `WITH
PASSWORD`, or a contained user `WITH PASSWORD`, granted `EXECUTE` (or `SELECT` on a
table-valued function) directly, through a role (also `public`), or on the schema or
database. The grant and the login are related locations.

## Why is this bad?
SQL Server runs CLR code that accesses external resources under the SQL Server service
account, or under the caller's Windows identity when the code impersonates. When the
execution context corresponds to a SQL Server login, there is no Windows identity:
SQL Server denies the access and raises a security exception. The entry point works for
Windows users and fails for these principals.

## Example
```sql
CREATE ASSEMBLY Files FROM 0x4D5A900003 WITH PERMISSION_SET = EXTERNAL_ACCESS;
GO
CREATE PROCEDURE dbo.ReadFile @path nvarchar(260) AS EXTERNAL NAME Files.[Files.Io].Read;
GO
CREATE LOGIN app WITH PASSWORD = 'Str0ng!Passw0rd';
GO
CREATE USER app FOR LOGIN app;
GO
GRANT EXECUTE ON dbo.ReadFile TO app;
```
```csharp
namespace Files
{
    public static class Io
    {
        public static void Read(string path) { System.IO.File.ReadAllText(path); }
    }
}
```

## How to fix
Call the entry point from Windows-authenticated principals only (grant it to a role of
Windows users), or move the external access out of the database.

## References
- [CLR integration security: accessing external resources](https://learn.microsoft.com/sql/relational-databases/clr-integration/security/clr-integration-security)
- [Impersonation and credentials for connections](https://learn.microsoft.com/sql/relational-databases/clr-integration/data-access/impersonation-and-credentials-for-connections)
"#,
    },
    check,
};

/// The login a database principal's context is, when it is a SQL Server login: a user
/// for a login created `WITH PASSWORD`, or a contained user with a password (itself).
fn sql_login(model: &Model, principal: PrincipalId) -> Option<PrincipalId> {
    let p = model.principal(principal);
    match &p.kind {
        PrincipalKind::User(UserSource::Password) => Some(principal),
        PrincipalKind::User(UserSource::Login(_)) => {
            let login = p.login?;
            matches!(
                model.principal(login).kind,
                PrincipalKind::Login(LoginSource::Password)
            )
            .then_some(login)
        }
        _ => None,
    }
}

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let sources = context.sources();
    for entry in model.entry_points() {
        let Some(source) = super::source_of(sources, &entry) else {
            continue;
        };
        if source.restricted() && source.permission_set == syntax::ast::PermissionSet::Safe {
            continue;
        }
        let object = model.object(entry.object);
        let permission = match object.kind {
            ObjectKind::Procedure | ObjectKind::ScalarFunction => "EXECUTE",
            ObjectKind::MultiStatementTableFunction | ObjectKind::InlineTableFunction => "SELECT",
            _ => continue,
        };
        let (Some(class), Some(method)) = (&entry.external.class, &entry.external.method) else {
            continue;
        };
        let code = &source.code;
        let types = code.types_named(&class.value);
        let methods = code.methods_in(&types, &method.value);
        if methods.is_empty() {
            continue;
        }
        // Who may execute it, and which of them is a SQL Server login's context.
        let mut caller = None;
        for executor in model.executors(entry.object, permission) {
            if executor.denied {
                continue;
            }
            let candidates: Vec<PrincipalId> = if model.principal(executor.principal).kind.is_role()
            {
                model
                    .principals()
                    .filter(|(id, _)| model.roles_of(*id).contains(&executor.principal))
                    .map(|(id, _)| id)
                    .collect()
            } else {
                vec![executor.principal]
            };
            if let Some((user, login)) = candidates
                .into_iter()
                .find_map(|p| sql_login(model, p).map(|login| (p, login)))
            {
                caller = Some((user, login, executor.location));
                break;
            }
        }
        let Some((user, login, granted_at)) = caller else {
            continue;
        };
        let name = model.object_name(entry.object);
        let mut seen = Vec::new();
        for &start in &methods {
            for (site, _) in code.reach(start) {
                if !site.need.is_external() || seen.contains(&(site.file, site.range)) {
                    continue;
                }
                seen.push((site.file, site.range));
                let user_name = &model.principal(user).name;
                let login_text = if login == user {
                    format!("the contained user {user_name}, who signs in with a password")
                } else {
                    format!(
                        "{user_name}, the user of SQL Server login {}",
                        model.principal(login).name
                    )
                };
                let mut d = super::finding(
                    &RULE.meta,
                    RULE.meta.severity,
                    site.file,
                    site.range,
                    format!(
                        "{} reaches {} for {name}, which {login_text} may execute: when the execution context is a SQL Server login, SQL Server denies access to external resources and raises a security exception. Grant {name} to Windows-authenticated principals only, or move the access out of the database.",
                        site.what,
                        site.need.describe()
                    ),
                    source,
                );
                d.related.push(walk::related(
                    granted_at.file,
                    granted_at.range,
                    format!("{user_name} may execute {name}"),
                ));
                if let Some(location) = model.principal(login).location {
                    d.related.push(walk::related(
                        location.file,
                        location.range,
                        "a SQL Server login (WITH PASSWORD)",
                    ));
                }
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    const CS: &str = "=== file: src/Io.cs\n\
        using System.IO;\n\
        namespace Files { public static class Io {\n\
          public static void Read(string path) { Load(path); }\n\
          static void Load(string path) { File.ReadAllText(path); } --! CLS012\n\
          public static void Pure(string path) { }\n\
        } }\n";

    #[test]
    fn a_sql_login_that_may_execute_external_access_is_reported() {
        testing::check_rule(
            &super::RULE,
            &format!(
                "=== file: a.sql\n\
                 CREATE ASSEMBLY Files FROM 0x4D5A WITH PERMISSION_SET = EXTERNAL_ACCESS;\n\
                 GO\n\
                 CREATE PROCEDURE dbo.ReadFile @path nvarchar(260) AS EXTERNAL NAME Files.[Files.Io].Read;\n\
                 GO\n\
                 CREATE PROCEDURE dbo.Pure @path nvarchar(260) AS EXTERNAL NAME Files.[Files.Io].Pure;\n\
                 GO\n\
                 CREATE LOGIN app WITH PASSWORD = 'x';\n\
                 GO\n\
                 CREATE USER app FOR LOGIN app;\n\
                 GO\n\
                 CREATE ROLE readers;\n\
                 GO\n\
                 ALTER ROLE readers ADD MEMBER app;\n\
                 GO\n\
                 GRANT EXECUTE ON dbo.ReadFile TO readers;\n\
                 GO\n\
                 GRANT EXECUTE ON dbo.Pure TO app;\n\
                 {CS}"
            ),
        );
    }

    #[test]
    fn windows_users_and_safe_assemblies_are_not_reported() {
        testing::check_rule(
            &super::RULE,
            &format!(
                "=== file: a.sql\n\
                 CREATE ASSEMBLY Files FROM 0x4D5A WITH PERMISSION_SET = EXTERNAL_ACCESS;\n\
                 GO\n\
                 CREATE PROCEDURE dbo.ReadFile @path nvarchar(260) AS EXTERNAL NAME Files.[Files.Io].Read;\n\
                 GO\n\
                 CREATE LOGIN [DOMAIN\\app] FROM WINDOWS;\n\
                 GO\n\
                 CREATE USER app FOR LOGIN [DOMAIN\\app];\n\
                 GO\n\
                 GRANT EXECUTE ON dbo.ReadFile TO app;\n\
                 {}",
                CS.replace(" --! CLS012", "")
            ),
        );
    }

    #[test]
    fn a_contained_user_with_a_password_is_reported() {
        testing::check_rule(
            &super::RULE,
            &format!(
                "=== file: a.sql\n\
                 CREATE ASSEMBLY Files FROM 0x4D5A WITH PERMISSION_SET = UNSAFE;\n\
                 GO\n\
                 CREATE PROCEDURE dbo.ReadFile @path nvarchar(260) AS EXTERNAL NAME Files.[Files.Io].Read;\n\
                 GO\n\
                 CREATE USER app WITH PASSWORD = 'x';\n\
                 GO\n\
                 GRANT EXECUTE ON SCHEMA::dbo TO app;\n\
                 {CS}"
            ),
        );
    }
}
