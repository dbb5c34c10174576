//! Facts of the model, built from SQL fixtures (see `rules::prm::testing`).

use syntax::Name;
use syntax::ast::{PermissionSet, StatementKind};

use super::{Evidence, PrincipalKind, Resolved, RunsAs, Scope};
use crate::rules::prm::testing::{line_of, model};

fn name(text: &str) -> syntax::ast::QualifiedName {
    let parts: Vec<syntax::ast::Ident> = text
        .split('.')
        .map(|p| syntax::ast::Ident {
            value: p.into(),
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
    let cols = |c: &[&str]| c.iter().map(|s| Name::from(*s)).collect::<Vec<_>>();
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

// `GRANT … ON DATABASE::name` grants in the database it names (GRANT Database
// Permissions): in a project whose database is known (here the scripts create Sales), a
// grant on another database's scope is not a grant here; one on the project's own, on
// `$(DatabaseName)` or on CURRENT is.
#[test]
fn database_scope_grants_on_another_database_are_outside_the_model() {
    let (_, m) = model(
        "CREATE DATABASE Sales;
GO
CREATE ROLE a;
CREATE ROLE b;
CREATE ROLE c;
CREATE ROLE d;
CREATE PROCEDURE dbo.p AS SELECT 1;
GO
GRANT CONTROL ON DATABASE::Warehouse TO a;
GRANT EXECUTE ON DATABASE::Sales TO b;
GRANT EXECUTE ON DATABASE::$(DatabaseName) TO c;
GRANT EXECUTE ON DATABASE::$(OtherDb) TO d;
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
    assert_eq!(names, vec!["b", "c"]);
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
        Some(PermissionSet::ExternalAccess)
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
    let a = vec![Name::from("a")];
    let ab = vec![Name::from("a"), Name::from("b")];
    assert!(m.holds(u, "SELECT", t, Some(&a)).allowed);
    assert!(!m.holds(u, "SELECT", t, Some(&ab)).allowed);
    assert!(!m.holds(u, "SELECT", t, None).allowed);
    assert!(!m.holds(v, "SELECT", t, Some(&a)).allowed);
    assert!(m.holds(v, "UPDATE", t, Some(&[Name::from("b")])).allowed);
}

/// ADD SIGNATURE (https://learn.microsoft.com/en-us/sql/t-sql/statements/add-signature-transact-sql):
/// "When the module is changed, the signature is dropped", and DROP SIGNATURE removes it.
/// Q: which permissions does a signature add? A: those of the user created FROM that
/// certificate (CREATE USER, https://learn.microsoft.com/en-us/sql/t-sql/statements/create-user-transact-sql).
#[test]
fn signatures_are_kept_until_the_module_changes_or_they_are_dropped() {
    let (_, m) = model(
        "CREATE CERTIFICATE signer WITH SUBJECT = 's';
CREATE ASYMMETRIC KEY k WITH ALGORITHM = RSA_2048;
CREATE USER signer_user FROM CERTIFICATE signer;
GO
CREATE PROCEDURE dbo.kept AS SELECT 1;
GO
CREATE PROCEDURE dbo.altered AS SELECT 1;
GO
CREATE PROCEDURE dbo.dropped AS SELECT 1;
GO
CREATE PROCEDURE dbo.countered AS SELECT 1;
GO
ADD SIGNATURE TO dbo.kept BY CERTIFICATE signer WITH PASSWORD = 'x';
ADD SIGNATURE TO OBJECT::dbo.altered BY CERTIFICATE signer;
ADD SIGNATURE TO dbo.dropped BY CERTIFICATE signer, ASYMMETRIC KEY k;
ADD COUNTER SIGNATURE TO dbo.countered BY CERTIFICATE signer;
GO
ALTER PROCEDURE dbo.altered AS SELECT 2;
GO
DROP SIGNATURE FROM dbo.dropped BY CERTIFICATE signer;
",
    );
    let object = |n: &str| match m.resolve(&name(n), None) {
        Resolved::Object(o) => o,
        other => panic!("{n}: {other:?}"),
    };
    let signer_user = m.database_principal("signer_user").unwrap();
    let kept: Vec<_> = m.signatures_of(object("dbo.kept")).collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].users, vec![signer_user]);
    assert!(kept[0].certificate && !kept[0].counter && kept[0].key.is_some());
    assert!(m.is_signed(object("dbo.kept")));
    assert!(!m.is_signed(object("dbo.altered")));
    // Only the asymmetric key's signature is left, and no user is created from it.
    let dropped: Vec<_> = m.signatures_of(object("dbo.dropped")).collect();
    assert_eq!(dropped.len(), 1);
    assert!(!dropped[0].certificate && dropped[0].users.is_empty());
    // A counter signature alone does not sign.
    assert!(!m.is_signed(object("dbo.countered")));
    assert_eq!(m.signatures_of(object("dbo.countered")).count(), 1);
}

/// ALTER SCHEMA (https://learn.microsoft.com/en-us/sql/t-sql/statements/alter-schema-transact-sql):
/// "All permissions associated with the securable will be dropped when the securable is
/// moved to the new schema. If the owner of the securable has been explicitly set, the
/// owner will remain unchanged. If the owner of the securable has been set to SCHEMA
/// OWNER, … after the move SCHEMA OWNER will resolve to the owner of the new schema."
#[test]
fn transfer_moves_the_object_drops_its_permissions_and_takes_the_new_owner() {
    let (_, m) = model(
        "CREATE USER payroll_owner WITHOUT LOGIN;
CREATE USER keeper WITHOUT LOGIN;
CREATE ROLE clerks;
GO
CREATE SCHEMA payroll AUTHORIZATION payroll_owner;
GO
CREATE SCHEMA staging;
GO
CREATE TABLE staging.bonuses (id int);
CREATE TABLE staging.kept (id int);
CREATE TABLE staging.untouched (id int);
GO
ALTER AUTHORIZATION ON OBJECT::staging.kept TO keeper;
GRANT SELECT ON staging.bonuses TO clerks;
GRANT SELECT ON staging.kept TO clerks;
GRANT SELECT ON staging.untouched TO clerks;
GO
ALTER SCHEMA payroll TRANSFER staging.bonuses;
ALTER SCHEMA payroll TRANSFER OBJECT::staging.kept;
GO
GRANT SELECT ON payroll.kept TO clerks;
",
    );
    let clerks = m.database_principal("clerks").unwrap();
    let Resolved::Object(bonuses) = m.resolve(&name("payroll.bonuses"), None) else {
        panic!("payroll.bonuses is the moved table");
    };
    assert_eq!(
        m.resolve(&name("staging.bonuses"), None),
        Resolved::Unresolved
    );
    assert_eq!(m.object_name(bonuses), "payroll.bonuses");
    assert_eq!(
        m.owner_of(bonuses),
        m.database_principal("payroll_owner").unwrap()
    );
    assert!(!m.holds(clerks, "SELECT", bonuses, None).allowed);
    // An explicit owner stays; a grant after the move counts.
    let Resolved::Object(kept) = m.resolve(&name("payroll.kept"), None) else {
        panic!("payroll.kept");
    };
    assert_eq!(m.owner_of(kept), m.database_principal("keeper").unwrap());
    assert!(m.holds(clerks, "SELECT", kept, None).allowed);
    // An object that does not move keeps its permissions.
    let Resolved::Object(untouched) = m.resolve(&name("staging.untouched"), None) else {
        panic!("staging.untouched");
    };
    assert!(m.holds(clerks, "SELECT", untouched, None).allowed);
}

/// ALTER AUTHORIZATION (https://learn.microsoft.com/en-us/sql/t-sql/statements/alter-authorization-transact-sql):
/// "If the target entity is not a database and the entity is being transferred to a new
/// owner, all permissions on the target will be dropped." A schema's objects that have
/// no explicit owner change owner with it, so their permissions go too; an object owned
/// explicitly keeps its owner and its permissions.
#[test]
fn a_schema_changing_owner_drops_the_permissions_on_its_implicitly_owned_objects() {
    let (_, m) = model(
        "CREATE USER a WITHOUT LOGIN;
CREATE USER b WITHOUT LOGIN;
CREATE ROLE r;
GO
CREATE SCHEMA s AUTHORIZATION a;
GO
CREATE TABLE s.implicit (id int);
CREATE TABLE s.explicit (id int);
GO
ALTER AUTHORIZATION ON OBJECT::s.explicit TO a;
GRANT SELECT ON s.implicit TO r;
GRANT SELECT ON s.explicit TO r;
GO
ALTER AUTHORIZATION ON SCHEMA::s TO b;
",
    );
    let r = m.database_principal("r").unwrap();
    let object = |n: &str| match m.resolve(&name(n), None) {
        Resolved::Object(o) => o,
        other => panic!("{n}: {other:?}"),
    };
    assert!(!m.holds(r, "SELECT", object("s.implicit"), None).allowed);
    assert!(m.holds(r, "SELECT", object("s.explicit"), None).allowed);
}

/// GRANT (https://learn.microsoft.com/en-us/sql/t-sql/statements/grant-transact-sql):
/// "AS principal: specifies a principal from which the principal executing this query
/// derives its right to grant the permission". REVOKE
/// (https://learn.microsoft.com/en-us/sql/t-sql/statements/revoke-transact-sql): "CASCADE
/// indicates that the permission that is being revoked is also revoked from other
/// principals to which it has been granted or denied by this principal", and "GRANT
/// OPTION FOR: the grantee's ability to grant the specified permission will be revoked"
/// while the permission itself stays.
#[test]
fn grants_record_their_grantor_and_cascade_follows_the_chain() {
    let (_, m) = model(
        "CREATE USER a WITHOUT LOGIN;
CREATE USER b WITHOUT LOGIN;
CREATE USER c WITHOUT LOGIN;
CREATE USER d WITHOUT LOGIN;
CREATE USER e WITHOUT LOGIN;
GO
CREATE TABLE dbo.t (id int);
CREATE TABLE dbo.u (id int);
GO
GRANT SELECT ON dbo.t TO a WITH GRANT OPTION;
GRANT SELECT ON dbo.t TO b WITH GRANT OPTION AS a;
GRANT SELECT ON dbo.t TO c AS b;
GRANT SELECT ON dbo.t TO e;
GRANT SELECT ON dbo.u TO a WITH GRANT OPTION;
GRANT SELECT ON dbo.u TO d AS a;
GO
REVOKE SELECT ON dbo.t FROM a CASCADE;
REVOKE GRANT OPTION FOR SELECT ON dbo.u FROM a CASCADE;
",
    );
    let p = |n: &str| m.database_principal(n).unwrap();
    let object = |n: &str| match m.resolve(&name(n), None) {
        Resolved::Object(o) => o,
        other => panic!("{n}: {other:?}"),
    };
    let (t, u) = (object("dbo.t"), object("dbo.u"));
    for user in ["a", "b", "c"] {
        assert!(!m.holds(p(user), "SELECT", t, None).allowed, "{user} on t");
    }
    // Granted by dbo, not down the chain from a.
    assert!(m.holds(p("e"), "SELECT", t, None).allowed);
    let grant_to_e = m.grants().iter().find(|g| g.principal == p("e")).unwrap();
    assert_eq!(grant_to_e.grantor, m.dbo());
    // GRANT OPTION FOR … CASCADE: a keeps SELECT without the option, d loses it.
    assert!(m.holds(p("a"), "SELECT", u, None).allowed);
    let to_a = m
        .grants()
        .iter()
        .find(|g| g.principal == p("a") && g.scope == Scope::Object(u))
        .unwrap();
    assert!(!to_a.with_grant_option);
    assert!(!m.holds(p("d"), "SELECT", u, None).allowed);
}

/// REVOKE without CASCADE leaves what the grantee passed on alone (the model does not
/// judge whether SQL Server would refuse it).
#[test]
fn revoke_without_cascade_keeps_the_grants_made_by_the_grantee() {
    let (_, m) = model(
        "CREATE USER a WITHOUT LOGIN;
CREATE USER b WITHOUT LOGIN;
GO
CREATE TABLE dbo.t (id int);
GO
GRANT SELECT ON dbo.t TO a WITH GRANT OPTION;
GRANT SELECT ON dbo.t TO b AS a;
REVOKE SELECT ON dbo.t FROM a;
",
    );
    let Resolved::Object(t) = m.resolve(&name("dbo.t"), None) else {
        panic!("dbo.t");
    };
    let b = m.database_principal("b").unwrap();
    assert!(m.holds(b, "SELECT", t, None).allowed);
    let grant = m.grants().iter().find(|g| g.principal == b).unwrap();
    assert_eq!(grant.grantor, m.database_principal("a").unwrap());
}

/// DROP PROCEDURE (https://learn.microsoft.com/en-us/sql/t-sql/statements/drop-procedure-transact-sql)
/// and ALTER PROCEDURE (https://learn.microsoft.com/en-us/sql/t-sql/statements/alter-procedure-transact-sql):
/// a dropped object's permissions go with it, so a CREATE of the same name starts with
/// none; "ALTER PROCEDURE … does not change permissions".
#[test]
fn drop_removes_the_permissions_and_alter_keeps_them() {
    let (_, m) = model(
        "CREATE ROLE r;
GO
CREATE PROCEDURE dbo.recreated AS SELECT 1;
GO
CREATE PROCEDURE dbo.altered AS SELECT 1;
GO
CREATE PROCEDURE dbo.gone AS SELECT 1;
GO
GRANT EXECUTE ON dbo.recreated TO r;
GRANT EXECUTE ON dbo.altered TO r;
GO
DROP PROCEDURE dbo.recreated;
GO
CREATE PROCEDURE dbo.recreated AS SELECT 2;
GO
ALTER PROCEDURE dbo.altered AS SELECT 2;
GO
DROP PROCEDURE IF EXISTS dbo.gone;
",
    );
    let r = m.database_principal("r").unwrap();
    let object = |n: &str| match m.resolve(&name(n), None) {
        Resolved::Object(o) => o,
        other => panic!("{n}: {other:?}"),
    };
    assert!(!m.holds(r, "EXECUTE", object("dbo.recreated"), None).allowed);
    assert!(!m.object(object("dbo.recreated")).dropped);
    assert!(m.holds(r, "EXECUTE", object("dbo.altered"), None).allowed);
    assert!(m.object(object("dbo.gone")).dropped);
}

/// sp_drop_trusted_assembly (https://learn.microsoft.com/en-us/sql/relational-databases/system-stored-procedures/sys-sp-drop-trusted-assembly-transact-sql):
/// "Drops an assembly from the list of trusted assemblies on the server."
#[test]
fn sp_drop_trusted_assembly_removes_the_hash() {
    let (_, m) = model(
        "EXEC sp_add_trusted_assembly 0xAA11, N'one';
EXEC sp_add_trusted_assembly 0xBB22, N'two';
EXEC sys.sp_drop_trusted_assembly @hash = 0xaa11;
",
    );
    let hashes: Vec<_> = m
        .trusted_assemblies()
        .iter()
        .map(|t| t.hash.clone().unwrap())
        .collect();
    assert_eq!(hashes, vec!["BB22".to_owned()]);
}

/// Migration folders redefine the same module again and again: only the definition in
/// force at the end runs, so only its body is in the stream (CREATE OR ALTER,
/// https://learn.microsoft.com/en-us/sql/t-sql/statements/create-procedure-transact-sql,
/// "OR ALTER: alters the procedure if it already exists").
#[test]
fn only_the_definition_in_force_is_walked() {
    let (w, m) = model(
        "=== file: 001.sql
CREATE PROCEDURE dbo.p AS SELECT 1;
GO
=== file: 002.sql
CREATE OR ALTER PROCEDURE dbo.p AS SELECT 2;
GO
=== file: 003.sql
DROP PROCEDURE dbo.p;
GO
CREATE PROCEDURE dbo.p AS SELECT 3;
GO
CREATE PROCEDURE dbo.q AS SELECT 4;
GO
DROP PROCEDURE dbo.q;
",
    );
    let bodies: Vec<(String, usize)> = m
        .statements()
        .filter(|s| s.in_module)
        .map(|s| {
            let path = w.files.get(s.file).path.to_string_lossy().into_owned();
            (path, line_of(&w, s.location()))
        })
        .collect();
    assert_eq!(bodies, vec![("003.sql".to_owned(), 3)]);
    let superseded: Vec<bool> = (0..m.items().len())
        .filter(|i| m.module_object_of(super::StmtId(*i as u32)).is_some())
        .map(|i| m.is_superseded(super::StmtId(i as u32)))
        .collect();
    assert_eq!(superseded, vec![true, true, false, true]);
    // The object is defined where its definition in force stands.
    let Resolved::Object(p) = m.resolve(&name("dbo.p"), None) else {
        panic!("dbo.p");
    };
    let location = m.object(p).location;
    assert_eq!(w.files.get(location.file).path.to_string_lossy(), "003.sql");
    assert_eq!(line_of(&w, location), 3);
}

/// CREATE APPLICATION ROLE (https://learn.microsoft.com/en-us/sql/t-sql/statements/create-application-role-transact-sql)
/// and sp_addapprole: an application role is a database principal that can be granted
/// permissions, and whose context a session takes with sp_setapprole.
#[test]
fn application_roles_are_principals_that_can_be_granted() {
    let (_, m) = model(
        "CREATE APPLICATION ROLE tool WITH PASSWORD = 'Str0ng!', DEFAULT_SCHEMA = dbo;
EXEC sp_addapprole 'legacy_tool', 'Str0ng!';
GO
CREATE PROCEDURE dbo.p AS SELECT 1;
GO
GRANT EXECUTE ON dbo.p TO tool;
GRANT EXECUTE ON dbo.p TO legacy_tool;
GO
EXEC sp_setapprole 'tool', 'Str0ng!';
",
    );
    let Resolved::Object(p) = m.resolve(&name("dbo.p"), None) else {
        panic!("dbo.p");
    };
    for role in ["tool", "legacy_tool"] {
        let id = m.database_principal(role).unwrap();
        assert_eq!(m.principal(id).kind, PrincipalKind::ApplicationRole);
        assert!(m.holds(id, "EXECUTE", p, None).allowed);
        assert!(m.executors(p, "EXECUTE").iter().any(|e| e.principal == id));
    }
}

/// EXECUTE AS (https://learn.microsoft.com/en-us/sql/t-sql/statements/execute-as-transact-sql)
/// and REVERT (https://learn.microsoft.com/en-us/sql/t-sql/statements/revert-transact-sql):
/// "The execution context switch remains in effect until … a REVERT statement is
/// executed"; contexts stack, and REVERT returns to the previous one. Inside a module the
/// statements after `EXECUTE AS USER = 'x'` are checked against `x`, after `REVERT`
/// against the module's context again, and dynamic SQL starts in the context in force at
/// its EXEC.
#[test]
fn execute_as_statements_in_a_module_switch_the_context_as_a_stack() {
    let (w, m) = model(
        "CREATE ROLE app;
CREATE USER worker WITHOUT LOGIN;
CREATE USER data_owner WITHOUT LOGIN;
GO
CREATE SCHEMA data AUTHORIZATION data_owner;
GO
CREATE TABLE data.t (id int);
GO
CREATE PROCEDURE dbo.p
AS
BEGIN
    EXECUTE AS USER = 'worker';
    SELECT id FROM data.t;
    EXEC ('SELECT id FROM data.t');
    EXECUTE AS CALLER;
    SELECT id FROM data.t;
    REVERT;
    REVERT;
    SELECT id FROM data.t;
END
GO
GRANT EXECUTE ON dbo.p TO app;
",
    );
    let worker = m.database_principal("worker").unwrap();
    let app = m.database_principal("app").unwrap();
    let mut contexts: Vec<(usize, Option<super::PrincipalId>, bool)> = m
        .reaches()
        .iter()
        .filter(|r| m.object_name(r.target) == "data.t")
        .map(|r| {
            (
                line_of(&w, r.location),
                r.context,
                r.switched_at().is_some(),
            )
        })
        .collect();
    contexts.sort();
    assert_eq!(
        contexts,
        vec![
            (13, Some(worker), true),
            (14, Some(worker), true),
            (16, Some(app), true),
            (19, Some(app), false),
        ]
    );
}

/// DENY (https://learn.microsoft.com/en-us/sql/t-sql/statements/deny-transact-sql): a
/// DENY to a member, or to another role it belongs to, takes precedence over what a role
/// grants it, so each such member of a granted role is walked as a context of its own;
/// members that no DENY singles out are covered by the role's walk.
#[test]
fn members_of_a_granted_role_that_a_deny_singles_out_are_walked_too() {
    let (_, m) = model(
        "CREATE ROLE clerks;
CREATE ROLE temps;
CREATE USER alice WITHOUT LOGIN;
CREATE USER bob WITHOUT LOGIN;
CREATE USER carol WITHOUT LOGIN;
CREATE USER data_owner WITHOUT LOGIN;
GO
CREATE SCHEMA data AUTHORIZATION data_owner;
GO
CREATE TABLE data.t (id int);
GO
CREATE PROCEDURE dbo.p AS SELECT id FROM data.t;
GO
ALTER ROLE clerks ADD MEMBER alice;
ALTER ROLE clerks ADD MEMBER bob;
ALTER ROLE clerks ADD MEMBER carol;
ALTER ROLE temps ADD MEMBER bob;
GRANT EXECUTE ON dbo.p TO clerks;
GRANT SELECT ON data.t TO clerks;
DENY SELECT ON data.t TO alice;
DENY SELECT ON data.t TO temps;
",
    );
    let clerks = m.database_principal("clerks").unwrap();
    let mut walked: Vec<(String, Option<super::PrincipalId>)> = m
        .reaches()
        .iter()
        .map(|r| {
            (
                m.principal_name(r.executor.principal).to_owned(),
                r.executor.via,
            )
        })
        .collect();
    walked.sort();
    walked.dedup();
    assert_eq!(
        walked,
        vec![
            ("alice".to_owned(), Some(clerks)),
            ("bob".to_owned(), Some(clerks)),
            ("clerks".to_owned(), None),
        ]
    );
}

/// The members a DENY singles out are found once per role, but whether each may start
/// at an entry point is still asked per entry point: a member denied EXECUTE on one
/// procedure cannot start there (DENY takes precedence over the role's GRANT), and is
/// walked from the other procedure the role may run.
#[test]
fn a_member_denied_one_entry_point_is_walked_from_the_others() {
    let (_, m) = model(
        "CREATE ROLE clerks;
CREATE USER alice WITHOUT LOGIN;
CREATE USER data_owner WITHOUT LOGIN;
GO
CREATE SCHEMA data AUTHORIZATION data_owner;
GO
CREATE TABLE data.t (id int);
GO
CREATE PROCEDURE dbo.p1 AS SELECT id FROM data.t;
GO
CREATE PROCEDURE dbo.p2 AS SELECT id FROM data.t;
GO
ALTER ROLE clerks ADD MEMBER alice;
GRANT EXECUTE ON dbo.p1 TO clerks;
GRANT EXECUTE ON dbo.p2 TO clerks;
DENY SELECT ON data.t TO alice;
DENY EXECUTE ON dbo.p2 TO alice;
",
    );
    let mut walked: Vec<(String, String)> = m
        .reaches()
        .iter()
        .map(|r| {
            (
                m.principal_name(r.executor.principal).to_owned(),
                m.object(r.entry).name.to_string(),
            )
        })
        .collect();
    walked.sort();
    walked.dedup();
    assert_eq!(
        walked,
        vec![
            ("alice".to_owned(), "p1".to_owned()),
            ("clerks".to_owned(), "p1".to_owned()),
            ("clerks".to_owned(), "p2".to_owned()),
        ]
    );
}

/// A declarative project lists its files in path order, not in deployment order: an ADD
/// SIGNATURE in a file sorted before the module's only CREATE still signs it (ADD
/// SIGNATURE requires the module to exist, so no deployment applies it first).
#[test]
fn a_signature_written_before_the_only_definition_signs_the_module() {
    let (_, m) = model(
        "=== file: a_signing.sql
ADD SIGNATURE TO dbo.p BY CERTIFICATE signer;
GO
=== file: b_procs.sql
CREATE CERTIFICATE signer WITH SUBJECT = 's';
GO
CREATE PROCEDURE dbo.p AS SELECT 1;
GO
",
    );
    let Resolved::Object(p) = m.resolve(&name("dbo.p"), None) else {
        panic!("dbo.p");
    };
    assert!(m.is_signed(p));
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

// SSDT builds the `.sqlproj`'s C# `Compile` items into one assembly and deploys it with
// `$(AssemblyName)`, `$(AssemblyOwner)` and `$(PermissionSet)` (its build task's
// `ImplicitDllAssemblyName`, `ImplicitDllAssemblyOwner`, `ImplicitDllPermissionSet`).
#[test]
fn the_assembly_a_sqlproj_builds_is_a_model_assembly() {
    let (w, m) = model(
        "=== file: Db.sqlproj
<Project xmlns=\"http://schemas.microsoft.com/developer/msbuild/2003\">
<PropertyGroup>
<AssemblyName>Geo.Clr</AssemblyName>
<AssemblyOwner>geo_owner</AssemblyOwner>
<PermissionSet>UNSAFE</PermissionSet>
<SignAssembly>True</SignAssembly>
<AssemblyOriginatorKeyFile>keys\\Geo.snk</AssemblyOriginatorKeyFile>
</PropertyGroup>
<ItemGroup>
<Build Include=\"users.sql\" />
<Compile Include=\"Clr\\Distance.cs\" />
<Compile Include=\"Clr\\Area.cs\" />
</ItemGroup>
</Project>
=== file: users.sql
CREATE USER geo_owner WITHOUT LOGIN;
GO
CREATE FUNCTION dbo.distance (@a float) RETURNS float AS EXTERNAL NAME [geo.clr].[Geo.Functions].Distance;
=== file: Clr/Distance.cs
class Distance {}
=== file: Clr/Area.cs
class Area {}
",
    );
    let id = m
        .assembly_named("Geo.Clr")
        .expect("the project's build is an assembly");
    let geo = m.assembly(id);
    assert_eq!(geo.origin, super::AssemblyOrigin::ProjectBuild);
    assert_eq!(geo.permission_set, Some(PermissionSet::Unsafe));
    assert_eq!(line_of(&w, geo.permission_set_location.unwrap()), 5);
    assert_eq!(line_of(&w, geo.location), 3);
    assert_eq!(m.principal_name(geo.owner), "geo_owner");
    assert!(matches!(
        m.principal(geo.owner).kind,
        PrincipalKind::User(_)
    ));
    assert_eq!(line_of(&w, geo.owner_location.unwrap()), 4);
    assert_eq!(geo.file.as_deref(), Some("Geo.Clr.dll"));
    let signing = geo.signing.as_ref().expect("SignAssembly is True");
    assert_eq!(line_of(&w, signing.location), 6);
    assert_eq!(signing.key_file.as_ref().unwrap().0, "keys\\Geo.snk");
    let sources: Vec<String> = geo
        .compile_items
        .iter()
        .map(|f| w.files.get(*f).path.to_string_lossy().replace('\\', "/"))
        .collect();
    assert_eq!(sources.len(), 2);
    assert!(sources[0].ends_with("Clr/Distance.cs"), "{sources:?}");
    assert!(sources[1].ends_with("Clr/Area.cs"), "{sources:?}");
    let entries = m.entry_points();
    assert_eq!(entries[0].assembly, Some(id));
}

// Without `<PermissionSet>` and `<AssemblyOwner>` the build is SAFE and owned by dbo, as a
// `CREATE ASSEMBLY` without them; it is named after the project without `<AssemblyName>`.
// A project without `Compile` items builds nothing, whatever its `<AssemblyName>` (SSDT
// writes one into every project).
#[test]
fn a_build_without_settings_takes_the_defaults_and_no_compile_items_build_nothing() {
    let (w, m) = model(
        "=== file: Clr.sqlproj
<Project Sdk=\"Microsoft.Build.Sql\"><ItemGroup><Compile Include=\"F.cs\" /></ItemGroup></Project>
=== file: F.cs
class F {}
",
    );
    let id = m.assembly_named("Clr").expect("named after the project");
    let clr = m.assembly(id);
    assert_eq!(clr.permission_set, Some(PermissionSet::Safe));
    assert_eq!(clr.permission_set_location, None);
    assert_eq!(clr.owner, m.dbo());
    assert_eq!(clr.owner_location, None);
    assert!(clr.signing.is_none());
    // Located at its first Compile item.
    assert_eq!(line_of(&w, clr.location), 1);

    let (_, m) = model(
        "=== file: Db.sqlproj
<Project Sdk=\"Microsoft.Build.Sql\"><PropertyGroup><AssemblyName>Db</AssemblyName><PermissionSet>UNSAFE</PermissionSet></PropertyGroup></Project>
=== file: t.sql
CREATE TABLE dbo.t (id int);
",
    );
    assert_eq!(m.assemblies().count(), 0);
}

// SSDT writes `<SqlAssemblyName>`, `<SqlOwnerName>` and `<SqlPermissionSet>` on a
// `<Reference>` to a `.dll` it deploys; without `<SqlPermissionSet>` the set is unknown.
// Framework references (`System.Data`) name no file and deploy nothing.
#[test]
fn referenced_dlls_are_model_assemblies_and_dacpacs_are_not() {
    let (w, m) = model(
        "=== file: Db/Db.sqlproj
<Project xmlns=\"http://schemas.microsoft.com/developer/msbuild/2003\"><ItemGroup>
<Reference Include=\"System.Data\" />
<Reference Include=\"tSQLtCLR\">
<HintPath>Assemblies\\tSQLtCLR.dll</HintPath>
<SqlAssemblyName>tSQLtCLR</SqlAssemblyName>
<SqlOwnerName>dbo</SqlOwnerName>
<SqlPermissionSet>EXTERNAL_ACCESS</SqlPermissionSet>
</Reference>
<Reference Include=\"Geo\"><HintPath>..\\lib\\Geo.Types.dll</HintPath></Reference>
<ArtifactReference Include=\"..\\lib\\Shared.dacpac\" />
<ArtifactReference Include=\"..\\lib\\Other.dacpac\"><DatabaseVariableLiteralValue>Other</DatabaseVariableLiteralValue></ArtifactReference>
<ArtifactReference Include=\"$(DacPacRootPath)\\master.dacpac\" />
</ItemGroup></Project>
=== file: Db/t.sql
CREATE TABLE dbo.t (id int);
",
    );
    let names: Vec<&str> = m.assemblies().map(|(_, a)| a.name.as_str()).collect();
    // What a `.dacpac` holds is not read: it makes no assembly (CLR007 still accepts
    // its name).
    assert_eq!(names, vec!["tSQLtCLR", "Geo.Types"]);
    let tsqlt = m.assembly(m.assembly_named("tsqltclr").unwrap());
    assert_eq!(tsqlt.origin, super::AssemblyOrigin::Reference);
    assert_eq!(tsqlt.permission_set, Some(PermissionSet::ExternalAccess));
    assert_eq!(line_of(&w, tsqlt.permission_set_location.unwrap()), 7);
    assert_eq!(line_of(&w, tsqlt.owner_location.unwrap()), 6);
    assert_eq!(tsqlt.owner, m.dbo());
    assert_eq!(tsqlt.file.as_deref(), Some("Assemblies\\tSQLtCLR.dll"));
    let geo = m.assembly(m.assembly_named("geo.types").unwrap());
    assert_eq!(geo.permission_set, None, "unknown, not guessed");
    assert_eq!(line_of(&w, geo.location), 9);
}

// Keys are matched to the assembly made from the same file, by file name, not to an
// assembly that only shares the key's name. What do the sources name? CREATE ASYMMETRIC
// KEY: "EXECUTABLE FILE = 'path_to_executable_file' Specifies an assembly file from which
// to load the public key", "FILE = 'path_to_strong-name_file' Specifies the path of a
// strong-name file from which to load the key pair"; CREATE CERTIFICATE's `FROM FILE`
// is a DER-encoded certificate file. So `FROM EXECUTABLE FILE` names the assembly's file
// (a CREATE ASSEMBLY's path, the build's `<AssemblyName>.dll`, a referenced `.dll`), and
// an asymmetric key `FROM FILE` the `.snk` that signs the project's build.
#[test]
fn keys_from_files_match_the_assembly_made_from_that_file() {
    let (_, m) = model(
        "=== file: Db.sqlproj
<Project xmlns=\"http://schemas.microsoft.com/developer/msbuild/2003\">
<PropertyGroup><AssemblyName>Geo.Clr</AssemblyName><SignAssembly>true</SignAssembly>
<AssemblyOriginatorKeyFile>Geo.snk</AssemblyOriginatorKeyFile></PropertyGroup>
<ItemGroup><Build Include=\"keys.sql\" /><Compile Include=\"F.cs\" />
<Reference Include=\"Ref\"><HintPath>lib\\Ref.Lib.dll</HintPath></Reference></ItemGroup>
</Project>
=== file: F.cs
class F {}
=== file: keys.sql
CREATE ASSEMBLY Io FROM 'C:\\build\\out\\Io.Impl.dll' WITH PERMISSION_SET = UNSAFE;
CREATE ASSEMBLY Bits FROM 0x4D5A;
CREATE ASYMMETRIC KEY IoKey FROM EXECUTABLE FILE = 'D:\\deploy\\io.impl.DLL';
CREATE ASYMMETRIC KEY BuildKey FROM EXECUTABLE FILE = N'C:\\SQLCLR\\Geo.Clr.dll';
CREATE CERTIFICATE RefCert FROM EXECUTABLE FILE = '/opt/clr/Ref.Lib.dll';
CREATE ASYMMETRIC KEY SnkKey FROM FILE = 'C:\\keys\\geo.snk';
CREATE ASYMMETRIC KEY Bits FROM EXECUTABLE FILE = 'C:\\x\\Other.dll';
CREATE CERTIFICATE Io FROM FILE = 'C:\\certs\\Io.Impl.dll';
",
    );
    let of = |key: &str| {
        m.key(m.key_named(key).unwrap())
            .from_assembly
            .map(|id| m.assembly(id).name.clone())
    };
    assert_eq!(of("IoKey").as_deref(), Some("Io"));
    assert_eq!(of("BuildKey").as_deref(), Some("Geo.Clr"));
    assert_eq!(of("RefCert").as_deref(), Some("Ref.Lib"));
    assert_eq!(of("SnkKey").as_deref(), Some("Geo.Clr"));
    // Named like an assembly, made from another file: no match by name alone.
    assert_eq!(of("Bits"), None);
    // A certificate `FROM FILE` is a DER certificate file, not an assembly.
    assert_eq!(of("Io"), None);
}
