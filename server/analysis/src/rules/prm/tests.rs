//! Data-driven tests of the PRM rules and of the model facts they rest on.

use super::testing::check;

#[test]
fn example_p01_chain_break() {
    check(
        "=== file: security.sql
CREATE ROLE sales_app;
CREATE USER pricing_owner WITHOUT LOGIN;
GO
CREATE SCHEMA pricing AUTHORIZATION pricing_owner;
GO
=== file: procs.sql
CREATE PROCEDURE pricing.current_price @sku nvarchar(40) AS SELECT @sku;
GO
CREATE PROCEDURE dbo.quote @sku nvarchar(40)
AS
BEGIN
    EXEC pricing.current_price @sku;   --! PRM001: `sales_app` can execute `dbo.quote`, which calls `pricing.current_price` owned by `pricing_owner` (not `dbo`): the ownership chain is broken and `sales_app` lacks EXECUTE on `pricing.current_price`
END
GO
GRANT EXECUTE ON dbo.quote TO sales_app;
GO
",
    );
}

#[test]
fn example_p02_chain_fixed_by_schema_grant() {
    check(
        "=== file: security.sql
CREATE ROLE sales_app;
CREATE USER pricing_owner WITHOUT LOGIN;
GO
CREATE SCHEMA pricing AUTHORIZATION pricing_owner;
GO
GRANT EXECUTE ON SCHEMA::pricing TO sales_app;
GO
=== file: procs.sql
CREATE PROCEDURE pricing.current_price @sku nvarchar(40) AS SELECT @sku;
GO
CREATE PROCEDURE dbo.quote @sku nvarchar(40)
AS
BEGIN
    EXEC pricing.current_price @sku;
END
GO
GRANT EXECUTE ON dbo.quote TO sales_app;
GO
",
    );
}

#[test]
fn example_p03_update_needs_update_and_select() {
    check(
        "CREATE USER hr_owner WITHOUT LOGIN;
CREATE ROLE payroll;
GO
CREATE SCHEMA hr AUTHORIZATION hr_owner;
GO
CREATE TABLE hr.salaries (employee_id int PRIMARY KEY, amount money NOT NULL);
GO
CREATE PROCEDURE dbo.raise_salary @id int, @pct decimal(5,2)
AS
    UPDATE hr.salaries SET amount = amount * (1 + @pct / 100) WHERE employee_id = @id;   --! PRM002: `payroll` can execute `dbo.raise_salary`, which updates `hr.salaries` owned by `hr_owner` (not `dbo`): the ownership chain is broken and `payroll` lacks SELECT and UPDATE on `hr.salaries`
GO
GRANT EXECUTE ON dbo.raise_salary TO payroll;
GO
",
    );
}

#[test]
fn example_p04_gated_link() {
    check(
        "CREATE USER geo_owner WITHOUT LOGIN;
GO
CREATE SCHEMA geo AUTHORIZATION geo_owner;
GO
CREATE ASSEMBLY GeoLib FROM 0x4D5A900003000000 WITH PERMISSION_SET = SAFE;
GO
CREATE FUNCTION geo.distance (@a float, @b float) RETURNS float
AS EXTERNAL NAME GeoLib.[GeoLib.Functions].Distance;   --! PRM003: `geo.distance` is owned by `geo_owner`, but assembly `GeoLib` is owned by `dbo` and `geo_owner` lacks REFERENCES on it: the CREATE fails
GO
",
    );
}

#[test]
fn example_p08_grants_hygiene() {
    check(
        "CREATE TABLE dbo.audit_log (id int PRIMARY KEY, msg nvarchar(4000));
CREATE ROLE auditors;
CREATE USER ops WITHOUT LOGIN;
GO
GRANT SELECT ON dbo.audit_log TO public;   --! PRM005: SELECT on `dbo.audit_log` is granted to `public`: every user of the database gets it, including users created later and `guest` when enabled
GRANT SELECT ON dbo.audit_log TO auditors WITH GRANT OPTION;   --! PRM007: `auditors` may grant SELECT on `dbo.audit_log` to anyone (WITH GRANT OPTION): who holds it is no longer decided by the project
GRANT TAKE OWNERSHIP ON SCHEMA::dbo TO ops;   --! PRM008: `ops` is granted TAKE OWNERSHIP on schema `dbo`: the grantee can make itself the owner and then do anything with it
ALTER ROLE db_owner ADD MEMBER ops;   --! PRM009: `ops` is added to `db_owner`: it can do anything in the database, including changing permissions and dropping it
GRANT EXECUTE ON dbo.does_not_exist TO auditors;   --! PRM006: GRANT names the object `dbo.does_not_exist`, which the project does not define
GO
",
    );
}

#[test]
fn example_p09_variables_in_principal_names_resolve() {
    check(
        "=== file: Scripts/Script.PostDeployment.sql
:setvar AppRole app_role
:r .\\grants.sql
GO
=== file: Scripts/grants.sql
GRANT IMPERSONATE ON USER::dbo TO [$(AppRole)];
GRANT EXECUTE ON SCHEMA::dbo TO [$(AppRole)];
GO
=== file: roles.sql
CREATE ROLE app_role;
GO
",
    );
}

/// The security scaffolding most chain tests share: a role, a second owner and its
/// schema, a callee there and a caller in `dbo` granted to the role.
const CHAIN: &str = "=== file: security.sql
CREATE ROLE sales_app;
CREATE USER pricing_owner WITHOUT LOGIN;
GO
CREATE SCHEMA pricing AUTHORIZATION pricing_owner;
GO
=== file: procs.sql
CREATE PROCEDURE pricing.current_price AS SELECT 1;
GO
CREATE PROCEDURE dbo.quote
AS
    EXEC pricing.current_price;
GO
GRANT EXECUTE ON dbo.quote TO sales_app;
GO
";

/// `CHAIN` with `extra` appended as a last file, `grants.sql`, and the expected finding
/// at the call (line 4 of `procs.sql`) when `broken`.
fn chain_with(extra: &str, broken: bool) {
    let mut fixture = CHAIN.to_owned();
    if broken {
        fixture = fixture.replace(
            "    EXEC pricing.current_price;\n",
            "    EXEC pricing.current_price; --! PRM001\n",
        );
    }
    fixture.push_str("=== file: grants.sql\n");
    fixture.push_str(extra);
    check(&fixture);
}

#[test]
fn a_grant_on_the_callee_fixes_the_chain() {
    chain_with(
        "GRANT EXECUTE ON pricing.current_price TO sales_app;\n",
        false,
    );
}

#[test]
fn a_database_wide_grant_fixes_the_chain() {
    chain_with("GRANT EXECUTE TO sales_app;\n", false);
}

#[test]
fn a_control_grant_on_the_schema_fixes_the_chain() {
    chain_with(
        "GRANT CONTROL ON SCHEMA::pricing TO sales_app; --! PRM008\n",
        false,
    );
}

#[test]
fn a_grant_to_another_principal_does_not_fix_the_chain() {
    chain_with(
        "CREATE ROLE other_app;\nGO\nGRANT EXECUTE ON pricing.current_price TO other_app;\n",
        true,
    );
}

#[test]
fn aligning_owners_with_alter_authorization_on_the_schema_fixes_the_chain() {
    chain_with("ALTER AUTHORIZATION ON SCHEMA::pricing TO dbo;\n", false);
}

#[test]
fn aligning_owners_with_alter_authorization_on_the_object_fixes_the_chain() {
    chain_with(
        "ALTER AUTHORIZATION ON OBJECT::pricing.current_price TO dbo;\n",
        false,
    );
}

#[test]
fn moving_the_caller_to_the_callees_owner_fixes_the_chain() {
    chain_with(
        "ALTER AUTHORIZATION ON dbo.quote TO pricing_owner;\n",
        false,
    );
}

#[test]
fn alter_authorization_drops_the_grants_made_before_it() {
    // ALTER AUTHORIZATION (Transact-SQL), Remarks: "If the target entity is not a
    // database and the entity is being transferred to a new owner, all permissions on
    // the target will be dropped." The schema grant made before the transfer is gone.
    chain_with(
        "GRANT EXECUTE ON SCHEMA::pricing TO sales_app;\nGO\nCREATE USER pricing_owner2 WITHOUT LOGIN;\nGO\nALTER AUTHORIZATION ON SCHEMA::pricing TO pricing_owner2;\n",
        true,
    );
}

#[test]
fn a_grant_after_alter_authorization_stays() {
    chain_with(
        "CREATE USER pricing_owner2 WITHOUT LOGIN;\nGO\nALTER AUTHORIZATION ON SCHEMA::pricing TO pricing_owner2;\nGO\nGRANT EXECUTE ON SCHEMA::pricing TO sales_app;\n",
        false,
    );
}

#[test]
fn a_later_revoke_undoes_a_grant() {
    chain_with(
        "GRANT EXECUTE ON pricing.current_price TO sales_app;\nGO\nREVOKE EXECUTE ON pricing.current_price FROM sales_app;\n",
        true,
    );
}

#[test]
fn a_later_grant_replaces_a_deny() {
    chain_with(
        "DENY EXECUTE ON pricing.current_price TO sales_app;\nGO\nGRANT EXECUTE ON pricing.current_price TO sales_app;\n",
        false,
    );
}

#[test]
fn a_deny_on_the_object_wins_over_a_schema_grant() {
    let fixture = format!(
        "{CHAIN}=== file: grants.sql\nGRANT EXECUTE ON SCHEMA::pricing TO sales_app;\nDENY EXECUTE ON pricing.current_price TO sales_app;\n"
    )
    .replace(
        "    EXEC pricing.current_price;\n",
        "    EXEC pricing.current_price; --! PRM001: `sales_app` can execute `dbo.quote`, which calls `pricing.current_price` owned by `pricing_owner` (not `dbo`): the ownership chain is broken and `sales_app` is denied EXECUTE on `pricing.current_price`\n",
    );
    check(&fixture);
}

#[test]
fn a_deny_on_the_schema_wins_over_an_object_grant() {
    chain_with(
        "GRANT EXECUTE ON pricing.current_price TO sales_app;\nDENY EXECUTE ON SCHEMA::pricing TO sales_app;\n",
        true,
    );
}

#[test]
fn a_database_wide_deny_also_denies_the_entry_point() {
    // A database-wide DENY EXECUTE covers dbo.quote itself. The catalogue counts a
    // principal granted the entry point as one that may execute it, so the call it
    // cannot make is still reported, and the message says the entry is refused too.
    let fixture = format!(
        "{CHAIN}=== file: grants.sql\nGRANT EXECUTE ON pricing.current_price TO sales_app;\nDENY EXECUTE TO sales_app;\n"
    )
    .replace(
        "    EXEC pricing.current_price;\n",
        "    EXEC pricing.current_price; --! PRM001: `sales_app` is granted EXECUTE on `dbo.quote` (though a DENY refuses it), which calls `pricing.current_price` owned by `pricing_owner` (not `dbo`): the ownership chain is broken and `sales_app` is denied EXECUTE on `pricing.current_price`\n",
    );
    check(&fixture);
}

#[test]
fn db_denydatareader_refuses_the_view_and_what_it_reads() {
    check(
        "CREATE USER hr_owner WITHOUT LOGIN;
CREATE ROLE payroll;
GO
CREATE SCHEMA hr AUTHORIZATION hr_owner;
GO
CREATE TABLE hr.salaries (employee_id int PRIMARY KEY, amount money NOT NULL);
GO
CREATE VIEW dbo.salary_view AS SELECT employee_id, amount FROM hr.salaries; --! PRM002: `payroll` is granted SELECT on `dbo.salary_view` (though a DENY refuses it), which reads `hr.salaries` owned by `hr_owner` (not `dbo`): the ownership chain is broken and `payroll` is denied SELECT on `hr.salaries` by membership in `db_denydatareader`
GO
GRANT SELECT ON dbo.salary_view TO payroll;
GRANT SELECT ON hr.salaries TO payroll;
ALTER ROLE db_denydatareader ADD MEMBER payroll;
",
    );
}

#[test]
fn a_database_wide_deny_wins_over_an_object_grant() {
    check(
        "CREATE ROLE payroll;
CREATE USER hr_owner WITHOUT LOGIN;
GO
CREATE SCHEMA hr AUTHORIZATION hr_owner;
GO
CREATE TABLE hr.salaries (id int PRIMARY KEY, amount money);
GO
CREATE PROCEDURE dbo.total AS SELECT SUM(amount) FROM hr.salaries; --! PRM002: `payroll` can execute `dbo.total`, which reads `hr.salaries` owned by `hr_owner` (not `dbo`): the ownership chain is broken and `payroll` is denied SELECT on `hr.salaries`
GO
GRANT EXECUTE ON dbo.total TO payroll;
GRANT SELECT ON hr.salaries TO payroll;
DENY SELECT TO payroll;
",
    );
}

#[test]
fn a_deny_to_public_binds_every_role() {
    chain_with(
        "GRANT EXECUTE ON pricing.current_price TO sales_app;\nDENY EXECUTE ON pricing.current_price TO public;\n",
        true,
    );
}

#[test]
fn a_grant_to_public_reaches_every_principal() {
    chain_with(
        "GRANT EXECUTE ON pricing.current_price TO public; --! PRM005\n",
        false,
    );
}

#[test]
fn role_membership_is_transitive() {
    chain_with(
        "CREATE ROLE base_role;\nCREATE ROLE mid_role;\nGO\nGRANT EXECUTE ON pricing.current_price TO base_role;\nALTER ROLE base_role ADD MEMBER mid_role;\nEXEC sp_addrolemember 'mid_role', 'sales_app';\n",
        false,
    );
}

#[test]
fn a_dropped_membership_no_longer_counts() {
    chain_with(
        "CREATE ROLE base_role;\nGO\nGRANT EXECUTE ON pricing.current_price TO base_role;\nALTER ROLE base_role ADD MEMBER sales_app;\nGO\nEXEC sp_droprolemember @rolename = N'base_role', @membername = N'sales_app';\n",
        true,
    );
}

#[test]
fn db_owner_members_pass_every_check_but_not_a_deny() {
    // The catalogue: "DENY does not bind the securable's owner, dbo or sysadmins; it
    // does bind db_owner members".
    chain_with(
        "ALTER ROLE db_owner ADD MEMBER sales_app; --! PRM009\n",
        false,
    );
    chain_with(
        "ALTER ROLE db_owner ADD MEMBER sales_app; --! PRM009\nDENY EXECUTE ON pricing.current_price TO sales_app;\n",
        true,
    );
}

#[test]
fn the_first_file_may_grant_on_objects_defined_later() {
    check(
        "=== file: a_grants.sql
GRANT EXECUTE ON dbo.quote TO sales_app;
GRANT EXECUTE ON pricing.current_price TO sales_app;
GO
=== file: b_security.sql
CREATE ROLE sales_app;
CREATE USER pricing_owner WITHOUT LOGIN;
GO
CREATE SCHEMA pricing AUTHORIZATION pricing_owner;
GO
=== file: c_procs.sql
CREATE PROCEDURE pricing.current_price AS SELECT 1;
GO
CREATE PROCEDURE dbo.quote AS EXEC pricing.current_price;
GO
",
    );
}

#[test]
fn principals_affected_at_one_call_site_share_one_finding() {
    check(
        "CREATE ROLE sales_app;
CREATE ROLE web_app;
CREATE USER pricing_owner WITHOUT LOGIN;
GO
CREATE SCHEMA pricing AUTHORIZATION pricing_owner;
GO
CREATE PROCEDURE pricing.current_price AS SELECT 1;
GO
CREATE PROCEDURE dbo.quote AS EXEC pricing.current_price; --! PRM001: `sales_app` can execute `dbo.quote`, which calls `pricing.current_price` owned by `pricing_owner` (not `dbo`): the ownership chain is broken and `sales_app` lacks EXECUTE on `pricing.current_price`; the same goes for `web_app`
GO
GRANT EXECUTE ON dbo.quote TO sales_app, web_app;
GRANT EXECUTE ON pricing.current_price TO dbo;
GO
",
    );
}

#[test]
fn modules_nobody_may_execute_are_not_reported() {
    check(
        "CREATE USER pricing_owner WITHOUT LOGIN;
GO
CREATE SCHEMA pricing AUTHORIZATION pricing_owner;
GO
CREATE PROCEDURE pricing.current_price AS SELECT 1;
GO
CREATE PROCEDURE dbo.quote AS EXEC pricing.current_price;
GO
",
    );
}

#[test]
fn nested_calls_report_the_call_that_breaks_the_chain() {
    check(
        "CREATE ROLE sales_app;
CREATE USER pricing_owner WITHOUT LOGIN;
GO
CREATE SCHEMA pricing AUTHORIZATION pricing_owner;
GO
CREATE PROCEDURE pricing.current_price AS SELECT 1;
GO
CREATE PROCEDURE dbo.inner_quote AS EXEC pricing.current_price; --! PRM001: `sales_app` can execute `dbo.quote`, which leads to `dbo.inner_quote`, which calls `pricing.current_price` owned by `pricing_owner` (not `dbo`): the ownership chain is broken and `sales_app` lacks EXECUTE on `pricing.current_price`
GO
CREATE PROCEDURE dbo.quote AS EXEC dbo.inner_quote;
GO
GRANT EXECUTE ON dbo.quote TO sales_app;
GO
",
    );
}

#[test]
fn recursive_calls_end() {
    check(
        "CREATE ROLE app;
GO
CREATE PROCEDURE dbo.ping AS EXEC dbo.pong;
GO
CREATE PROCEDURE dbo.pong AS EXEC dbo.ping;
GO
GRANT EXECUTE ON dbo.ping TO app;
",
    );
}

#[test]
fn execute_as_owner_checks_the_owner_after_the_switch() {
    // EXECUTE AS clause: "OWNER: the statements inside the module execute in the
    // context of the current owner of the module". The caller still needs EXECUTE on
    // pricing.report (the chain from dbo.quote is broken there); inside it,
    // pricing_owner is the context, and it lacks SELECT on hr.salaries.
    check(
        "CREATE ROLE sales_app;
CREATE USER pricing_owner WITHOUT LOGIN;
CREATE USER hr_owner WITHOUT LOGIN;
GO
CREATE SCHEMA pricing AUTHORIZATION pricing_owner;
GO
CREATE SCHEMA hr AUTHORIZATION hr_owner;
GO
CREATE TABLE hr.salaries (id int PRIMARY KEY, amount money);
GO
CREATE PROCEDURE pricing.report
WITH EXECUTE AS OWNER
AS
    SELECT id, amount FROM hr.salaries; --! PRM002: `sales_app` can execute `pricing.report`, which reads `hr.salaries` owned by `hr_owner` (not `pricing_owner`): the ownership chain is broken and its execution context `pricing_owner` lacks SELECT on `hr.salaries`
GO
CREATE PROCEDURE dbo.quote AS EXEC pricing.report;
GO
GRANT EXECUTE ON dbo.quote TO sales_app;
GRANT EXECUTE ON pricing.report TO sales_app;
GO
",
    );
}

#[test]
fn execute_as_self_runs_as_dbo() {
    check(
        "CREATE ROLE sales_app;
CREATE USER hr_owner WITHOUT LOGIN;
GO
CREATE SCHEMA hr AUTHORIZATION hr_owner;
GO
CREATE TABLE hr.salaries (id int PRIMARY KEY, amount money);
GO
CREATE PROCEDURE dbo.report
WITH EXECUTE AS SELF
AS
    SELECT id, amount FROM hr.salaries;
GO
GRANT EXECUTE ON dbo.report TO sales_app;
",
    );
}

#[test]
fn execute_as_a_user_checks_that_user() {
    check(
        "CREATE ROLE sales_app;
CREATE USER hr_owner WITHOUT LOGIN;
CREATE USER reader WITHOUT LOGIN;
CREATE USER writer WITHOUT LOGIN;
GO
CREATE SCHEMA hr AUTHORIZATION hr_owner;
GO
CREATE TABLE hr.salaries (id int PRIMARY KEY, amount money);
GO
CREATE PROCEDURE dbo.report
WITH EXECUTE AS 'reader'
AS
    SELECT id, amount FROM hr.salaries;
GO
CREATE PROCEDURE dbo.report2
WITH EXECUTE AS 'writer'
AS
    SELECT id, amount FROM hr.salaries; --! PRM002: `sales_app` can execute `dbo.report2`, which reads `hr.salaries` owned by `hr_owner` (not `dbo`): the ownership chain is broken and its execution context `writer` lacks SELECT on `hr.salaries`
GO
GRANT EXECUTE ON dbo.report TO sales_app;
GRANT EXECUTE ON dbo.report2 TO sales_app;
GRANT SELECT ON hr.salaries TO reader;
",
    );
}

#[test]
fn views_are_entry_points_and_run_as_the_caller() {
    check(
        "CREATE ROLE analysts;
CREATE USER hr_owner WITHOUT LOGIN;
GO
CREATE SCHEMA hr AUTHORIZATION hr_owner;
GO
CREATE TABLE hr.salaries (id int PRIMARY KEY, amount money);
GO
CREATE VIEW dbo.salary_report
AS
SELECT id, amount FROM hr.salaries; --! PRM002: `analysts` can select from `dbo.salary_report`, which reads `hr.salaries` owned by `hr_owner` (not `dbo`): the ownership chain is broken and `analysts` lacks SELECT on `hr.salaries`
GO
CREATE VIEW hr.salary_view AS SELECT id, amount FROM hr.salaries;
GO
GRANT SELECT ON dbo.salary_report TO analysts;
GRANT SELECT ON hr.salary_view TO analysts;
",
    );
}

#[test]
fn a_view_in_a_procedure_continues_the_chain_with_the_views_owner() {
    check(
        "CREATE ROLE analysts;
CREATE USER hr_owner WITHOUT LOGIN;
GO
CREATE SCHEMA hr AUTHORIZATION hr_owner;
GO
CREATE TABLE hr.salaries (id int PRIMARY KEY, amount money);
GO
CREATE TABLE dbo.bonus (id int PRIMARY KEY, amount money);
GO
CREATE VIEW hr.pay AS SELECT s.id, b.amount FROM hr.salaries AS s JOIN dbo.bonus AS b ON b.id = s.id; --! PRM002
GO
CREATE PROCEDURE dbo.pay_report AS SELECT id, amount FROM hr.pay;
GO
GRANT EXECUTE ON dbo.pay_report TO analysts;
GRANT SELECT ON hr.pay TO analysts;
",
    );
}

#[test]
fn triggers_fired_by_a_dml_permission_are_checked() {
    check(
        "CREATE ROLE clerks;
CREATE USER audit_owner WITHOUT LOGIN;
GO
CREATE SCHEMA audit AUTHORIZATION audit_owner;
GO
CREATE TABLE audit.log (msg nvarchar(100));
GO
CREATE TABLE dbo.orders (id int PRIMARY KEY);
GO
CREATE TRIGGER dbo.orders_audit ON dbo.orders AFTER INSERT
AS
    INSERT INTO audit.log (msg) VALUES (N'insert'); --! PRM002: `clerks` can insert into `dbo.orders`, which fires the trigger `dbo.orders_audit`, which inserts into `audit.log` owned by `audit_owner` (not `dbo`): the ownership chain is broken and `clerks` lacks INSERT on `audit.log`
GO
GRANT INSERT ON dbo.orders TO clerks;
GRANT DELETE ON dbo.orders TO clerks;
",
    );
}

#[test]
fn a_procedure_that_inserts_fires_the_trigger_in_its_context() {
    check(
        "CREATE ROLE clerks;
CREATE USER audit_owner WITHOUT LOGIN;
GO
CREATE SCHEMA audit AUTHORIZATION audit_owner;
GO
CREATE TABLE audit.log (msg nvarchar(100));
GO
CREATE TABLE dbo.orders (id int PRIMARY KEY);
GO
CREATE TRIGGER dbo.orders_audit ON dbo.orders AFTER INSERT
AS
    INSERT INTO audit.log (msg) VALUES (N'insert'); --! PRM002: `clerks` can execute `dbo.add_order`, which leads to `dbo.orders_audit`, which inserts into `audit.log` owned by `audit_owner` (not `dbo`): the ownership chain is broken and `clerks` lacks INSERT on `audit.log`
GO
CREATE PROCEDURE dbo.add_order @id int AS INSERT INTO dbo.orders (id) VALUES (@id);
GO
GRANT EXECUTE ON dbo.add_order TO clerks;
",
    );
}

#[test]
fn synonyms_are_checked_like_views() {
    // A synonym is checked like a view: permission on the synonym where the chain to
    // it is broken, then its owner's chain to the base object (permission checks on the
    // base object are deferred to run time, CREATE SYNONYM).
    check(
        "CREATE ROLE sales_app;
CREATE USER pricing_owner WITHOUT LOGIN;
GO
CREATE SCHEMA pricing AUTHORIZATION pricing_owner;
GO
CREATE PROCEDURE pricing.current_price AS SELECT 1;
GO
CREATE SYNONYM dbo.price FOR pricing.current_price;
GO
CREATE PROCEDURE dbo.quote AS EXEC dbo.price; --! PRM001: `sales_app` can execute `dbo.quote`, which uses the synonym `dbo.price`, which calls `pricing.current_price` owned by `pricing_owner` (not `dbo`): the ownership chain is broken and `sales_app` lacks EXECUTE on `pricing.current_price`
GO
CREATE SYNONYM pricing.price_here FOR pricing.current_price;
GO
CREATE PROCEDURE dbo.quote_here AS EXEC pricing.price_here; --! PRM001: `sales_app` can execute `dbo.quote_here`, which calls `pricing.price_here` owned by `pricing_owner` (not `dbo`): the ownership chain is broken and `sales_app` lacks EXECUTE on `pricing.price_here`
GO
CREATE SYNONYM pricing.price_granted FOR pricing.current_price;
GO
CREATE PROCEDURE dbo.quote_granted AS EXEC pricing.price_granted;
GO
GRANT EXECUTE ON dbo.quote TO sales_app;
GRANT EXECUTE ON dbo.quote_here TO sales_app;
GRANT EXECUTE ON dbo.quote_granted TO sales_app;
GRANT EXECUTE ON pricing.price_granted TO sales_app;
",
    );
}

#[test]
fn names_match_whatever_the_quoting_and_case() {
    check(
        "CREATE ROLE [Sales App];
CREATE USER \"Pricing_Owner\" WITHOUT LOGIN;
GO
CREATE SCHEMA [Pricing] AUTHORIZATION [pricing_owner];
GO
CREATE PROCEDURE [PRICING].[Current Price] AS SELECT 1;
GO
CREATE PROCEDURE dbo.Quote AS EXEC pricing.[current price]; --! PRM001: `Sales App` can execute `dbo.Quote`, which calls `Pricing.Current Price` owned by `Pricing_Owner` (not `dbo`): the ownership chain is broken and `Sales App` lacks EXECUTE on `Pricing.Current Price`
GO
GRANT EXECUTE ON [DBO].[QUOTE] TO [sales app];
",
    );
}

#[test]
fn the_fix_names_the_grant_in_valid_sql() {
    let (workspace, _) = super::testing::load(
        "CREATE ROLE [Sales App];
CREATE USER pricing_owner WITHOUT LOGIN;
GO
CREATE SCHEMA pricing AUTHORIZATION pricing_owner;
GO
CREATE PROCEDURE pricing.[Current Price] AS SELECT 1;
GO
CREATE PROCEDURE dbo.quote AS EXEC pricing.[Current Price];
GO
GRANT EXECUTE ON dbo.quote TO [Sales App];
",
    );
    let findings = super::testing::findings(&workspace);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(
        findings[0].fix.as_deref(),
        Some(
            "GRANT EXECUTE ON pricing.[Current Price] TO [Sales App], or give `pricing.Current Price` the owner of `dbo.quote`"
        )
    );
    let related: Vec<(usize, &str)> = findings[0]
        .related
        .iter()
        .map(|r| {
            (
                super::testing::line_of(&workspace, r.location),
                r.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        related,
        vec![
            (10, "`Sales App` is granted EXECUTE on `dbo.quote` here"),
            (8, "`dbo.quote` is defined here, owned by `dbo`"),
            (6, "`pricing.Current Price` is defined here"),
            (4, "`pricing_owner` owns `pricing.Current Price` from here"),
        ]
    );
}

#[test]
fn one_part_names_resolve_in_the_modules_schema_first() {
    // Name resolution in SQL Server 2005 and later: inside a module, an unqualified
    // name is looked up in the module's schema first, then in dbo.
    check(
        "CREATE ROLE sales_app;
CREATE USER pricing_owner WITHOUT LOGIN;
GO
CREATE SCHEMA pricing AUTHORIZATION pricing_owner;
GO
CREATE PROCEDURE pricing.current_price AS SELECT 1;
GO
CREATE PROCEDURE pricing.quote AS EXEC current_price;
GO
CREATE PROCEDURE dbo.current_price AS SELECT 2;
GO
CREATE PROCEDURE dbo.quote AS EXEC current_price;
GO
GRANT EXECUTE ON pricing.quote TO sales_app;
GRANT EXECUTE ON dbo.quote TO sales_app;
",
    );
}

#[test]
fn the_projects_default_schema_places_unqualified_objects() {
    check(
        "=== default-schema: app
=== file: all.sql
CREATE ROLE sales_app;
CREATE USER app_owner WITHOUT LOGIN;
GO
CREATE SCHEMA app AUTHORIZATION app_owner;
GO
CREATE PROCEDURE current_price AS SELECT 1;
GO
CREATE PROCEDURE dbo.quote AS EXEC current_price; --! PRM001: `sales_app` can execute `dbo.quote`, which calls `app.current_price` owned by `app_owner` (not `dbo`): the ownership chain is broken and `sales_app` lacks EXECUTE on `app.current_price`
GO
GRANT EXECUTE ON dbo.quote TO sales_app;
GRANT EXECUTE ON current_price TO app_owner;
",
    );
}

#[test]
fn names_in_other_databases_are_outside_the_model() {
    check(
        "=== var: Archive=archive_db
=== file: all.sql
CREATE ROLE sales_app;
GO
CREATE PROCEDURE dbo.quote
AS
BEGIN
    EXEC archive_db.pricing.current_price;
    EXEC [$(Archive)].pricing.current_price;
    SELECT * FROM [linked].archive.dbo.prices;
END
GO
GRANT EXECUTE ON dbo.quote TO sales_app;
GRANT SELECT ON archive_db.dbo.prices TO sales_app;
",
    );
}

#[test]
fn the_database_name_variable_is_this_database() {
    check(
        "CREATE ROLE sales_app;
CREATE USER pricing_owner WITHOUT LOGIN;
GO
CREATE SCHEMA pricing AUTHORIZATION pricing_owner;
GO
CREATE PROCEDURE pricing.current_price AS SELECT 1;
GO
CREATE PROCEDURE dbo.quote AS EXEC [$(DatabaseName)].pricing.current_price; --! PRM001
GO
GRANT EXECUTE ON dbo.quote TO sales_app;
",
    );
}

#[test]
fn known_dynamic_sql_needs_direct_permission_even_with_one_owner() {
    check(
        "CREATE ROLE reporting;
CREATE TABLE dbo.orders (id int PRIMARY KEY);
CREATE TABLE dbo.customers (id int PRIMARY KEY);
GO
CREATE PROCEDURE dbo.count_orders
AS
BEGIN
    DECLARE @sql nvarchar(max) = N'SELECT COUNT(*) FROM ';
    SET @sql = @sql + N'dbo.orders'; --! PRM004: `reporting` can execute `dbo.count_orders`, which runs dynamic SQL that reads `dbo.orders`: ownership chaining does not apply inside dynamic SQL and `reporting` lacks SELECT on `dbo.orders`
    EXEC sp_executesql @sql;
    EXEC (N'SELECT * FROM dbo.customers');
    EXEC (N'SELECT * FROM dbo.orders') AT remote_server;
END
GO
GRANT EXECUTE ON dbo.count_orders TO reporting;
GRANT SELECT ON dbo.customers TO reporting;
",
    );
}

#[test]
fn dynamic_sql_built_from_parameters_is_not_guessed() {
    check(
        "CREATE ROLE reporting;
CREATE TABLE dbo.orders (id int PRIMARY KEY);
GO
CREATE PROCEDURE dbo.run @table sysname
AS
BEGIN
    DECLARE @sql nvarchar(max) = N'SELECT * FROM ' + QUOTENAME(@table);
    EXEC (@sql);
END
GO
GRANT EXECUTE ON dbo.run TO reporting;
",
    );
}

#[test]
fn column_grants_cover_a_query_only_when_they_cover_every_column() {
    // GRANT Object Permissions: a column-level grant covers a query that uses only the
    // granted columns. Where the columns cannot be told (`*`), it does not count.
    check(
        "CREATE ROLE analysts;
CREATE USER hr_owner WITHOUT LOGIN;
GO
CREATE SCHEMA hr AUTHORIZATION hr_owner;
GO
CREATE TABLE hr.people (id int PRIMARY KEY, name nvarchar(100), salary money);
GO
CREATE PROCEDURE dbo.names AS SELECT id, name FROM hr.people;
GO
CREATE PROCEDURE dbo.salaries AS SELECT id, salary FROM hr.people; --! PRM002: `analysts` can execute `dbo.salaries`, which reads `hr.people` owned by `hr_owner` (not `dbo`): the ownership chain is broken and `analysts` lacks SELECT on `hr.people` (a column-level grant does not cover every column used)
GO
CREATE PROCEDURE dbo.everything AS SELECT * FROM hr.people; --! PRM002
GO
GRANT EXECUTE ON dbo.names TO analysts;
GRANT EXECUTE ON dbo.salaries TO analysts;
GRANT EXECUTE ON dbo.everything TO analysts;
GRANT SELECT ON hr.people (id, name) TO analysts;
",
    );
}

#[test]
fn db_datareader_covers_reads_and_db_denydatareader_refuses_them() {
    check(
        "CREATE ROLE analysts;
CREATE ROLE blocked;
CREATE USER hr_owner WITHOUT LOGIN;
GO
CREATE SCHEMA hr AUTHORIZATION hr_owner;
GO
CREATE TABLE hr.people (id int PRIMARY KEY);
GO
CREATE PROCEDURE dbo.count_people AS SELECT COUNT(*) FROM hr.people; --! PRM002: `blocked` can execute `dbo.count_people`, which reads `hr.people` owned by `hr_owner` (not `dbo`): the ownership chain is broken and `blocked` is denied SELECT on `hr.people` by membership in `db_denydatareader`
GO
GRANT EXECUTE ON dbo.count_people TO analysts, blocked;
ALTER ROLE db_datareader ADD MEMBER analysts;
ALTER ROLE db_datareader ADD MEMBER blocked;
ALTER ROLE db_denydatareader ADD MEMBER blocked;
",
    );
}

#[test]
fn db_datawriter_covers_writes_but_not_the_select_they_need() {
    check(
        "CREATE ROLE clerks;
CREATE USER hr_owner WITHOUT LOGIN;
GO
CREATE SCHEMA hr AUTHORIZATION hr_owner;
GO
CREATE TABLE hr.people (id int PRIMARY KEY, active bit);
GO
CREATE PROCEDURE dbo.add_person @id int AS INSERT INTO hr.people (id) VALUES (@id);
GO
CREATE PROCEDURE dbo.retire @id int AS UPDATE hr.people SET active = 0 WHERE id = @id; --! PRM002: `clerks` can execute `dbo.retire`, which reads `hr.people` owned by `hr_owner` (not `dbo`): the ownership chain is broken and `clerks` lacks SELECT on `hr.people`
GO
GRANT EXECUTE ON SCHEMA::dbo TO clerks;
ALTER ROLE db_datawriter ADD MEMBER clerks;
",
    );
}

#[test]
fn prm006_names_each_unknown_principal_schema_and_object() {
    check(
        "=== var: Archive=archive_db
=== file: all.sql
CREATE ROLE readers;
CREATE TABLE dbo.t (id int);
GO
GRANT SELECT ON dbo.t TO ghost_user; --! PRM006: GRANT names `ghost_user`, which is not a user or role of the project nor built in
GRANT SELECT ON SCHEMA::ghost_schema TO readers; --! PRM006: GRANT names the schema `ghost_schema`, which the project does not define
DENY SELECT ON dbo.ghost_table TO readers; --! PRM006: DENY names the object `dbo.ghost_table`, which the project does not define
REVOKE IMPERSONATE ON USER::ghost_user FROM readers; --! PRM006
ALTER ROLE ghost_role ADD MEMBER readers; --! PRM006: the role `ghost_role` is not a role of the project nor built in
EXEC sp_addrolemember 'readers', 'ghost_member'; --! PRM006: the member `ghost_member` is not a user or role of the project nor built in
GRANT SELECT ON sys.objects TO readers;
GRANT SELECT ON INFORMATION_SCHEMA.TABLES TO readers;
GRANT SELECT ON SCHEMA::sys TO readers;
GRANT VIEW DEFINITION TO public;
GRANT SELECT ON dbo.t TO guest, db_datareader;
GRANT VIEW SERVER STATE TO [DOMAIN\\monitoring];
GRANT UNSAFE ASSEMBLY TO some_login;
ALTER SERVER ROLE sysadmin ADD MEMBER [DOMAIN\\admins]; --! PRM009
GRANT SELECT ON archive_db.dbo.t TO readers;
GRANT TAKE OWNERSHIP ON SCHEMA::<schema_name, sysname, Production> TO <role_name, sysname, Owner>; --! PRM008
GRANT SELECT ON [$(Archive)].dbo.t TO readers;
",
    );
}

#[test]
fn prm009_every_form_of_adding_to_db_owner_or_sysadmin() {
    check(
        "CREATE USER ops WITHOUT LOGIN;
CREATE LOGIN ops_login WITH PASSWORD = 'x';
GO
EXEC sp_addrolemember 'db_owner', 'ops'; --! PRM009
EXEC sys.sp_addrolemember @rolename = N'DB_OWNER', @membername = N'ops'; --! PRM009
ALTER ROLE [db_owner] ADD MEMBER [ops]; --! PRM009
ALTER ROLE db_owner DROP MEMBER ops;
EXEC sp_addsrvrolemember 'ops_login', 'sysadmin'; --! PRM009: `ops_login` is added to `sysadmin`: it can do anything on the server
ALTER SERVER ROLE sysadmin ADD MEMBER ops_login; --! PRM009
ALTER ROLE db_datareader ADD MEMBER ops;
",
    );
}

#[test]
fn prm008_reports_high_privileges_only() {
    check(
        "CREATE USER ops WITHOUT LOGIN;
CREATE TABLE dbo.t (id int);
CREATE LOGIN ops_login WITH PASSWORD = 'x';
GO
GRANT CONTROL TO ops; --! PRM008: `ops` is granted CONTROL: it grants every permission in the database
GRANT CONTROL ON DATABASE::fixture TO ops; --! PRM008
GRANT CONTROL ON SCHEMA::dbo TO ops; --! PRM008
GRANT CONTROL ON dbo.t TO ops;
GRANT TAKE OWNERSHIP ON dbo.t TO ops; --! PRM008
GRANT ALTER ANY USER, ALTER ANY ROLE TO ops; --! PRM008 | PRM008
GRANT ALTER ANY SCHEMA TO ops; --! PRM008
GRANT ALTER ANY ASSEMBLY TO ops; --! PRM008
GRANT CONTROL SERVER TO ops_login; --! PRM008: `ops_login` is granted CONTROL SERVER: it is nearly equivalent to sysadmin
GRANT ALTER ANY LOGIN TO ops_login; --! PRM008
DENY CONTROL TO ops;
REVOKE ALTER ANY USER FROM ops;
GRANT SELECT, INSERT ON dbo.t TO ops;
",
    );
}

#[test]
fn prm005_prm007_prm010_statement_rules() {
    check(
        "CREATE TABLE dbo.t (id int);
CREATE ROLE r;
GO
GRANT SELECT, INSERT ON dbo.t TO public; --! PRM005: SELECT and INSERT on `dbo.t` is granted to `public`: every user of the database gets it, including users created later and `guest` when enabled
GRANT EXECUTE ON SCHEMA::dbo TO [Public]; --! PRM005
GRANT VIEW DEFINITION TO public;
DENY SELECT ON dbo.t TO public;
GRANT SELECT ON dbo.t TO r, public WITH GRANT OPTION; --! PRM005 | PRM007: `r` and `public` may grant SELECT on `dbo.t` to anyone (WITH GRANT OPTION): who holds it is no longer decided by the project
GRANT CONNECT TO guest; --! PRM010: CONNECT is granted to `guest`: every login of the server without a user here can enter the database as `guest`
REVOKE CONNECT FROM guest;
GRANT CONNECT TO r;
",
    );
}

#[test]
fn prm011_a_grant_that_lost_its_go_is_part_of_the_module() {
    check(
        "CREATE ROLE app;
GO
CREATE PROCEDURE dbo.touch
AS
    SELECT 1;
GRANT EXECUTE ON dbo.touch TO app; --! PRM011: This GRANT is part of the body of `dbo.touch`: it runs each time the module runs instead of once at deployment; a `GO` is probably missing before it
GO
CREATE PROCEDURE dbo.other AS SELECT 2;
GO
GRANT EXECUTE ON dbo.other TO app;
GO
CREATE PROCEDURE dbo.test_as_temp_user
AS
BEGIN
    CREATE USER temp_user WITHOUT LOGIN;
    GRANT EXECUTE ON dbo.other TO temp_user; --! PRM011: This GRANT runs each time `dbo.test_as_temp_user` runs, not once at deployment: the permission changes at run time, outside what the deployment scripts show
    EXECUTE AS USER = 'temp_user';
    EXEC dbo.other;
    REVERT;
END
GO
",
    );
}

#[test]
fn prm003_references_or_matching_owners_open_the_gated_link() {
    check(
        "CREATE USER geo_owner WITHOUT LOGIN;
CREATE USER math_owner WITHOUT LOGIN;
CREATE USER stats_owner WITHOUT LOGIN;
GO
CREATE SCHEMA geo AUTHORIZATION geo_owner;
GO
CREATE SCHEMA math AUTHORIZATION math_owner;
GO
CREATE SCHEMA stats AUTHORIZATION stats_owner;
GO
CREATE ASSEMBLY GeoLib AUTHORIZATION geo_owner FROM 0x4D5A WITH PERMISSION_SET = SAFE;
CREATE ASSEMBLY MathLib FROM 0x4D5A WITH PERMISSION_SET = SAFE;
GO
CREATE FUNCTION geo.distance (@a float) RETURNS float AS EXTERNAL NAME GeoLib.[GeoLib.Functions].Distance;
GO
CREATE FUNCTION math.root (@a float) RETURNS float AS EXTERNAL NAME MathLib.[MathLib.F].Root;
GO
CREATE FUNCTION stats.mean (@a float) RETURNS float AS EXTERNAL NAME MathLib.[MathLib.F].Mean; --! PRM003
GO
CREATE FUNCTION dbo.ext (@a float) RETURNS float AS EXTERNAL NAME Missing.[M].F;
GO
CREATE FUNCTION dbo.cube (@a float) RETURNS float AS EXTERNAL NAME MathLib.[MathLib.F].Cube;
GO
GRANT REFERENCES ON ASSEMBLY::MathLib TO math_owner;
",
    );
}

#[test]
fn the_execute_as_clause_in_force_is_a_related_location() {
    let (workspace, _) = super::testing::load(
        "CREATE ROLE app;
CREATE USER runner WITHOUT LOGIN;
CREATE USER hr_owner WITHOUT LOGIN;
GO
CREATE SCHEMA hr AUTHORIZATION hr_owner;
GO
CREATE TABLE hr.people (id int);
GO
CREATE PROCEDURE dbo.inner_read AS SELECT id FROM hr.people;
GO
CREATE PROCEDURE dbo.outer_read
WITH EXECUTE AS 'runner'
AS EXEC dbo.inner_read;
GO
GRANT EXECUTE ON dbo.outer_read TO app;
",
    );
    let findings = super::testing::findings(&workspace);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(
        findings[0].message,
        "`app` can execute `dbo.outer_read`, which leads to `dbo.inner_read`, which reads `hr.people` owned by `hr_owner` (not `dbo`): the ownership chain is broken and its execution context `runner` lacks SELECT on `hr.people`"
    );
    let related: Vec<(usize, &str)> = findings[0]
        .related
        .iter()
        .map(|r| {
            (
                super::testing::line_of(&workspace, r.location),
                r.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        related,
        vec![
            (15, "`app` is granted EXECUTE on `dbo.outer_read` here"),
            (9, "`dbo.inner_read` is defined here, owned by `dbo`"),
            (12, "`dbo.outer_read` runs as `runner`"),
            (7, "`hr.people` is defined here"),
            (5, "`hr_owner` owns `hr.people` from here"),
        ]
    );
}

#[test]
fn functions_are_checked_by_their_kind_of_access() {
    // Scalar functions need EXECUTE; table-valued functions are read like views and
    // need SELECT (GRANT Object Permissions: "table-valued function: SELECT").
    check(
        "CREATE ROLE app;
CREATE USER calc_owner WITHOUT LOGIN;
GO
CREATE SCHEMA calc AUTHORIZATION calc_owner;
GO
CREATE FUNCTION calc.tax (@amount money) RETURNS money AS BEGIN RETURN @amount * 0.2; END
GO
CREATE FUNCTION calc.rates () RETURNS TABLE AS RETURN SELECT 1 AS rate;
GO
CREATE PROCEDURE dbo.price @amount money
AS
BEGIN
    SELECT calc.tax(@amount); --! PRM001
    SELECT rate FROM calc.rates(); --! PRM002
END
GO
GRANT EXECUTE ON dbo.price TO app;
",
    );
}

#[test]
fn a_table_valued_function_continues_the_chain_with_its_owner() {
    check(
        "CREATE ROLE app;
CREATE USER calc_owner WITHOUT LOGIN;
GO
CREATE SCHEMA calc AUTHORIZATION calc_owner;
GO
CREATE TABLE dbo.rates (rate decimal(5,2));
GO
CREATE FUNCTION calc.current_rates () RETURNS TABLE AS RETURN SELECT rate FROM dbo.rates; --! PRM002: `app` can select from `calc.current_rates`, which reads `dbo.rates` owned by `dbo` (not `calc_owner`): the ownership chain is broken and `app` lacks SELECT on `dbo.rates`
GO
GRANT SELECT ON calc.current_rates TO app;
",
    );
}

#[test]
fn delete_and_merge_need_their_actions_and_select() {
    check(
        "CREATE ROLE app;
CREATE USER hr_owner WITHOUT LOGIN;
GO
CREATE SCHEMA hr AUTHORIZATION hr_owner;
GO
CREATE TABLE hr.people (id int PRIMARY KEY, name nvarchar(50));
CREATE TABLE hr.staging (id int PRIMARY KEY, name nvarchar(50));
GO
CREATE PROCEDURE dbo.purge @id int AS DELETE FROM hr.people WHERE id = @id; --! PRM002: `app` can execute `dbo.purge`, which deletes from `hr.people` owned by `hr_owner` (not `dbo`): the ownership chain is broken and `app` lacks SELECT and DELETE on `hr.people`
GO
CREATE PROCEDURE dbo.purge_all AS DELETE FROM hr.people; --! PRM002: `app` can execute `dbo.purge_all`, which deletes from `hr.people` owned by `hr_owner` (not `dbo`): the ownership chain is broken and `app` lacks DELETE on `hr.people`
GO
GRANT EXECUTE ON dbo.purge TO app;
GRANT EXECUTE ON dbo.purge_all TO app;
",
    );
}

#[test]
fn instead_of_triggers_on_views_and_trigger_contexts() {
    check(
        "CREATE ROLE clerks;
CREATE USER audit_owner WITHOUT LOGIN;
CREATE USER auditor WITHOUT LOGIN;
GO
CREATE SCHEMA audit AUTHORIZATION audit_owner;
GO
CREATE TABLE audit.log (msg nvarchar(100));
CREATE TABLE dbo.orders (id int PRIMARY KEY);
GO
CREATE VIEW dbo.open_orders AS SELECT id FROM dbo.orders;
GO
CREATE TRIGGER dbo.open_orders_insert ON dbo.open_orders INSTEAD OF INSERT
AS
BEGIN
    INSERT INTO dbo.orders (id) SELECT id FROM inserted;
    INSERT INTO audit.log (msg) VALUES (N'insert'); --! PRM002
END
GO
CREATE TRIGGER dbo.orders_delete ON dbo.orders
WITH EXECUTE AS 'auditor'
AFTER DELETE
AS
    INSERT INTO audit.log (msg) VALUES (N'delete');
GO
GRANT INSERT ON dbo.open_orders TO clerks;
GRANT DELETE ON dbo.orders TO clerks;
GRANT INSERT ON audit.log TO auditor;
",
    );
}

#[test]
fn synonyms_to_other_databases_are_outside_the_model() {
    check(
        "CREATE ROLE app;
GO
CREATE SYNONYM dbo.remote_prices FOR archive.pricing.prices;
GO
CREATE PROCEDURE dbo.read_remote AS SELECT * FROM dbo.remote_prices;
GO
GRANT EXECUTE ON dbo.read_remote TO app;
GRANT SELECT ON dbo.remote_prices TO app;
",
    );
}

#[test]
fn a_trigger_belongs_to_the_owner_of_its_table() {
    // ALTER AUTHORIZATION: the ownership of triggers cannot be transferred; a trigger
    // belongs to its table's owner, so moving the table moves the trigger's chain.
    check(
        "CREATE ROLE clerks;
CREATE USER sales_owner WITHOUT LOGIN;
GO
CREATE TABLE dbo.orders (id int PRIMARY KEY);
CREATE TABLE dbo.order_log (id int);
GO
CREATE TRIGGER dbo.orders_log ON dbo.orders AFTER INSERT
AS
    INSERT INTO dbo.order_log (id) SELECT id FROM inserted; --! PRM002: `clerks` can insert into `dbo.orders`, which fires the trigger `dbo.orders_log`, which inserts into `dbo.order_log` owned by `dbo` (not `sales_owner`): the ownership chain is broken and `clerks` lacks INSERT on `dbo.order_log`
GO
ALTER AUTHORIZATION ON OBJECT::dbo.orders TO sales_owner;
GO
GRANT INSERT ON dbo.orders TO clerks;
",
    );
}

#[test]
fn revoke_grant_option_for_keeps_the_permission() {
    chain_with(
        "GRANT EXECUTE ON pricing.current_price TO sales_app WITH GRANT OPTION; --! PRM007\nGO\nREVOKE GRANT OPTION FOR EXECUTE ON pricing.current_price FROM sales_app CASCADE;\n",
        false,
    );
}

#[test]
fn dynamic_sql_findings_point_at_the_literal_and_relate_the_exec() {
    let (workspace, _) = super::testing::load(
        "CREATE ROLE reporting;
CREATE TABLE dbo.orders (id int PRIMARY KEY);
GO
CREATE PROCEDURE dbo.count_orders
AS
BEGIN
    DECLARE @sql nvarchar(max) = N'SELECT COUNT(*) FROM dbo.orders';
    EXEC sp_executesql @sql;
END
GO
GRANT EXECUTE ON dbo.count_orders TO reporting;
",
    );
    let findings = super::testing::findings(&workspace);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let finding = &findings[0];
    assert_eq!(finding.code, crate::Code::Prm004);
    assert_eq!(super::testing::line_of(&workspace, finding.location), 7);
    assert_eq!(
        finding.fix.as_deref(),
        Some("GRANT SELECT ON dbo.orders TO reporting")
    );
    let related: Vec<(usize, &str)> = finding
        .related
        .iter()
        .map(|r| {
            (
                super::testing::line_of(&workspace, r.location),
                r.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        related,
        vec![
            (
                11,
                "`reporting` is granted EXECUTE on `dbo.count_orders` here"
            ),
            (8, "`dbo.count_orders` runs the dynamic SQL here"),
            (4, "`dbo.count_orders` is defined here, owned by `dbo`"),
            (2, "`dbo.orders` is defined here"),
        ]
    );
}

#[test]
fn dynamic_sql_that_calls_a_procedure_needs_execute_and_chaining_resumes_inside() {
    check(
        "CREATE ROLE app;
CREATE TABLE dbo.orders (id int PRIMARY KEY);
GO
CREATE PROCEDURE dbo.list_orders AS SELECT id FROM dbo.orders;
GO
CREATE PROCEDURE dbo.run_list AS EXEC (N'EXEC dbo.list_orders'); --! PRM004: `app` can execute `dbo.run_list`, which runs dynamic SQL that calls `dbo.list_orders`: ownership chaining does not apply inside dynamic SQL and `app` lacks EXECUTE on `dbo.list_orders`
GO
GRANT EXECUTE ON dbo.run_list TO app;
",
    );
}

/// Half-written text never makes the model or the rules panic: every prefix of a
/// fixture that uses most constructs is analysed.
#[test]
fn every_prefix_of_a_rich_script_is_analysed_without_panic() {
    let text = "CREATE ROLE r; CREATE USER u WITHOUT LOGIN; CREATE LOGIN l FROM ASYMMETRIC KEY k;
CREATE SCHEMA s AUTHORIZATION u;
GO
CREATE ASSEMBLY a AUTHORIZATION u FROM 0x4D5A WITH PERMISSION_SET = UNSAFE;
CREATE ASYMMETRIC KEY k FROM ASSEMBLY a;
GO
CREATE TABLE s.t (id int, v int);
CREATE SYNONYM dbo.syn FOR s.t;
GO
CREATE VIEW dbo.v AS SELECT id FROM dbo.syn;
GO
CREATE TRIGGER s.tr ON s.t AFTER INSERT AS INSERT INTO dbo.log (id) SELECT id FROM inserted;
GO
CREATE PROCEDURE dbo.p @x nvarchar(10) WITH EXECUTE AS OWNER AS
BEGIN
    DECLARE @q nvarchar(max) = N'SELECT * FROM s.t';
    EXEC sp_executesql @q;
    EXEC (N'DELETE FROM s.t WHERE id = 1');
    UPDATE s.t SET v = 1 WHERE id = 2;
    EXEC s.missing;
    GRANT SELECT ON s.t TO r;
END
GO
CREATE FUNCTION dbo.f (@a int) RETURNS int AS EXTERNAL NAME a.[A.B].C;
GO
GRANT EXECUTE ON dbo.p TO r WITH GRANT OPTION;
DENY SELECT ON SCHEMA::s TO public;
REVOKE SELECT ON s.t (id) FROM r CASCADE;
ALTER AUTHORIZATION ON SCHEMA::s TO dbo;
ALTER ROLE db_owner ADD MEMBER u;
EXEC sp_addrolemember 'r', 'u';
EXEC sp_configure 'clr strict security', 0;
ALTER DATABASE CURRENT SET TRUSTWORTHY ON;
";
    let mut end = 0;
    while end <= text.len() {
        if text.is_char_boundary(end) {
            let (workspace, _) = super::testing::load(&text[..end]);
            let _ = super::testing::findings(&workspace);
        }
        end += 7;
    }
}

#[test]
fn members_of_fixed_data_roles_reach_views_and_triggers() {
    // db_datareader gives SELECT on every table and view, and db_datawriter
    // INSERT/UPDATE/DELETE on every table, but neither gives EXECUTE on a function nor
    // SELECT to a writer: the view's function call and the trigger's lookup fail for
    // their members when the owners differ.
    check(
        "CREATE USER reader WITHOUT LOGIN;
CREATE USER writer WITHOUT LOGIN;
CREATE USER calc_owner WITHOUT LOGIN;
GO
CREATE SCHEMA calc AUTHORIZATION calc_owner;
GO
CREATE FUNCTION calc.tax (@a money) RETURNS money AS BEGIN RETURN @a * 0.2; END
GO
CREATE TABLE calc.rates (rate money);
CREATE TABLE dbo.orders (id int PRIMARY KEY, amount money);
GO
CREATE VIEW dbo.taxed AS SELECT id, calc.tax(amount) AS tax FROM dbo.orders; --! PRM001: `db_datareader` can select from `dbo.taxed`, which calls `calc.tax` owned by `calc_owner` (not `dbo`): the ownership chain is broken and `db_datareader` lacks EXECUTE on `calc.tax`
GO
CREATE TRIGGER dbo.orders_check ON dbo.orders AFTER INSERT
AS
    SELECT rate FROM calc.rates; --! PRM002: `db_datawriter` can insert into `dbo.orders`, which fires the trigger `dbo.orders_check`, which reads `calc.rates` owned by `calc_owner` (not `dbo`): the ownership chain is broken and `db_datawriter` lacks SELECT on `calc.rates`
GO
ALTER ROLE db_datareader ADD MEMBER reader;
ALTER ROLE db_datawriter ADD MEMBER writer;
",
    );
}

#[test]
fn column_grants_cover_updates_of_those_columns() {
    check(
        "CREATE ROLE clerks;
CREATE USER hr_owner WITHOUT LOGIN;
GO
CREATE SCHEMA hr AUTHORIZATION hr_owner;
GO
CREATE TABLE hr.people (id int PRIMARY KEY, phone nvarchar(20), salary money);
GO
CREATE PROCEDURE dbo.set_phone @id int, @phone nvarchar(20) AS UPDATE hr.people SET phone = @phone WHERE id = @id;
GO
CREATE PROCEDURE dbo.set_salary @id int, @s money AS UPDATE hr.people SET salary = @s WHERE id = @id; --! PRM002: `clerks` can execute `dbo.set_salary`, which updates `hr.people` owned by `hr_owner` (not `dbo`): the ownership chain is broken and `clerks` lacks UPDATE on `hr.people` (a column-level grant does not cover every column used)
GO
GRANT EXECUTE ON dbo.set_phone TO clerks;
GRANT EXECUTE ON dbo.set_salary TO clerks;
GRANT UPDATE (phone) ON hr.people TO clerks;
GRANT SELECT (id) ON hr.people TO clerks;
",
    );
}

#[test]
fn dynamic_sql_resolves_one_part_names_in_the_users_default_schema() {
    // Name resolution: dynamic SQL inside a module uses the current user's default
    // schema for one-part names, not the module's schema.
    check(
        "CREATE USER runner WITHOUT LOGIN WITH DEFAULT_SCHEMA = sales;
CREATE ROLE app;
GO
CREATE SCHEMA sales;
GO
CREATE TABLE sales.orders (id int);
CREATE TABLE dbo.orders (id int);
GO
CREATE PROCEDURE dbo.count_orders
WITH EXECUTE AS 'runner'
AS
    EXEC (N'SELECT COUNT(*) FROM orders'); --! PRM004: `app` can execute `dbo.count_orders`, which runs dynamic SQL that reads `sales.orders`: ownership chaining does not apply inside dynamic SQL and its execution context `runner` lacks SELECT on `sales.orders`
GO
GRANT EXECUTE ON dbo.count_orders TO app;
GRANT SELECT ON dbo.orders TO runner;
",
    );
}

#[test]
fn prm003_follows_assembly_ownership_changes_in_order() {
    // The REFERENCES grant made before ALTER AUTHORIZATION ON ASSEMBLY is dropped with
    // the transfer (ALTER AUTHORIZATION, Remarks); moving the assembly to the module's
    // owner opens the link.
    check(
        "CREATE USER geo_owner WITHOUT LOGIN;
CREATE USER lib_owner WITHOUT LOGIN;
CREATE USER calc_owner WITHOUT LOGIN;
GO
CREATE SCHEMA geo AUTHORIZATION geo_owner;
GO
CREATE SCHEMA calc AUTHORIZATION calc_owner;
GO
CREATE ASSEMBLY GeoLib FROM 0x4D5A WITH PERMISSION_SET = SAFE;
CREATE ASSEMBLY CalcLib FROM 0x4D5A WITH PERMISSION_SET = SAFE;
GO
CREATE FUNCTION geo.distance (@a float) RETURNS float
AS EXTERNAL NAME GeoLib.[GeoLib.F].Distance; --! PRM003
GO
CREATE FUNCTION calc.root (@a float) RETURNS float
AS EXTERNAL NAME CalcLib.[CalcLib.F].Root;
GO
GRANT REFERENCES ON ASSEMBLY::GeoLib TO geo_owner;
ALTER AUTHORIZATION ON ASSEMBLY::GeoLib TO lib_owner;
ALTER AUTHORIZATION ON ASSEMBLY::CalcLib TO calc_owner;
",
    );
}

// ---- the model SQL Server really has (issue 7) -------------------------------------------

/// ADD SIGNATURE (https://learn.microsoft.com/en-us/sql/t-sql/statements/add-signature-transact-sql):
/// the permissions of the user created FROM the signing certificate are added while the
/// signed module runs, so its SELECT covers the broken chain; an unsigned twin still
/// breaks, and so does a module whose signature a later ALTER dropped ("When the module
/// is changed, the signature is dropped").
#[test]
fn a_signature_adds_the_certificate_users_permissions() {
    check(
        "CREATE ROLE clerks;
CREATE USER pay_owner WITHOUT LOGIN;
GO
CREATE SCHEMA pay AUTHORIZATION pay_owner;
GO
CREATE CERTIFICATE signer WITH SUBJECT = 'pay';
CREATE USER signer_user FROM CERTIFICATE signer;
GO
CREATE TABLE pay.salaries (id int, amount money);
GO
GRANT SELECT ON pay.salaries TO signer_user;
GO
CREATE PROCEDURE dbo.signed AS SELECT amount FROM pay.salaries;
GO
ADD SIGNATURE TO dbo.signed BY CERTIFICATE signer WITH PASSWORD = 'x';
GO
CREATE PROCEDURE dbo.unsigned AS SELECT amount FROM pay.salaries;   --! PRM002
GO
CREATE PROCEDURE dbo.altered AS SELECT amount FROM pay.salaries;
GO
ADD SIGNATURE TO dbo.altered BY CERTIFICATE signer;
GO
ALTER PROCEDURE dbo.altered AS SELECT amount FROM pay.salaries;   --! PRM002
GO
GRANT EXECUTE ON dbo.signed TO clerks;
GRANT EXECUTE ON dbo.unsigned TO clerks;
GRANT EXECUTE ON dbo.altered TO clerks;
",
    );
}

/// ADD SIGNATURE, Countersignatures: the signature is "temporarily added to the SQL
/// token, but … lost if the module executes another module"; a counter signature "allows
/// signatures made by the same certificate or asymmetric key to be kept for the duration
/// of the call made to the counter-signed object". The signature also covers the signed
/// module's dynamic SQL (PRM004).
#[test]
fn a_counter_signature_keeps_the_callers_signature_and_dynamic_sql_is_covered() {
    check(
        "CREATE ROLE clerks;
CREATE USER pay_owner WITHOUT LOGIN;
GO
CREATE SCHEMA pay AUTHORIZATION pay_owner;
GO
CREATE CERTIFICATE signer WITH SUBJECT = 'pay';
CREATE USER signer_user FROM CERTIFICATE signer;
GO
CREATE TABLE pay.salaries (id int, amount money);
GO
GRANT SELECT ON pay.salaries TO signer_user;
GO
CREATE PROCEDURE dbo.countered AS SELECT amount FROM pay.salaries;
GO
CREATE PROCEDURE dbo.plain AS SELECT amount FROM pay.salaries;   --! PRM002
GO
CREATE PROCEDURE dbo.entry
AS
BEGIN
    EXEC dbo.countered;
    EXEC dbo.plain;
    EXEC ('SELECT amount FROM pay.salaries');
END
GO
ADD SIGNATURE TO dbo.entry BY CERTIFICATE signer;
ADD COUNTER SIGNATURE TO dbo.countered BY CERTIFICATE signer;
GO
CREATE PROCEDURE dbo.unsigned_dynamic AS EXEC ('SELECT amount FROM pay.salaries');   --! PRM004
GO
GRANT EXECUTE ON dbo.entry TO clerks;
GRANT EXECUTE ON dbo.unsigned_dynamic TO clerks;
",
    );
}

/// DROP SIGNATURE (https://learn.microsoft.com/en-us/sql/t-sql/statements/drop-signature-transact-sql)
/// removes the signature, and the chain is broken again (PRM001).
#[test]
fn a_dropped_signature_gives_nothing() {
    check(
        "CREATE ROLE clerks;
CREATE USER pay_owner WITHOUT LOGIN;
GO
CREATE SCHEMA pay AUTHORIZATION pay_owner;
GO
CREATE CERTIFICATE signer WITH SUBJECT = 'pay';
CREATE USER signer_user FROM CERTIFICATE signer;
GO
CREATE PROCEDURE pay.inner_proc AS RETURN 0;
GO
GRANT EXECUTE ON pay.inner_proc TO signer_user;
GO
CREATE PROCEDURE dbo.outer_proc AS EXEC pay.inner_proc;   --! PRM001
GO
ADD SIGNATURE TO dbo.outer_proc BY CERTIFICATE signer;
GO
DROP SIGNATURE FROM dbo.outer_proc BY CERTIFICATE signer;
GO
GRANT EXECUTE ON dbo.outer_proc TO clerks;
",
    );
}

/// ALTER SCHEMA … TRANSFER (https://learn.microsoft.com/en-us/sql/t-sql/statements/alter-schema-transact-sql):
/// the moved table takes the new schema's owner, so a chain from `dbo` to it breaks, and
/// the permissions granted on it before the move are gone.
#[test]
fn a_transferred_object_takes_the_new_owner_and_loses_its_permissions() {
    check(
        "CREATE ROLE clerks;
CREATE USER pay_owner WITHOUT LOGIN;
GO
CREATE SCHEMA pay AUTHORIZATION pay_owner;
GO
CREATE SCHEMA staging;
GO
CREATE TABLE staging.bonuses (id int, amount money);
CREATE TABLE staging.kept (id int, amount money);
GO
GRANT SELECT ON staging.bonuses TO clerks;
GO
CREATE PROCEDURE dbo.total AS SELECT SUM(amount) FROM pay.bonuses;   --! PRM002
GO
CREATE PROCEDURE dbo.still_dbo AS SELECT SUM(amount) FROM staging.kept;
GO
GRANT EXECUTE ON dbo.total TO clerks;
GRANT EXECUTE ON dbo.still_dbo TO clerks;
GO
ALTER SCHEMA pay TRANSFER staging.bonuses;
",
    );
}

/// EXECUTE AS and REVERT as statements inside a module
/// (https://learn.microsoft.com/en-us/sql/t-sql/statements/execute-as-transact-sql): the
/// reference after `EXECUTE AS USER = 'worker'` is checked against `worker`, after
/// `REVERT` against the caller again, who holds SELECT.
#[test]
fn execute_as_user_in_a_body_is_checked_against_that_user_until_revert() {
    check(
        "CREATE ROLE app;
CREATE USER worker WITHOUT LOGIN;
CREATE USER data_owner WITHOUT LOGIN;
GO
CREATE SCHEMA data AUTHORIZATION data_owner;
GO
CREATE TABLE data.t (id int);
GO
GRANT SELECT ON data.t TO app;
GO
CREATE PROCEDURE dbo.p
AS
BEGIN
    EXECUTE AS USER = 'worker';
    SELECT id FROM data.t;   --! PRM002: `app` can execute `dbo.p`, which reads `data.t` owned by `data_owner` (not `dbo`): the ownership chain is broken and its execution context `worker` lacks SELECT on `data.t`
    REVERT;
    SELECT id FROM data.t;
END
GO
GRANT EXECUTE ON dbo.p TO app;
",
    );
}

/// DENY (https://learn.microsoft.com/en-us/sql/t-sql/statements/deny-transact-sql): the
/// role holds SELECT, but a member's own DENY (or a DENY to another role it is in) wins
/// for that member, so the call fails for it and the finding names it.
#[test]
fn a_members_own_deny_breaks_what_its_role_allows() {
    check(
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
CREATE PROCEDURE dbo.p AS SELECT id FROM data.t;   --! PRM002: `alice` (a member of `clerks`) can execute `dbo.p`, which reads `data.t` owned by `data_owner` (not `dbo`): the ownership chain is broken and `alice` is denied SELECT on `data.t`; the same goes for `bob`
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
}

/// A DENY to a member on something the path does not use changes nothing (no finding).
#[test]
fn a_members_unrelated_deny_gives_no_finding() {
    check(
        "CREATE ROLE clerks;
CREATE USER alice WITHOUT LOGIN;
CREATE USER data_owner WITHOUT LOGIN;
GO
CREATE SCHEMA data AUTHORIZATION data_owner;
GO
CREATE TABLE data.t (id int);
CREATE TABLE data.other (id int);
GO
CREATE PROCEDURE dbo.p AS SELECT id FROM data.t;
GO
ALTER ROLE clerks ADD MEMBER alice;
GRANT EXECUTE ON dbo.p TO clerks;
GRANT SELECT ON data.t TO clerks;
DENY SELECT ON data.other TO alice;
",
    );
}

/// REVOKE … CASCADE (https://learn.microsoft.com/en-us/sql/t-sql/statements/revoke-transact-sql)
/// takes back what the grantee granted on: `b` held SELECT only through `a`'s grant.
/// REVOKE GRANT OPTION FOR keeps `a`'s own permission.
#[test]
fn revoke_cascade_takes_back_what_was_granted_on() {
    check(
        "CREATE USER a WITHOUT LOGIN;
CREATE USER b WITHOUT LOGIN;
CREATE USER data_owner WITHOUT LOGIN;
GO
CREATE SCHEMA data AUTHORIZATION data_owner;
GO
CREATE TABLE data.t (id int);
CREATE TABLE data.u (id int);
GO
CREATE PROCEDURE dbo.read_t AS SELECT id FROM data.t;   --! PRM002
GO
CREATE PROCEDURE dbo.read_u AS SELECT id FROM data.u;
GO
GRANT EXECUTE ON dbo.read_t TO b;
GRANT EXECUTE ON dbo.read_u TO a;
GRANT SELECT ON data.t TO a WITH GRANT OPTION;   --! PRM007
GRANT SELECT ON data.t TO b AS a;
GRANT SELECT ON data.u TO a WITH GRANT OPTION;   --! PRM007
GO
REVOKE SELECT ON data.t FROM a CASCADE;
REVOKE GRANT OPTION FOR SELECT ON data.u FROM a CASCADE;
",
    );
}

/// DROP PROCEDURE (https://learn.microsoft.com/en-us/sql/t-sql/statements/drop-procedure-transact-sql):
/// a CREATE after a DROP starts without the old grants, so nobody can execute the new
/// procedure and its broken chain is not reached; ALTER keeps the grant and the finding.
#[test]
fn drop_then_create_starts_without_permissions_and_alter_keeps_them() {
    check(
        "CREATE ROLE clerks;
CREATE USER data_owner WITHOUT LOGIN;
GO
CREATE SCHEMA data AUTHORIZATION data_owner;
GO
CREATE TABLE data.t (id int);
GO
CREATE PROCEDURE dbo.recreated AS SELECT id FROM data.t;
GO
CREATE PROCEDURE dbo.altered AS SELECT id FROM data.t;
GO
GRANT EXECUTE ON dbo.recreated TO clerks;
GRANT EXECUTE ON dbo.altered TO clerks;
GO
DROP PROCEDURE dbo.recreated;
GO
CREATE PROCEDURE dbo.recreated AS SELECT id FROM data.t;
GO
ALTER PROCEDURE dbo.altered AS SELECT id FROM data.t;   --! PRM002
GO
",
    );
}

/// CREATE APPLICATION ROLE (https://learn.microsoft.com/en-us/sql/t-sql/statements/create-application-role-transact-sql):
/// an application role granted EXECUTE reaches the entry point like a user, so its broken
/// chain is reported; `sp_setapprole` in a script is only the switch and gives nothing.
#[test]
fn application_roles_reach_entry_points() {
    check(
        "CREATE APPLICATION ROLE tool WITH PASSWORD = 'Str0ng!';
EXEC sp_addapprole 'legacy_tool', 'Str0ng!';
CREATE USER data_owner WITHOUT LOGIN;
GO
CREATE SCHEMA data AUTHORIZATION data_owner;
GO
CREATE TABLE data.t (id int);
CREATE TABLE data.open_t (id int);
GO
CREATE PROCEDURE dbo.p AS SELECT id FROM data.t;   --! PRM002: `tool` can execute `dbo.p`, which reads `data.t` owned by `data_owner` (not `dbo`): the ownership chain is broken and `tool` lacks SELECT on `data.t`; the same goes for `legacy_tool`
GO
CREATE PROCEDURE dbo.q AS SELECT id FROM data.open_t;
GO
GRANT EXECUTE ON dbo.p TO tool;
GRANT EXECUTE ON dbo.p TO legacy_tool;
GRANT EXECUTE ON dbo.q TO tool;
GRANT SELECT ON data.open_t TO tool;
GO
EXEC sp_setapprole 'tool', 'Str0ng!';
",
    );
}

/// Migration folders: each version redefines the module; only the definition in force
/// at the end is judged, so its broken chain is reported once (in the last file), and a
/// module dropped at the end is not judged at all.
#[test]
fn a_redefined_module_is_judged_once_on_its_last_definition() {
    check(
        "=== file: 001.sql
CREATE ROLE clerks;
CREATE USER data_owner WITHOUT LOGIN;
GO
CREATE SCHEMA data AUTHORIZATION data_owner;
GO
CREATE TABLE data.t (id int);
GO
CREATE PROCEDURE dbo.p AS SELECT id FROM data.t;
GO
GRANT EXECUTE ON dbo.p TO clerks;
GO
=== file: 002.sql
CREATE OR ALTER PROCEDURE dbo.p AS SELECT id FROM data.t;
GO
=== file: 003.sql
ALTER PROCEDURE dbo.p AS SELECT id FROM data.t;   --! PRM002
GO
",
    );
}

// ---- database context (`USE`) -------------------------------------------------------
//
// USE: "Changes the database context to the specified database"; the context lasts for
// the session, so across `GO` batches, until the next USE.
// <https://learn.microsoft.com/en-us/sql/t-sql/language-elements/use-transact-sql>
// Logins, server roles, server permissions and `sp_configure` are server-scoped
// securables and settings: the same statement means the same under any USE.
// <https://learn.microsoft.com/en-us/sql/relational-databases/security/securables>
//
// The choice for statements in another database: they are real statements that the
// script runs, so the rules about a statement still judge them (a GRANT to `public` in
// `msdb` is reported by PRM005, naming that database), but nothing in them is resolved
// against this project's model (no PRM006, no grants or members in this model).

/// `USE msdb` then a GRANT to one of msdb's own roles: outside this project, so no
/// PRM006 (it was reported before); the GRANT to public there is still PRM005.
#[test]
fn a_grant_in_msdb_is_not_resolved_against_the_project() {
    check(
        "USE msdb;
GO
GRANT EXECUTE ON dbo.sp_start_job TO SQLAgentUserRole;
GRANT SELECT ON dbo.sysjobs TO public;   --! PRM005: SELECT on `dbo.sysjobs` in database `msdb` is granted to `public`: every user of the database gets it, including users created later and `guest` when enabled
ALTER ROLE SQLAgentOperatorRole ADD MEMBER etl;
GO
",
    );
}

/// The other statement rules judge statements in another database too, naming it: a
/// GRANT WITH GRANT OPTION (PRM007), a high privilege (PRM008), db_owner membership by
/// ALTER ROLE or sp_addrolemember (PRM009); none is resolved here (no PRM006).
#[test]
fn statement_rules_judge_grants_and_memberships_in_another_database() {
    check(
        "USE msdb;
GO
GRANT SELECT ON dbo.t TO loader WITH GRANT OPTION;   --! PRM007: `loader` may grant SELECT on `dbo.t` in database `msdb` to anyone (WITH GRANT OPTION): who holds it is no longer decided by the project
GRANT CONTROL TO loader;   --! PRM008: `loader` is granted CONTROL in database `msdb`: it grants every permission in the database
GRANT TAKE OWNERSHIP ON SCHEMA::etl TO loader;   --! PRM008: `loader` is granted TAKE OWNERSHIP on schema `etl` in database `msdb`: the grantee can make itself the owner and then do anything with it
ALTER ROLE db_owner ADD MEMBER loader;   --! PRM009: `loader` is added to `db_owner` in database `msdb`: it can do anything in that database, including changing permissions and dropping it
EXEC sp_addrolemember N'db_owner', N'etl';   --! PRM009: `etl` is added to `db_owner` in database `msdb`: it can do anything in that database, including changing permissions and dropping it
GRANT SELECT ON dbo.t TO loader;
ALTER ROLE db_datareader ADD MEMBER loader;
GO
",
    );
}

/// An SSMS template's `USE <database_name, sysname, x>` is the database the template is
/// filled in for: the statements after it are the project's.
#[test]
fn a_template_use_is_the_own_database() {
    check(
        "USE <database_name, sysname, AdventureWorks>;
GO
CREATE USER ops WITHOUT LOGIN;
GO
ALTER ROLE db_owner ADD MEMBER ops;   --! PRM009: `ops` is added to `db_owner`: it can do anything in the database, including changing permissions and dropping it
GO
",
    );
}

/// Without the USE, the same statements are this project's and the names are missing.
#[test]
fn without_a_use_the_same_grant_is_unresolved() {
    check(
        "GRANT EXECUTE ON dbo.sp_start_job TO SQLAgentUserRole;   --! PRM006: GRANT names `SQLAgentUserRole`, which is not a user or role of the project nor built in | PRM006: GRANT names the object `dbo.sp_start_job`, which the project does not define
GO
",
    );
}

/// An SSDT project's own database is its name (or `$(DatabaseName)`): a USE of it
/// switches back, and the statements after it count again; the context is per script.
#[test]
fn use_of_the_own_database_switches_back() {
    check(
        "=== file: Sales.sqlproj
<Project xmlns=\"http://schemas.microsoft.com/developer/msbuild/2003\">
  <ItemGroup>
    <Build Include=\"roles.sql\" />
    <PostDeploy Include=\"Script.PostDeployment.sql\" />
  </ItemGroup>
</Project>
=== file: roles.sql
CREATE ROLE app;
GO
=== file: Script.PostDeployment.sql
USE msdb;
GO
GRANT EXECUTE ON dbo.sp_start_job TO SQLAgentUserRole;
GO
USE [$(DatabaseName)];
GO
GRANT EXECUTE ON dbo.missing TO app;   --! PRM006: GRANT names the object `dbo.missing`, which the project does not define
USE msdb;
GRANT EXECUTE ON dbo.sp_stop_job TO SQLAgentUserRole;
USE [Sales];
GRANT EXECUTE ON dbo.also_missing TO app;   --! PRM006: GRANT names the object `dbo.also_missing`, which the project does not define
GO
",
    );
}

/// Server-level statements keep their meaning under `USE master`: the login, its
/// server role membership and its server permission are in the model.
#[test]
fn server_level_statements_under_use_master_still_count() {
    let (_, model) = super::testing::model(
        "USE master;
GO
CREATE LOGIN etl WITH PASSWORD = 'x';
ALTER SERVER ROLE sysadmin ADD MEMBER etl;
GRANT VIEW SERVER STATE TO etl;
CREATE ROLE not_here;
GO
",
    );
    let etl = model
        .server_principal("etl")
        .expect("the login is in the model");
    assert!(matches!(
        model.principal(etl).kind,
        crate::model::PrincipalKind::Login(_)
    ));
    assert_eq!(model.membership_changes().len(), 1);
    assert_eq!(model.permission_changes().len(), 1);
    // A database role created in master is master's, not this project's.
    assert!(model.database_principal("not_here").is_none());
}

/// A folder of plain scripts that creates a database and uses it: that database is the
/// scripts' own, and its statements count (PRM006 here), while msdb's do not.
#[test]
fn plain_scripts_own_the_database_they_create() {
    check(
        "=== file: 01_create.sql
USE master;
GO
CREATE DATABASE Inventory;
GO
USE Inventory;
GO
CREATE ROLE clerk;
GO
=== file: 02_grants.sql
USE [Inventory];
GO
GRANT SELECT ON dbo.stock TO clerk;   --! PRM006: GRANT names the object `dbo.stock`, which the project does not define
USE msdb;
GRANT EXECUTE ON dbo.sp_start_job TO clerk;
GO
",
    );
}

/// Without a CREATE DATABASE, the first user database the scripts use is their own; a
/// second one is another database.
#[test]
fn plain_scripts_own_the_first_user_database_they_use() {
    check(
        "=== file: a.sql
USE master;
GO
USE Shop;
GO
CREATE ROLE clerk;
GRANT SELECT ON dbo.orders TO clerk;   --! PRM006: GRANT names the object `dbo.orders`, which the project does not define
GO
USE Warehouse;
GO
GRANT SELECT ON dbo.bins TO picker;
GO
",
    );
}

// ---- dynamic SQL with known text ------------------------------------------------------
//
// "Dynamic SQL with known text (literals, joined with `+`, around `DB_NAME()` or
// `$(DatabaseName)`) is analysed as if written in place, by every rule; at script level
// its state changes apply in order" (the catalogue). EXECUTE: "EXEC (string)" runs the
// batch the string holds, in the current database.
// <https://learn.microsoft.com/en-us/sql/t-sql/language-elements/execute-transact-sql>
// <https://learn.microsoft.com/en-us/sql/relational-databases/system-stored-procedures/sp-executesql-transact-sql>

/// A GRANT, a role membership and a GRANT to public inside literals are judged by the
/// statement rules; the model-based findings point at the EXEC.
#[test]
fn grants_and_memberships_inside_literal_dynamic_sql_are_judged() {
    check(
        "CREATE TABLE dbo.audit_log (id int);
CREATE USER ops WITHOUT LOGIN;
GO
EXEC (N'GRANT SELECT ON dbo.audit_log TO public');   --! PRM005: SELECT on `dbo.audit_log` is granted to `public`: every user of the database gets it, including users created later and `guest` when enabled
EXECUTE sp_executesql N'ALTER ROLE db_owner ADD MEMBER ops';   --! PRM009
EXEC ('GRANT TAKE OWNERSHIP ON SCHEMA::dbo TO ' + 'ops');   --! PRM008
EXEC (N'GRANT EXECUTE ON dbo.nowhere TO ops');   --! PRM006
GO
",
    );
}

/// Text that is not known (a variable from outside) is not analysed: nothing is
/// reported, and the model's state does not change.
#[test]
fn dynamic_sql_with_unknown_text_is_not_analysed() {
    check(
        "CREATE TABLE dbo.audit_log (id int);
GO
DECLARE @who sysname = SUSER_SNAME();
EXEC (N'GRANT SELECT ON dbo.audit_log TO ' + @who);
GO
",
    );
}

/// A GRANT in dynamic SQL at script level changes the permission state in order: it
/// fixes a broken chain, and a later REVOKE in dynamic SQL takes it back.
#[test]
fn a_grant_in_script_level_dynamic_sql_fixes_a_chain() {
    chain_with(
        "EXEC (N'GRANT EXECUTE ON pricing.current_price TO sales_app');",
        false,
    );
    chain_with(
        "EXEC (N'GRANT EXECUTE ON pricing.current_price TO sales_app');\nGO\nEXECUTE sp_executesql N'REVOKE EXECUTE ON pricing.current_price FROM sales_app';",
        true,
    );
}

// The assembly a `.sqlproj` builds is owned by its `<AssemblyOwner>` (SSDT's
// `ImplicitDllAssemblyOwner`), else by dbo like a CREATE ASSEMBLY without AUTHORIZATION:
// PRM003 judges entry points bound to it like any other.
#[test]
fn prm003_judges_the_owner_of_the_assembly_the_project_builds() {
    check(
        "=== file: Db.sqlproj
<Project Sdk=\"Microsoft.Build.Sql\">
<PropertyGroup><AssemblyName>GeoClr</AssemblyName><AssemblyOwner>geo_owner</AssemblyOwner></PropertyGroup>
<ItemGroup><Compile Include=\"Geo.cs\" /></ItemGroup>
</Project>
=== file: Geo.cs
class Geo {}
=== file: security.sql
CREATE USER geo_owner WITHOUT LOGIN;
CREATE USER calc_owner WITHOUT LOGIN;
CREATE USER area_owner WITHOUT LOGIN;
GO
CREATE SCHEMA geo AUTHORIZATION geo_owner;
GO
CREATE SCHEMA calc AUTHORIZATION calc_owner;
GO
CREATE SCHEMA area AUTHORIZATION area_owner;
GO
GRANT REFERENCES ON ASSEMBLY::GeoClr TO area_owner;
GO
=== file: functions.sql
CREATE FUNCTION geo.distance (@a float) RETURNS float AS EXTERNAL NAME GeoClr.[Geo.F].Distance;
GO
CREATE FUNCTION calc.root (@a float) RETURNS float AS EXTERNAL NAME GeoClr.[Geo.F].Root; --! PRM003: `calc.root` is owned by `calc_owner`, but assembly `GeoClr` is owned by `geo_owner` and `calc_owner` lacks REFERENCES on it: the CREATE fails
GO
CREATE FUNCTION area.size (@a float) RETURNS float AS EXTERNAL NAME GeoClr.[Geo.F].Size;
GO
-- dbo owns the database: it needs no grant.
CREATE FUNCTION dbo.cube (@a float) RETURNS float AS EXTERNAL NAME GeoClr.[Geo.F].Cube;
GO
",
    );
    // Without <AssemblyOwner>, dbo owns it: a dbo-owned module needs nothing, another
    // owner does.
    check(
        "=== file: Db.sqlproj
<Project Sdk=\"Microsoft.Build.Sql\"><ItemGroup><Compile Include=\"Geo.cs\" /></ItemGroup></Project>
=== file: Geo.cs
class Geo {}
=== file: functions.sql
CREATE USER calc_owner WITHOUT LOGIN;
GO
CREATE SCHEMA calc AUTHORIZATION calc_owner;
GO
CREATE FUNCTION dbo.cube (@a float) RETURNS float AS EXTERNAL NAME Db.[Geo.F].Cube;
GO
CREATE FUNCTION calc.root (@a float) RETURNS float AS EXTERNAL NAME Db.[Geo.F].Root; --! PRM003
GO
",
    );
}

// A referenced `.dll` is owned by its `<SqlOwnerName>`; what a `.dacpac` holds, owner
// included, is not read, so its entry points are not judged.
#[test]
fn prm003_judges_a_referenced_dll_and_not_a_dacpac() {
    check(
        "=== file: Db.sqlproj
<Project xmlns=\"http://schemas.microsoft.com/developer/msbuild/2003\"><ItemGroup>
<Build Include=\"functions.sql\" />
<Reference Include=\"Calc\"><HintPath>lib\\Calc.dll</HintPath><SqlOwnerName>calc_owner</SqlOwnerName></Reference>
<ArtifactReference Include=\"lib\\Shared.dacpac\" />
</ItemGroup></Project>
=== file: functions.sql
CREATE USER calc_owner WITHOUT LOGIN;
CREATE USER geo_owner WITHOUT LOGIN;
GO
CREATE SCHEMA calc AUTHORIZATION calc_owner;
GO
CREATE SCHEMA geo AUTHORIZATION geo_owner;
GO
CREATE FUNCTION calc.root (@a float) RETURNS float AS EXTERNAL NAME Calc.[C].Root;
GO
CREATE FUNCTION geo.cube (@a float) RETURNS float AS EXTERNAL NAME Calc.[C].Cube; --! PRM003: `geo.cube` is owned by `geo_owner`, but assembly `Calc` is owned by `calc_owner` and `geo_owner` lacks REFERENCES on it: the CREATE fails
GO
CREATE FUNCTION geo.share (@a float) RETURNS float AS EXTERNAL NAME Shared.[S].Share;
GO
",
    );
}
