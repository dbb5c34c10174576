//! Facts of the model, built from SQL fixtures (see `rules::prm::testing`).

use syntax::ast::{PermissionSet, StatementKind};

use super::{Evidence, PrincipalKind, Resolved, RunsAs, Scope};
use crate::rules::prm::testing::{line_of, model};

fn name(text: &str) -> syntax::ast::QualifiedName {
    let parts: Vec<syntax::ast::Ident> = text
        .split('.')
        .map(|p| syntax::ast::Ident {
            value: p.to_owned(),
            range: syntax::TextRange::default(),
        })
        .collect();
    syntax::ast::QualifiedName {
        parts,
        range: syntax::TextRange::default(),
    }
}

#[test]
fn principals_and_their_kinds() {
    let (_, m) = model(
        "CREATE LOGIN app_login WITH PASSWORD = 'x';
CREATE USER app FOR LOGIN app_login;
CREATE USER bare WITHOUT LOGIN;
CREATE ROLE readers;
CREATE APPLICATION ROLE tool WITH PASSWORD = 'y';
",
    );
    let app = m.database_principal("APP").expect("app is a user");
    assert!(matches!(m.principal(app).kind, PrincipalKind::User(_)));
    assert_eq!(m.principal(app).login, m.server_principal("app_login"));
    assert!(matches!(
        m.principal(m.database_principal("readers").unwrap()).kind,
        PrincipalKind::Role
    ));
    assert!(matches!(
        m.principal(m.database_principal("tool").unwrap()).kind,
        PrincipalKind::ApplicationRole
    ));
    assert!(m.database_principal("app_login").is_none());
    assert!(m.server_principal("sysadmin").is_some());
    assert!(m.database_principal("db_datareader").is_some());
    assert!(m.is_db_owner(m.dbo()));
    assert!(m.is_sysadmin(m.server_principal("sa").unwrap()));
}

#[test]
fn membership_is_transitive_ordered_and_includes_public() {
    let (w, m) = model(
        "CREATE ROLE a;
CREATE ROLE b;
CREATE USER u WITHOUT LOGIN;
GO
ALTER ROLE a ADD MEMBER b;
EXEC sp_addrolemember N'b', N'u';
EXEC sys.sp_addrolemember @membername = 'u', @rolename = 'db_owner';
EXEC sp_droprolemember 'db_owner', 'u';
",
    );
    let u = m.database_principal("u").unwrap();
    let a = m.database_principal("a").unwrap();
    assert!(m.is_member_of(u, a));
    assert!(m.is_member_of(u, m.public()));
    assert!(!m.is_db_owner(u));
    let path = m.membership_path(u, a).unwrap();
    let lines: Vec<usize> = path.iter().map(|l| line_of(&w, *l)).collect();
    assert_eq!(lines, vec![6, 5]);
    assert_eq!(m.membership_path(m.dbo(), m.db_owner()), Some(Vec::new()));
    assert_eq!(m.membership_path(u, m.public()), Some(Vec::new()));
    assert_eq!(m.membership_path(u, m.db_owner()), None);
    assert_eq!(m.membership_changes().len(), 4);
}

#[test]
fn server_roles_from_alter_server_role_and_sp_addsrvrolemember() {
    let (_, m) = model(
        "CREATE LOGIN ops WITH PASSWORD = 'x';
CREATE LOGIN ops2 WITH PASSWORD = 'x';
ALTER SERVER ROLE sysadmin ADD MEMBER ops;
EXEC sp_addsrvrolemember 'ops2', 'sysadmin';
CREATE USER ops_user FOR LOGIN ops2;
",
    );
    assert!(m.is_sysadmin(m.server_principal("ops").unwrap()));
    assert!(m.is_sysadmin(m.database_principal("ops_user").unwrap()));
}

#[test]
fn owners_follow_schemas_and_alter_authorization() {
    // The database's own name is the DatabaseName SQLCMD variable.
    let (w, m) = model(
        "=== var: DatabaseName=fixture
CREATE USER a WITHOUT LOGIN;
CREATE USER b WITHOUT LOGIN;
GO
CREATE SCHEMA s AUTHORIZATION a;
GO
CREATE TABLE s.t (id int);
CREATE TABLE s.u (id int);
CREATE TABLE dbo.v (id int);
GO
ALTER AUTHORIZATION ON OBJECT::s.u TO b;
",
    );
    let t = match m.resolve(&name("s.t"), None) {
        Resolved::Object(id) => id,
        other => panic!("{other:?}"),
    };
    let u = match m.resolve(&name("S.U"), None) {
        Resolved::Object(id) => id,
        other => panic!("{other:?}"),
    };
    assert_eq!(m.principal_name(m.owner_of(t)), "a");
    assert_eq!(m.principal_name(m.owner_of(u)), "b");
    assert_eq!(line_of(&w, m.owner_location(t).unwrap()), 4);
    assert_eq!(line_of(&w, m.owner_location(u).unwrap()), 10);
    assert_eq!(m.resolve(&name("v"), None), m.resolve(&name("dbo.v"), None));
    assert_eq!(m.resolve(&name("sys.objects"), None), Resolved::Builtin);
    assert_eq!(
        m.resolve(&name("INFORMATION_SCHEMA.TABLES"), None),
        Resolved::Builtin
    );
    assert_eq!(
        m.resolve(&name("other.dbo.v"), None),
        Resolved::OtherDatabase
    );
    assert_eq!(
        m.resolve(&name("fixture.dbo.v"), None),
        m.resolve(&name("dbo.v"), None)
    );
    assert_eq!(m.resolve(&name("dbo.missing"), None), Resolved::Unresolved);
}

#[test]
fn deny_does_not_bind_the_owner_or_dbo_but_binds_db_owner_members() {
    // The catalogue: "DENY does not bind the securable's owner, dbo or sysadmins; it
    // does bind db_owner members".
    let (_, m) = model(
        "CREATE USER a WITHOUT LOGIN;
CREATE USER boss WITHOUT LOGIN;
GO
CREATE SCHEMA s AUTHORIZATION a;
GO
CREATE TABLE s.t (id int);
GO
ALTER ROLE db_owner ADD MEMBER boss;
DENY SELECT ON s.t TO a;
DENY SELECT ON s.t TO dbo;
DENY SELECT ON s.t TO boss;
",
    );
    let Resolved::Object(t) = m.resolve(&name("s.t"), None) else {
        panic!()
    };
    let a = m.database_principal("a").unwrap();
    let boss = m.database_principal("boss").unwrap();
    assert_eq!(m.holds(a, "SELECT", t, None).evidence, Evidence::Owner(a));
    assert_eq!(m.holds(m.dbo(), "SELECT", t, None).evidence, Evidence::Dbo);
    let decision = m.holds(boss, "SELECT", t, None);
    assert!(!decision.allowed);
    assert!(matches!(decision.evidence, Evidence::Denied(_)));
}

#[test]
fn fixed_data_roles_grant_and_deny() {
    let (_, m) = model(
        "CREATE USER r WITHOUT LOGIN;
CREATE USER w WITHOUT LOGIN;
CREATE USER both_ WITHOUT LOGIN;
CREATE TABLE dbo.t (id int);
GO
ALTER ROLE db_datareader ADD MEMBER r;
ALTER ROLE db_datawriter ADD MEMBER w;
ALTER ROLE db_datareader ADD MEMBER both_;
ALTER ROLE db_denydatareader ADD MEMBER both_;
",
    );
    let Resolved::Object(t) = m.resolve(&name("dbo.t"), None) else {
        panic!()
    };
    let r = m.database_principal("r").unwrap();
    let w = m.database_principal("w").unwrap();
    let both = m.database_principal("both_").unwrap();
    assert!(m.holds(r, "SELECT", t, None).allowed);
    assert!(!m.holds(r, "INSERT", t, None).allowed);
    assert!(m.holds(w, "DELETE", t, None).allowed);
    assert!(!m.holds(w, "SELECT", t, None).allowed);
    assert!(matches!(
        m.holds(both, "SELECT", t, None).evidence,
        Evidence::FixedDeny(_)
    ));
}

#[test]
fn column_grants_count_only_when_they_cover_the_columns_used() {
    let (_, m) = model(
        "CREATE USER u WITHOUT LOGIN;
CREATE TABLE dbo.t (a int, b int, c int);
GO
GRANT SELECT (a, b) ON dbo.t TO u;
GRANT SELECT ON dbo.t (c) TO u;
REVOKE SELECT (b) ON dbo.t FROM u;
",
    );
    let Resolved::Object(t) = m.resolve(&name("dbo.t"), None) else {
        panic!()
    };
    let u = m.database_principal("u").unwrap();
    let cols = |c: &[&str]| c.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert!(m.holds(u, "SELECT", t, Some(&cols(&["a", "c"]))).allowed);
    assert!(!m.holds(u, "SELECT", t, Some(&cols(&["a", "b"]))).allowed);
    assert!(matches!(
        m.holds(u, "SELECT", t, None).evidence,
        Evidence::ColumnsNotCovered(_)
    ));
}

#[test]
fn executors_come_from_object_schema_and_database_grants() {
    let (_, m) = model(
        "CREATE ROLE a;
CREATE ROLE b;
CREATE ROLE c;
CREATE ROLE d;
CREATE PROCEDURE dbo.p AS SELECT 1;
GO
GRANT EXECUTE ON dbo.p TO a;
GRANT EXECUTE ON SCHEMA::dbo TO b;
GRANT EXECUTE TO c;
GRANT EXECUTE ON SCHEMA::dbo TO d;
DENY EXECUTE ON dbo.p TO d;
",
    );
    let Resolved::Object(p) = m.resolve(&name("dbo.p"), None) else {
        panic!()
    };
    let names: Vec<&str> = m
        .executors(p, "EXECUTE")
        .iter()
        .map(|e| m.principal_name(e.principal))
        .collect();
    // d is granted too, though its DENY refuses it: the executor says so.
    assert_eq!(names, vec!["a", "b", "c", "d"]);
    assert!(
        m.executors(p, "EXECUTE")
            .iter()
            .all(|e| e.denied == (m.principal_name(e.principal) == "d"))
    );
}

#[test]
fn execution_contexts() {
    let (_, m) = model(
        "CREATE USER a WITHOUT LOGIN;
CREATE USER runner WITHOUT LOGIN;
GO
CREATE SCHEMA s AUTHORIZATION a;
GO
CREATE PROCEDURE s.p1 WITH EXECUTE AS OWNER AS SELECT 1;
GO
CREATE PROCEDURE s.p2 WITH EXECUTE AS SELF AS SELECT 1;
GO
CREATE PROCEDURE s.p3 WITH EXECUTE AS 'runner' AS SELECT 1;
GO
CREATE PROCEDURE s.p4 WITH EXECUTE AS CALLER AS SELECT 1;
GO
CREATE PROCEDURE s.p5 WITH EXECUTE AS 'ghost' AS SELECT 1;
GO
",
    );
    let runs = |n: &str| {
        let Resolved::Object(id) = m.resolve(&name(n), None) else {
            panic!("{n}")
        };
        m.runs_as(id)
    };
    assert_eq!(
        runs("s.p1"),
        RunsAs::Principal(m.database_principal("a").unwrap())
    );
    assert_eq!(runs("s.p2"), RunsAs::Principal(m.dbo()));
    assert_eq!(
        runs("s.p3"),
        RunsAs::Principal(m.database_principal("runner").unwrap())
    );
    assert_eq!(runs("s.p4"), RunsAs::Caller);
    assert_eq!(runs("s.p5"), RunsAs::Unresolved("ghost".to_owned()));
}

#[test]
fn options_keep_every_setting_and_the_final_state() {
    let (w, m) = model(
        "ALTER DATABASE CURRENT SET TRUSTWORTHY ON;
ALTER DATABASE [$(DatabaseName)] SET TRUSTWORTHY OFF;
ALTER DATABASE CURRENT SET TRUSTWORTHY ON, DB_CHAINING ON;
ALTER DATABASE [$(Other)] SET DB_CHAINING OFF;
EXEC sp_configure 'show advanced options', 1;
EXEC sys.sp_configure @configname = N'clr  strict security', @configvalue = 0;
EXEC sp_configure 'clr enabled', '1';
EXEC sp_configure 'clr enabled';
",
    );
    let trustworthy = &m.options().trustworthy;
    assert!(trustworthy.on);
    assert_eq!(trustworthy.settings.len(), 3);
    let on: Vec<usize> = trustworthy
        .on_locations()
        .iter()
        .map(|l| line_of(&w, *l))
        .collect();
    assert_eq!(on, vec![3]);
    assert!(m.options().db_chaining.on);
    assert_eq!(
        m.server_option("CLR Strict Security").unwrap().value,
        Some(0)
    );
    assert_eq!(m.server_option("clr enabled").unwrap().value, Some(1));
    assert_eq!(m.server_configs().len(), 4);
}

#[test]
fn clr_assemblies_keys_logins_and_server_grants() {
    let (_, m) = model(
        "CREATE ASSEMBLY Geo AUTHORIZATION geo_owner FROM 0x4D5A WITH PERMISSION_SET = SAFE;
GO
CREATE USER geo_owner WITHOUT LOGIN;
GO
ALTER ASSEMBLY Geo WITH PERMISSION_SET = EXTERNAL_ACCESS;
GO
CREATE ASYMMETRIC KEY GeoKey FROM ASSEMBLY Geo;
CREATE LOGIN GeoLogin FROM ASYMMETRIC KEY GeoKey;
GRANT EXTERNAL ACCESS ASSEMBLY TO GeoLogin;
GO
EXEC sp_add_trusted_assembly 0x8893AD6D, N'geo, version=1.0.0.0';
GO
CREATE FUNCTION dbo.distance (@a float) RETURNS float AS EXTERNAL NAME Geo.[Geo.Functions].Distance;
",
    );
    let geo = m.assembly_named("GEO").unwrap();
    assert_eq!(
        m.assembly(geo).permission_set,
        PermissionSet::ExternalAccess
    );
    assert_eq!(m.principal_name(m.assembly(geo).owner), "geo_owner");
    let keys = m.keys_from_assembly(geo);
    assert_eq!(keys.len(), 1);
    let logins = m.logins_from_key(keys[0]);
    assert_eq!(logins, vec![m.server_principal("geologin").unwrap()]);
    let grants = m.server_grants_of(logins[0]);
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].permission, "EXTERNAL ACCESS ASSEMBLY");
    assert_eq!(grants[0].scope, Scope::Server);
    assert_eq!(m.trusted_assemblies()[0].hash.as_deref(), Some("8893AD6D"));
    let entries = m.entry_points();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].assembly, Some(geo));
}

#[test]
fn the_stream_expands_includes_in_place_and_substitutes_variables() {
    let (w, m) = model(
        "=== var: Role=project_role
=== file: Script.PostDeployment.sql
:setvar Role app_role
:r .\\inner.sql
GRANT SELECT ON SCHEMA::dbo TO [$(Role)];
=== file: inner.sql
CREATE ROLE [$(Role)];
:r .\\inner.sql
",
    );
    let kinds: Vec<(String, &str)> = m
        .items()
        .iter()
        .map(|item| {
            let path = w.files.get(item.file).path.to_string_lossy().into_owned();
            let kind = match &item.statement.kind {
                StatementKind::SetVar { .. } => "setvar",
                StatementKind::Include { .. } => "include",
                StatementKind::CreateRole { .. } => "role",
                StatementKind::Permission(_) => "grant",
                _ => "other",
            };
            (path, kind)
        })
        .collect();
    // The cyclic `:r` of a file by itself is not expanded again.
    assert_eq!(
        kinds,
        vec![
            ("Script.PostDeployment.sql".to_owned(), "setvar"),
            ("Script.PostDeployment.sql".to_owned(), "include"),
            ("inner.sql".to_owned(), "role"),
            ("inner.sql".to_owned(), "include"),
            ("Script.PostDeployment.sql".to_owned(), "grant"),
        ]
    );
    assert!(m.database_principal("app_role").is_some());
    assert!(m.database_principal("project_role").is_none());
}

#[test]
fn module_statements_follow_their_module_in_the_stream() {
    let (_, m) = model(
        "CREATE PROCEDURE dbo.p AS
BEGIN
    SELECT 1;
    GRANT SELECT ON SCHEMA::dbo TO public;
END
",
    );
    let statements: Vec<(bool, bool)> = m
        .statements()
        .map(|s| (s.in_module, s.module.is_some()))
        .collect();
    assert_eq!(statements[0], (false, false));
    assert!(statements[1..].iter().all(|s| *s == (true, true)));
    assert!(m.permission_changes()[0].in_module);
    assert!(m.grants().is_empty());
}

#[test]
fn a_column_grant_wins_over_a_table_level_deny() {
    // DENY Object Permissions: "A table-level DENY does not take precedence over a
    // column-level GRANT" (kept for backward compatibility). A schema-level DENY does.
    let (_, m) = model(
        "CREATE USER u WITHOUT LOGIN;
CREATE USER v WITHOUT LOGIN;
CREATE TABLE dbo.t (a int, b int);
GO
DENY SELECT ON dbo.t TO u;
GRANT SELECT (a) ON dbo.t TO u;
DENY SELECT ON SCHEMA::dbo TO v;
GRANT SELECT (a) ON dbo.t TO v;
GRANT UPDATE (b) ON dbo.t TO v;
",
    );
    let Resolved::Object(t) = m.resolve(&name("dbo.t"), None) else {
        panic!()
    };
    let u = m.database_principal("u").unwrap();
    let v = m.database_principal("v").unwrap();
    let a = vec!["a".to_owned()];
    let ab = vec!["a".to_owned(), "b".to_owned()];
    assert!(m.holds(u, "SELECT", t, Some(&a)).allowed);
    assert!(!m.holds(u, "SELECT", t, Some(&ab)).allowed);
    assert!(!m.holds(u, "SELECT", t, None).allowed);
    assert!(!m.holds(v, "SELECT", t, Some(&a)).allowed);
    assert!(m.holds(v, "UPDATE", t, Some(&["b".to_owned()])).allowed);
}

// ---- dynamic SQL with known text, for the statement rules -----------------------------
// "Dynamic SQL with known text … is analysed as if written in place, by every rule"
// (the catalogue); EXECUTE runs the batch its string holds:
// <https://learn.microsoft.com/en-us/sql/t-sql/language-elements/execute-transact-sql>

/// SSDT's generated `EXECUTE sp_executesql N'ALTER DATABASE … SET TRUSTWORTHY ON'`, the
/// same around `DB_NAME()`, and an UNSAFE assembly created by dynamic SQL are reported
/// like the statements written in place, inside the literal (CLR001 on the literal's
/// second line, where the permission set is written). The TRUSTWORTHY ON they run also
/// changes the model's state: the assembly has a trust path, so no CLR008.
#[test]
fn statement_rules_see_inside_literal_dynamic_sql() {
    crate::rules::sql::testing::check(
        "EXECUTE sp_executesql N'ALTER DATABASE [$(DatabaseName)] SET TRUSTWORTHY ON'; --! CLR003
GO
EXEC ('ALTER DATABASE [' + DB_NAME() + '] SET TRUSTWORTHY ON'); --! CLR003
GO
EXEC (N'CREATE ASSEMBLY Interop FROM 0x4D5A
    WITH PERMISSION_SET = UNSAFE'); --! CLR001
GO
CREATE USER helper WITHOUT LOGIN;
GO
CREATE PROCEDURE dbo.setup AS
    EXEC (N'GRANT IMPERSONATE ON USER::dbo TO helper'); --! IMP002
GO
",
    );
}

/// Only known text counts; and an EXECUTE AS inside dynamic SQL ends with its batch, so
/// no REVERT is missing (IMP003), while IMP008 still reports the login impersonation.
#[test]
fn unknown_dynamic_text_is_not_judged_and_execute_as_ends_with_the_batch() {
    crate::rules::sql::testing::check(
        "DECLARE @db sysname = DB_NAME(5);
EXEC (N'ALTER DATABASE ' + @db + N' SET TRUSTWORTHY ON');
GO
EXEC (N'EXECUTE AS USER = ''loader''; SELECT 1;');
EXEC (N'EXECUTE AS LOGIN = ''etl'';'); --! IMP008
GO
",
    );
}

/// The padding that places dynamic SQL text where it stands in its file works far into
/// a large file (a width argument of `format!` stops at 65,535 and panicked here).
#[test]
fn dynamic_sql_far_into_a_large_file_is_placed_in_its_literal() {
    let filler = "-- filler line to push the statement far into the file\n".repeat(2_000);
    let fixture = format!(
        "CREATE USER helper WITHOUT LOGIN;\nGO\n{filler}EXEC (N'GRANT IMPERSONATE ON USER::dbo TO helper'); --! IMP002\nGO\n"
    );
    crate::rules::sql::testing::check(&fixture);
}
