//! PRM006 unresolved-security-reference: a GRANT/DENY/REVOKE or role membership that
//! names a database principal, schema or object the project does not define.

use std::collections::BTreeSet;

use syntax::ast::PermissionAction;

use super::finding;
use crate::diagnostic::{Code, Diagnostic, Location, Severity};
use crate::model::{Model, PrincipalId, PrincipalKind, Scope};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Prm006,
        name: "unresolved-security-reference",
        severity: Severity::Error,
        summary: "A permission or role-membership statement names something the project does not define",
        doc: r#"## What it does
Reports a `GRANT`, `DENY`, `REVOKE`, `ALTER ROLE … ADD/DROP MEMBER` or `sp_addrolemember`
that names a database user or role, a schema or an object that the project does not
create and that is not built in (`dbo`, `public`, `guest`, the fixed roles, the `sys` and
`INFORMATION_SCHEMA` schemas and their objects). Logins and server roles are never
reported: they are usually created outside a database project. Names in other databases
are outside the project and never reported, and so are statements inside a module body
(they run later, against what the module itself creates; PRM011 reports them) and names
that are placeholders (`$(Var)`, SSMS template parameters `<name, type, default>`).

## Why is this bad?
The statement fails at deployment ("Cannot find the user", "Cannot find the object"),
or, when something else creates the name first, the permission goes to a principal or
object nobody reviewed in this project.

## Example
```sql
CREATE ROLE auditors;
GO
GRANT EXECUTE ON dbo.does_not_exist TO auditors;
```

## How to fix
Correct the name, or add the missing `CREATE` to the project.

## References
- [GRANT object permissions](https://learn.microsoft.com/sql/t-sql/statements/grant-object-permissions-transact-sql)
- [ALTER ROLE](https://learn.microsoft.com/sql/t-sql/statements/alter-role-transact-sql)
"#,
    },
    check,
};

// Names that a later step fills in: an unknown SQLCMD variable (SQL002 reports it) or
// an SSMS template parameter such as `<role_name, sysname, Owner>`.
use syntax::names::is_placeholder as placeholder;

fn undeclared(model: &Model, principal: PrincipalId) -> bool {
    model.principal(principal).kind == PrincipalKind::Undeclared { server: false }
        && !placeholder(model.principal_name(principal))
}

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let mut seen: BTreeSet<Location> = BTreeSet::new();
    let mut report = |out: &mut Vec<Diagnostic>, location: Location, message: String| {
        if seen.insert(location) {
            out.push(finding(&RULE.meta, location, message));
        }
    };
    for change in model.permission_changes() {
        // A statement inside a module runs when the module runs, against whatever the
        // module itself created by then (tSQLt tests create a user and grant to it):
        // PRM011 reports it, and its names are not judged against the deployment.
        if change.in_module {
            continue;
        }
        let verb = match change.action {
            PermissionAction::Grant => "GRANT",
            PermissionAction::Deny => "DENY",
            PermissionAction::Revoke => "REVOKE",
        };
        if undeclared(model, change.principal) {
            report(
                out,
                change.principal_location,
                format!(
                    "{verb} names `{}`, which is not a user or role of the project nor built in",
                    model.principal_name(change.principal)
                ),
            );
        }
        let location = change.securable_location.unwrap_or(change.location);
        match &change.scope {
            Scope::Unresolved(unresolved) if !placeholder(&unresolved.name) => {
                let name = &unresolved.name;
                let what = match unresolved.class.as_str() {
                    "SCHEMA" => "schema",
                    "ASSEMBLY" => "assembly",
                    "TYPE" => "type",
                    _ => "object",
                };
                report(
                    out,
                    location,
                    format!("{verb} names the {what} `{name}`, which the project does not define"),
                );
            }
            Scope::Principal(p) if undeclared(model, *p) => report(
                out,
                location,
                format!(
                    "{verb} names `{}`, which is not a user or role of the project nor built in",
                    model.principal_name(*p)
                ),
            ),
            _ => {}
        }
    }
    for change in model.membership_changes() {
        if change.server {
            continue;
        }
        if undeclared(model, change.role) {
            report(
                out,
                change.role_location,
                format!(
                    "the role `{}` is not a role of the project nor built in",
                    model.principal_name(change.role)
                ),
            );
        }
        if undeclared(model, change.member) {
            report(
                out,
                change.member_location,
                format!(
                    "the member `{}` is not a user or role of the project nor built in",
                    model.principal_name(change.member)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::prm::testing::check;

    // The deprecated procedures create principals as CREATE ROLE/USER/APPLICATION ROLE
    // do: sp_addrole @rolename, sp_adduser @loginame [, @name_in_db [, @grpname]],
    // sp_grantdbaccess @loginame [, @name_in_db], sp_addapprole @rolename, @password
    // (SQL Server docs, by position or by name). A name none of them creates is still
    // reported.
    #[test]
    fn principals_created_by_the_deprecated_procedures_are_defined() {
        check(
            "EXEC sp_addrole 'oldrole';
EXEC sp_adduser 'L1', 'olduser';
EXEC sp_adduser 'L3';
EXEC sp_grantdbaccess @loginame = 'L2', @name_in_db = 'olduser2';
EXEC sys.sp_addapprole 'oldapprole', 'pw';
EXEC sp_addlogin 'oldlogin', 'pw';
EXEC sp_grantlogin 'DOMAIN\\someone';
GO
CREATE TABLE dbo.T (a int);
GO
GRANT SELECT ON dbo.T TO oldrole, olduser, L3, olduser2, oldapprole;
GRANT SELECT ON dbo.T TO nobody; --! PRM006
EXEC sp_addrolemember 'oldrole', 'olduser';
GRANT VIEW SERVER STATE TO oldlogin;
GRANT VIEW SERVER STATE TO [DOMAIN\\someone];
",
        );
    }

    // An identifier passed as a procedure's parameter value is the string of its name
    // (https://learn.microsoft.com/sql/t-sql/language-elements/execute-transact-sql), so
    // `sp_addrolemember [Reporting], [Ann]` names the role Reporting and the user Ann.
    #[test]
    fn bracketed_identifiers_passed_to_procedures_are_names() {
        check(
            "CREATE ROLE Reporting;
CREATE USER Ann WITHOUT LOGIN;
EXEC sp_addrolemember [Reporting], [Ann];
EXEC sp_addrolemember [db_datareader], [Ann];
EXEC sp_addrolemember [Nobody], [Ann]; --! PRM006
",
        );
    }

    // SQL Server 2022 and Azure SQL Database add the `##MS_…##` server roles; Azure SQL
    // Database's `master` has the roles `dbmanager` and `loginmanager`, and a Synapse
    // dedicated pool the resource classes (`xlargerc`, `staticrc10` …). Question: is
    // `ALTER ROLE dbmanager ADD MEMBER u` in a script unresolved? Answer: no, where the
    // platform is Azure or not known (plain scripts); yes in a project whose DSP targets
    // SQL Server, where no such role exists unless the project creates it.
    // https://learn.microsoft.com/sql/relational-databases/security/authentication-access/server-level-roles
    // https://learn.microsoft.com/azure/azure-sql/database/logins-create-manage
    // https://learn.microsoft.com/azure/synapse-analytics/sql-data-warehouse/resource-classes-for-workload-management
    #[test]
    fn platform_roles_are_built_in_where_the_platform_has_them() {
        check(
            "CREATE LOGIN geo WITH PASSWORD = 'x';
CREATE USER geo FROM LOGIN geo;
ALTER ROLE dbmanager ADD MEMBER geo;
EXEC sp_addrolemember 'xlargerc', 'geo';
ALTER SERVER ROLE ##MS_ServerStateReader## ADD MEMBER geo;
ALTER ROLE dbcreators ADD MEMBER geo; --! PRM006
",
        );
        check(
            "=== file: Db.sqlproj
<Project><PropertyGroup><DSP>Microsoft.Data.Tools.Schema.Sql.Sql160DatabaseSchemaProvider</DSP></PropertyGroup>
<ItemGroup><Build Include=\"a.sql\" /></ItemGroup></Project>
=== file: a.sql
CREATE USER geo WITHOUT LOGIN;
GO
ALTER ROLE dbmanager ADD MEMBER geo; --! PRM006
GO
EXEC sp_addrolemember 'xlargerc', 'geo'; --! PRM006
GO
",
        );
        check(
            "=== file: Db.sqlproj
<Project><PropertyGroup><DSP>Microsoft.Data.Tools.Schema.Sql.SqlAzureV12DatabaseSchemaProvider</DSP></PropertyGroup>
<ItemGroup><Build Include=\"a.sql\" /></ItemGroup></Project>
=== file: a.sql
CREATE USER geo WITHOUT LOGIN;
GO
ALTER ROLE loginmanager ADD MEMBER geo;
GO
EXEC sp_addrolemember 'xlargerc', 'geo'; --! PRM006
GO
",
        );
    }

    // `SELECT … INTO dbo.Made` creates dbo.Made; a Service Broker queue is an object of
    // its schema. Both can be granted on.
    #[test]
    fn tables_from_select_into_and_queues_are_defined() {
        check(
            "CREATE ROLE r;
GO
CREATE TABLE dbo.T (a int);
GO
SELECT a INTO dbo.Made FROM dbo.T;
GO
CREATE QUEUE dbo.Q;
GO
GRANT SELECT ON dbo.Made TO r;
GRANT RECEIVE ON dbo.Q TO r;
GRANT RECEIVE ON OBJECT::dbo.Q TO r;
GRANT SELECT ON dbo.NotMade TO r; --! PRM006
",
        );
    }

    // Script-level dynamic SQL with known text runs at deployment like the statement it
    // spells: the idiom `IF NOT EXISTS (…) EXEC ('CREATE SCHEMA app')`, sp_executesql, and
    // a variable assigned only literals all create what they name.
    #[test]
    fn what_script_level_dynamic_sql_creates_is_defined() {
        check(
            "IF NOT EXISTS (SELECT 1 FROM sys.schemas WHERE name = N'app')
    EXEC ('CREATE SCHEMA app AUTHORIZATION dbo');
GO
EXEC sp_executesql N'CREATE SCHEMA app2';
GO
EXEC('CREATE ROLE R;');
GO
DECLARE @cmd nvarchar(max) = N'';
SET @cmd = @cmd + N'CREATE TABLE dbo.Made ' + N'(a int);';
EXEC (@cmd);
GO
EXEC otherdb.sys.sp_executesql N'CREATE SCHEMA elsewhere';
GO
GRANT SELECT ON SCHEMA::app TO R;
GRANT SELECT ON SCHEMA::app2 TO R;
GRANT SELECT ON dbo.Made TO R;
GRANT SELECT ON SCHEMA::elsewhere TO R; --! PRM006
",
        );
    }

    // What a module's dynamic SQL creates exists once the module has run: a GRANT on it
    // is not an unresolved name.
    #[test]
    fn what_a_modules_dynamic_sql_creates_is_not_unresolved() {
        check(
            "CREATE PROCEDURE dbo.Setup AS
BEGIN
    EXEC (N'CREATE TABLE dbo.Made (a int)');
    EXEC (N'CREATE ROLE later_role');
    EXEC (N'CREATE SCHEMA later_schema');
END
GO
GRANT SELECT ON dbo.Made TO later_role;
GRANT SELECT ON SCHEMA::later_schema TO later_role;
GRANT SELECT ON dbo.NotMade TO later_role; --! PRM006
",
        );
    }

    // The other Service Broker and security securables are named with their class
    // (`SERVICE::`, `CONTRACT::`, …); a GRANT on those the project creates is resolved.
    #[test]
    fn service_broker_and_key_securables_the_project_creates_resolve() {
        check(
            "CREATE ROLE r;
GO
CREATE QUEUE dbo.Q;
GO
CREATE MESSAGE TYPE M VALIDATION = NONE;
GO
CREATE CONTRACT C (M SENT BY ANY);
GO
CREATE SERVICE S ON QUEUE dbo.Q (C);
GO
CREATE XML SCHEMA COLLECTION dbo.X AS N'<xsd:schema xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"/>';
GO
CREATE FULLTEXT CATALOG FTC;
GO
CREATE CERTIFICATE C1 WITH SUBJECT = 'c';
GO
CREATE SYMMETRIC KEY K1 WITH ALGORITHM = AES_256 ENCRYPTION BY CERTIFICATE C1;
GO
GRANT RECEIVE ON OBJECT::dbo.Q TO r;
GRANT SEND ON SERVICE::S TO r;
GRANT REFERENCES ON CONTRACT::C TO r;
GRANT REFERENCES ON MESSAGE TYPE::M TO r;
GRANT EXECUTE ON XML SCHEMA COLLECTION::dbo.X TO r;
GRANT REFERENCES ON FULLTEXT CATALOG::FTC TO r;
GRANT CONTROL ON CERTIFICATE::C1 TO r;
GRANT VIEW DEFINITION ON SYMMETRIC KEY::K1 TO r;
",
        );
    }
}
