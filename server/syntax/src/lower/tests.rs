//! Lowering tests: each case is SQL and the rendered facts it must lower to (see
//! [`render`](super::render)); ranges appear as the text they cover, so `«dbo.t»` after
//! a reference is where a finding about it will point.

use expect_test::{Expect, expect};

use crate::parse;

/// Lowers `sql` and compares the rendering, and the syntax errors, with `expected`.
fn check(sql: &str, expected: Expect) {
    let parsed = parse(sql);
    let mut actual = super::render::render(sql, &parsed.lower());
    for error in parsed.errors() {
        actual.push_str(&format!(
            "error {:?} «{}»\n",
            error.message,
            &sql[error.range.as_range()]
        ));
    }
    expected.assert_eq(&actual);
}

#[test]
fn users() {
    check(
        "CREATE USER [Bob] FOR LOGIN [BobLogin] WITH DEFAULT_SCHEMA = sales;
CREATE USER u2 WITHOUT LOGIN;
CREATE USER u3 FROM CERTIFICATE c1;
CREATE USER u4 FOR ASYMMETRIC KEY [k 1];
CREATE USER u5;
CREATE USER [a@contoso.com] FROM EXTERNAL PROVIDER;
CREATE USER contained WITH PASSWORD = 'x';
ALTER USER u3 WITH DEFAULT_SCHEMA = dbo;
ALTER USER u3 WITH LOGIN = l9, NAME = u33;
ALTER USER u6 WITH DEFAULT_SCHEMA = NULL;
CREATE USER u7 WITH DEFAULT_SCHEMA = [NULL];
",
        expect![[r#"
            CreateUser Bob«[Bob]» source=login:BobLogin«[BobLogin]» schema=sales «CREATE USER [Bob] FOR LOGIN [BobLogin] WITH DEFAULT_SCHEM...»
            CreateUser u2 source=WithoutLogin schema=- «CREATE USER u2 WITHOUT LOGIN»
            CreateUser u3 source=certificate:c1 schema=- «CREATE USER u3 FROM CERTIFICATE c1»
            CreateUser u4 source=asymmetric_key:k 1«[k 1]» schema=- «CREATE USER u4 FOR ASYMMETRIC KEY [k 1]»
            CreateUser u5 source=login:u5 schema=- «CREATE USER u5»
            CreateUser a@contoso.com«[a@contoso.com]» source=Other schema=- «CREATE USER [a@contoso.com] FROM EXTERNAL PROVIDER»
            CreateUser contained source=Password schema=- «CREATE USER contained WITH PASSWORD = 'x'»
            AlterUser u3 source=Unchanged schema=dbo «ALTER USER u3 WITH DEFAULT_SCHEMA = dbo»
            AlterUser u3 source=login:l9 schema=- «ALTER USER u3 WITH LOGIN = l9, NAME = u33»
            AlterUser u6 source=Unchanged schema=dbo«NULL» «ALTER USER u6 WITH DEFAULT_SCHEMA = NULL»
            CreateUser u7 source=login:u7 schema=NULL«[NULL]» «CREATE USER u7 WITH DEFAULT_SCHEMA = [NULL]»
        "#]],
    );
}

#[test]
fn roles_logins_and_membership() {
    check(
        "CREATE ROLE r AUTHORIZATION dbo;
CREATE ROLE [Report Readers];
CREATE APPLICATION ROLE ar WITH PASSWORD = 'x', DEFAULT_SCHEMA = dbo;
CREATE SERVER ROLE sr;
CREATE LOGIN l1 FROM WINDOWS;
CREATE LOGIN l2 WITH PASSWORD = 'p', CHECK_POLICY = OFF;
CREATE LOGIN l3 FROM CERTIFICATE signer;
CREATE LOGIN l4 FROM ASYMMETRIC KEY [key];
ALTER ROLE r ADD MEMBER u2;
ALTER ROLE [db_owner] DROP MEMBER [Bob];
ALTER SERVER ROLE sysadmin ADD MEMBER l1;
ALTER ROLE r WITH NAME = r2;
CREATE SCHEMA s AUTHORIZATION u2;
CREATE SCHEMA plain;
CREATE SCHEMA AUTHORIZATION owner_only;
",
        expect![[r#"
            CreateRole r owner=dbo application=false «CREATE ROLE r AUTHORIZATION dbo»
            CreateRole Report Readers«[Report Readers]» owner=- application=false «CREATE ROLE [Report Readers]»
            CreateRole ar owner=- application=true «CREATE APPLICATION ROLE ar WITH PASSWORD = 'x', DEFAULT_S...»
            Other «CREATE SERVER ROLE sr»
            CreateLogin l1 source=Windows «CREATE LOGIN l1 FROM WINDOWS»
            CreateLogin l2 source=Password «CREATE LOGIN l2 WITH PASSWORD = 'p', CHECK_POLICY = OFF»
            CreateLogin l3 source=certificate:signer «CREATE LOGIN l3 FROM CERTIFICATE signer»
            CreateLogin l4 source=asymmetric_key:key«[key]» «CREATE LOGIN l4 FROM ASYMMETRIC KEY [key]»
            RoleMembership r add u2 «ALTER ROLE r ADD MEMBER u2»
            RoleMembership db_owner«[db_owner]» drop Bob«[Bob]» «ALTER ROLE [db_owner] DROP MEMBER [Bob]»
            RoleMembership sysadmin add l1 server «ALTER SERVER ROLE sysadmin ADD MEMBER l1»
            Other «ALTER ROLE r WITH NAME = r2»
            CreateSchema s owner=u2 «CREATE SCHEMA s AUTHORIZATION u2»
            CreateSchema plain owner=- «CREATE SCHEMA plain»
            CreateSchema owner_only owner=owner_only «CREATE SCHEMA AUTHORIZATION owner_only»
        "#]],
    );
}

#[test]
fn objects() {
    check(
        "CREATE TABLE dbo.t (a int, b AS dbo.f(a));
ALTER TABLE dbo.t ADD c int;
CREATE VIEW [Sales].[v Orders] WITH SCHEMABINDING AS SELECT a, b FROM dbo.t WHERE a > 1 WITH CHECK OPTION;
GO
CREATE OR ALTER VIEW v2 AS WITH c AS (SELECT a FROM dbo.t) SELECT a FROM c;
GO
CREATE SYNONYM s1 FOR otherdb.dbo.t;
CREATE SEQUENCE dbo.seq START WITH 1;
CREATE TYPE dbo.ty FROM int NOT NULL;
CREATE TYPE dbo.pt EXTERNAL NAME Asm.[Geo.Point];
CREATE AGGREGATE dbo.agg (@v nvarchar(100)) RETURNS nvarchar(max) EXTERNAL NAME Asm.Concat;
",
        expect![[r#"
            Create Table dbo.t «CREATE TABLE dbo.t (a int, b AS dbo.f(a))»
            Alter Table dbo.t «ALTER TABLE dbo.t ADD c int»
            Create View Sales.v Orders«[Sales].[v Orders]» «CREATE VIEW [Sales].[v Orders] WITH SCHEMABINDING AS SELE...»
              module header«CREATE VIEW [Sales].[v Orders] WITH SCHEMABINDING»
                Dml «SELECT a, b FROM dbo.t WHERE a > 1»
                  -> Select dbo.t [a,b]
            Alter View v2 «CREATE OR ALTER VIEW v2 AS WITH c AS (SELECT a FROM dbo.t...»
              module header«CREATE OR ALTER VIEW v2»
                Dml «WITH c AS (SELECT a FROM dbo.t) SELECT a FROM c»
                  -> Select dbo.t [a]
            Create Synonym s1 for=otherdb.dbo.t «CREATE SYNONYM s1 FOR otherdb.dbo.t»
            Create Sequence dbo.seq «CREATE SEQUENCE dbo.seq START WITH 1»
            Create Type dbo.ty «CREATE TYPE dbo.ty FROM int NOT NULL»
            Create Type dbo.pt «CREATE TYPE dbo.pt EXTERNAL NAME Asm.[Geo.Point]»
              module header«CREATE TYPE dbo.pt EXTERNAL NAME Asm.[Geo.Point]» external=Asm/Geo.Point«[Geo.Point]»/-«EXTERNAL NAME Asm.[Geo.Point]»
            Create Aggregate dbo.agg «CREATE AGGREGATE dbo.agg (@v nvarchar(100)) RETURNS nvarc...»
              module header«CREATE AGGREGATE dbo.agg (@v nvarchar(100)) RETURNS nvarc...» external=Asm/Concat/-«EXTERNAL NAME Asm.Concat»
            batches «CREATE TABLE dbo.t (a int, b AS dbo.f(a)); ALTER TABLE db...» «CREATE OR ALTER VIEW v2 AS WITH c AS (SELECT a FROM dbo.t...» «CREATE SYNONYM s1 FOR otherdb.dbo.t; CREATE SEQUENCE dbo....»
        "#]],
    );
}

#[test]
fn alter_table_names_the_table_not_the_column() {
    // ALTER COLUMN and DROP name a column of the table; the statement is about the table.
    check(
        "ALTER TABLE dbo.t ALTER COLUMN c varchar(20) MASKED WITH (FUNCTION = 'default()') NULL;
ALTER TABLE dbo.t DROP COLUMN c, CONSTRAINT ck_c WITH (ONLINE = ON);
ALTER TABLE dbo.t ALTER COLUMN c ADD ROWGUIDCOL;
",
        expect![[r#"
            Alter Table dbo.t «ALTER TABLE dbo.t ALTER COLUMN c varchar(20) MASKED WITH ...»
            Alter Table dbo.t «ALTER TABLE dbo.t DROP COLUMN c, CONSTRAINT ck_c WITH (ON...»
            Alter Table dbo.t «ALTER TABLE dbo.t ALTER COLUMN c ADD ROWGUIDCOL»
        "#]],
    );
}

#[test]
fn change_tracking_context_is_not_a_cte() {
    // WITH CHANGE_TRACKING_CONTEXT stands in the CTE list; the CTE after it is still one,
    // and a table named like the clause is still a table.
    check(
        "WITH CHANGE_TRACKING_CONTEXT (0x0A), recent AS (SELECT id FROM dbo.src)
UPDATE dbo.t SET seen = 1 WHERE id IN (SELECT id FROM recent) OR id IN (SELECT id FROM change_tracking_context);
",
        expect![[r#"
            Dml «WITH CHANGE_TRACKING_CONTEXT (0x0A), recent AS (SELECT id...»
              -> Select dbo.src [id]
              -> Select dbo.t [id]
              -> Update dbo.t [seen]
              -> Select change_tracking_context [id]
        "#]],
    );
}

#[test]
fn exec_through_opendatasource() {
    // The procedure runs on another server reached ad hoc; it lowers as a call into the
    // database its name starts with, which is not this project's.
    check(
        "EXEC OPENDATASOURCE('MSOLEDBSQL', 'Data Source=hr01;Integrated Security=SSPI').hr.dbo.raise_pay @id = 1;
",
        expect![[r#"
            Exec«EXEC» hr.dbo.raise_pay (@id=1) «EXEC OPENDATASOURCE('MSOLEDBSQL', 'Data Source=hr01;Integ...»
              -> Execute hr.dbo.raise_pay ?
        "#]],
    );
}

#[test]
fn procedures() {
    check(
        "CREATE PROCEDURE dbo.p @a int, @B nvarchar(10) OUTPUT WITH RECOMPILE, EXECUTE AS OWNER AS
BEGIN
  SET NOCOUNT ON;
  SELECT a, b FROM dbo.t x JOIN s.u ON x.id = u.id WHERE x.c = @a;
  IF @a = 1
  BEGIN
    GRANT SELECT ON dbo.t TO r;
    EXEC (N'select ' + @B);
  END
  ELSE
    EXEC dbo.q @a;
  WHILE (SELECT COUNT(*) FROM dbo.queue) > 0
    DELETE TOP (1) FROM dbo.queue;
  BEGIN TRY
    EXECUTE AS USER = 'x';
    REVERT;
  END TRY
  BEGIN CATCH
    THROW;
  END CATCH
END
GO
ALTER PROC p2 WITH EXECUTE AS 'app user' AS SELECT 1
GO
CREATE OR ALTER PROCEDURE p3 WITH EXECUTE AS SELF AS RETURN 0
GO
CREATE PROCEDURE dbo.stub AS
GO
CREATE PROCEDURE dbo.clr @x int WITH EXECUTE AS CALLER AS EXTERNAL NAME Asm.[Ns.Cls].Method
GO
",
        expect![[r#"
            Create Procedure dbo.p «CREATE PROCEDURE dbo.p @a int, @B nvarchar(10) OUTPUT WIT...»
              module header«CREATE PROCEDURE dbo.p @a int, @B nvarchar(10) OUTPUT WIT...» execute_as=Owner«EXECUTE AS OWNER» params=@a,@b types=@a:int,@b:nvarchar(10)
                Other «SET NOCOUNT ON»
                Dml «SELECT a, b FROM dbo.t x JOIN s.u ON x.id = u.id WHERE x....»
                  -> Select dbo.t ?
                  -> Select s.u ?
                If @a = 1 then«BEGIN GRANT SELECT ON dbo.t TO r; EXEC (N'select ' + @B);...» else«ELSE EXEC dbo.q @a» «IF @a = 1»
                Grant [SELECT] on=-::dbo.t to=[r] «GRANT SELECT ON dbo.t TO r»
                Exec«EXEC» dynamic ("select " + @b) «EXEC (N'select ' + @B)»
                Exec«EXEC» dbo.q (@a) «EXEC dbo.q @a»
                  -> Execute dbo.q ?
                While other do«DELETE TOP (1) FROM dbo.queue» «WHILE (SELECT COUNT(*) FROM dbo.queue) > 0»
                  -> Select dbo.queue []
                Dml «DELETE TOP (1) FROM dbo.queue»
                  -> Delete dbo.queue ?
                TryCatch«BEGIN TRY EXECUTE AS USER = 'x'; REVERT; END TRY» catch«BEGIN CATCH THROW; END CATCH» «BEGIN TRY»
                ExecuteAs User "x" «EXECUTE AS USER = 'x'»
                Revert «REVERT»
                Jump Throw «THROW»
            Alter Procedure p2 «ALTER PROC p2 WITH EXECUTE AS 'app user' AS SELECT 1»
              module header«ALTER PROC p2 WITH EXECUTE AS 'app user'» execute_as=User("app user")«EXECUTE AS 'app user'»
                Dml «SELECT 1»
            Alter Procedure p3 «CREATE OR ALTER PROCEDURE p3 WITH EXECUTE AS SELF AS RETU...»
              module header«CREATE OR ALTER PROCEDURE p3 WITH EXECUTE AS SELF» execute_as=SelfUser«EXECUTE AS SELF»
                Jump Return «RETURN 0»
            Create Procedure dbo.stub «CREATE PROCEDURE dbo.stub AS»
              module header«CREATE PROCEDURE dbo.stub»
            Create Procedure dbo.clr «CREATE PROCEDURE dbo.clr @x int WITH EXECUTE AS CALLER AS...»
              module header«CREATE PROCEDURE dbo.clr @x int WITH EXECUTE AS CALLER» execute_as=Caller«EXECUTE AS CALLER» external=Asm/Ns.Cls«[Ns.Cls]»/Method«EXTERNAL NAME Asm.[Ns.Cls].Method» params=@x types=@x:int
            batches «CREATE PROCEDURE dbo.p @a int, @B nvarchar(10) OUTPUT WIT...» «ALTER PROC p2 WITH EXECUTE AS 'app user' AS SELECT 1 GO» «CREATE OR ALTER PROCEDURE p3 WITH EXECUTE AS SELF AS RETU...» «CREATE PROCEDURE dbo.stub AS GO» «CREATE PROCEDURE dbo.clr @x int WITH EXECUTE AS CALLER AS...»
        "#]],
    );
}

#[test]
fn natively_compiled_and_clr_headers() {
    check(
        "CREATE PROCEDURE hot.p @a int NOT NULL, @b nvarchar(10) NULL = NULL, @m money = $ 10.12 OUTPUT
WITH NATIVE_COMPILATION, SCHEMABINDING, EXECUTE AS OWNER
AS BEGIN ATOMIC WITH (TRANSACTION ISOLATION LEVEL = REPEATABLE READ, LANGUAGE = N'us_english')
  SELECT @a;
END
GO
CREATE FUNCTION clr.f (@t nvarchar(max)) RETURNS TABLE (p nvarchar(10)) ORDER (p) EXTERNAL NAME Asm.[Ns.Cls].Split
GO
CREATE AGGREGATE clr.agg (@v nvarchar(max) NULL) RETURNS int EXTERNAL NAME Asm
GO
",
        expect![[r#"
            Create Procedure hot.p «CREATE PROCEDURE hot.p @a int NOT NULL, @b nvarchar(10) N...»
              module header«CREATE PROCEDURE hot.p @a int NOT NULL, @b nvarchar(10) N...» execute_as=Owner«EXECUTE AS OWNER» params=@a,@b,@m types=@a:int,@b:nvarchar(10),@m:money
                Dml «SELECT @a»
            Create MultiStatementTableFunction clr.f «CREATE FUNCTION clr.f (@t nvarchar(max)) RETURNS TABLE (p...»
              module header«CREATE FUNCTION clr.f (@t nvarchar(max)) RETURNS TABLE (p...» external=Asm/Ns.Cls«[Ns.Cls]»/Split«EXTERNAL NAME Asm.[Ns.Cls].Split» params=@t types=@t:nvarchar(max)
            Create Aggregate clr.agg «CREATE AGGREGATE clr.agg (@v nvarchar(max) NULL) RETURNS ...»
              module header«CREATE AGGREGATE clr.agg (@v nvarchar(max) NULL) RETURNS ...» external=Asm/-/-«EXTERNAL NAME Asm»
            batches «CREATE PROCEDURE hot.p @a int NOT NULL, @b nvarchar(10) N...» «CREATE FUNCTION clr.f (@t nvarchar(max)) RETURNS TABLE (p...» «CREATE AGGREGATE clr.agg (@v nvarchar(max) NULL) RETURNS ...»
        "#]],
    );
}

#[test]
fn functions() {
    check(
        "CREATE FUNCTION dbo.s (@x int) RETURNS int WITH EXECUTE AS OWNER AS BEGIN RETURN (SELECT MAX(a) FROM dbo.t WHERE b = @x) END
GO
CREATE FUNCTION dbo.i (@x int) RETURNS TABLE AS RETURN (SELECT a FROM dbo.t WHERE id = @x)
GO
CREATE FUNCTION dbo.m () RETURNS @r TABLE (a int) AS BEGIN INSERT @r SELECT a FROM dbo.t; RETURN; END
GO
CREATE FUNCTION dbo.c (@s nvarchar(max)) RETURNS nvarchar(max) AS EXTERNAL NAME Asm.[Ns.Fns].Clean
GO
CREATE FUNCTION dbo.ct () RETURNS TABLE (v int) AS EXTERNAL NAME Asm.Fns.Rows
GO
",
        expect![[r#"
            Create ScalarFunction dbo.s «CREATE FUNCTION dbo.s (@x int) RETURNS int WITH EXECUTE A...»
              module header«CREATE FUNCTION dbo.s (@x int) RETURNS int WITH EXECUTE A...» execute_as=Owner«EXECUTE AS OWNER» params=@x types=@x:int
                Jump Return «RETURN (SELECT MAX(a) FROM dbo.t WHERE b = @x)»
                  -> Select dbo.t [a,b]
            Create InlineTableFunction dbo.i «CREATE FUNCTION dbo.i (@x int) RETURNS TABLE AS RETURN (S...»
              module header«CREATE FUNCTION dbo.i (@x int) RETURNS TABLE» params=@x types=@x:int
                Dml «SELECT a FROM dbo.t WHERE id = @x»
                  -> Select dbo.t [a,id]
            Create MultiStatementTableFunction dbo.m «CREATE FUNCTION dbo.m () RETURNS @r TABLE (a int) AS BEGI...»
              module header«CREATE FUNCTION dbo.m () RETURNS @r TABLE (a int)»
                Dml «INSERT @r SELECT a FROM dbo.t»
                  -> Select dbo.t [a]
                FillTableVariable @r compared[] from[] «INSERT @r SELECT a FROM dbo.t»
                Jump Return «RETURN»
            Create ScalarFunction dbo.c «CREATE FUNCTION dbo.c (@s nvarchar(max)) RETURNS nvarchar...»
              module header«CREATE FUNCTION dbo.c (@s nvarchar(max)) RETURNS nvarchar...» external=Asm/Ns.Fns«[Ns.Fns]»/Clean«EXTERNAL NAME Asm.[Ns.Fns].Clean» params=@s types=@s:nvarchar(max)
            Create MultiStatementTableFunction dbo.ct «CREATE FUNCTION dbo.ct () RETURNS TABLE (v int) AS EXTERN...»
              module header«CREATE FUNCTION dbo.ct () RETURNS TABLE (v int)» external=Asm/Fns/Rows«EXTERNAL NAME Asm.Fns.Rows»
            batches «CREATE FUNCTION dbo.s (@x int) RETURNS int WITH EXECUTE A...» «CREATE FUNCTION dbo.i (@x int) RETURNS TABLE AS RETURN (S...» «CREATE FUNCTION dbo.m () RETURNS @r TABLE (a int) AS BEGI...» «CREATE FUNCTION dbo.c (@s nvarchar(max)) RETURNS nvarchar...» «CREATE FUNCTION dbo.ct () RETURNS TABLE (v int) AS EXTERN...»
        "#]],
    );
}

#[test]
fn triggers() {
    check(
        "CREATE TRIGGER dbo.trg ON dbo.t WITH EXECUTE AS 'bob' AFTER INSERT, UPDATE AS
INSERT dbo.log (id) SELECT id FROM inserted;
GO
CREATE TRIGGER ddl ON DATABASE FOR CREATE_TABLE AS PRINT 'no';
GO
CREATE TRIGGER srv ON ALL SERVER FOR LOGON AS ROLLBACK;
GO
CREATE TRIGGER dbo.io ON dbo.v INSTEAD OF DELETE AS DELETE FROM dbo.t WHERE id IN (SELECT id FROM deleted);
GO
CREATE TRIGGER dbo.clr ON dbo.t AFTER DELETE AS EXTERNAL NAME Asm.Triggers.OnDelete
GO
",
        expect![[r#"
            Create Trigger dbo.trg «CREATE TRIGGER dbo.trg ON dbo.t WITH EXECUTE AS 'bob' AFT...»
              module header«CREATE TRIGGER dbo.trg ON dbo.t WITH EXECUTE AS 'bob' AFT...» execute_as=User("bob")«EXECUTE AS 'bob'» on=dbo.t events=[Insert, Update]
                Dml «INSERT dbo.log (id) SELECT id FROM inserted»
                  -> Insert dbo.log [id]
            Create Trigger ddl «CREATE TRIGGER ddl ON DATABASE FOR CREATE_TABLE AS PRINT ...»
              module header«CREATE TRIGGER ddl ON DATABASE FOR CREATE_TABLE» scope=Database
                Other «PRINT 'no'»
            Create Trigger srv «CREATE TRIGGER srv ON ALL SERVER FOR LOGON AS ROLLBACK;»
              module header«CREATE TRIGGER srv ON ALL SERVER FOR LOGON» scope=AllServer
                Other «ROLLBACK»
            Create Trigger dbo.io «CREATE TRIGGER dbo.io ON dbo.v INSTEAD OF DELETE AS DELET...»
              module header«CREATE TRIGGER dbo.io ON dbo.v INSTEAD OF DELETE» on=dbo.v events=[Delete]
                Dml «DELETE FROM dbo.t WHERE id IN (SELECT id FROM deleted)»
                  -> Select dbo.t [id]
                  -> Delete dbo.t ?
            Create Trigger dbo.clr «CREATE TRIGGER dbo.clr ON dbo.t AFTER DELETE AS EXTERNAL ...»
              module header«CREATE TRIGGER dbo.clr ON dbo.t AFTER DELETE» external=Asm/Triggers/OnDelete«EXTERNAL NAME Asm.Triggers.OnDelete» on=dbo.t events=[Delete]
            batches «CREATE TRIGGER dbo.trg ON dbo.t WITH EXECUTE AS 'bob' AFT...» «CREATE TRIGGER ddl ON DATABASE FOR CREATE_TABLE AS PRINT ...» «CREATE TRIGGER srv ON ALL SERVER FOR LOGON AS ROLLBACK; GO» «CREATE TRIGGER dbo.io ON dbo.v INSTEAD OF DELETE AS DELET...» «CREATE TRIGGER dbo.clr ON dbo.t AFTER DELETE AS EXTERNAL ...»
        "#]],
    );
}

#[test]
fn ownership_assemblies_and_keys() {
    check(
        "ALTER AUTHORIZATION ON SCHEMA::s TO u;
ALTER AUTHORIZATION ON OBJECT::dbo.t TO SCHEMA OWNER;
ALTER AUTHORIZATION ON dbo.p TO [Bob];
ALTER AUTHORIZATION ON ASYMMETRIC   KEY::k TO u;
CREATE ASSEMBLY a AUTHORIZATION dbo FROM 0x4D5A90 WITH PERMISSION_SET = UNSAFE;
CREATE ASSEMBLY [b] FROM 'C:\\bin\\b.dll', '\\\\server\\share\\c.dll' WITH PERMISSION_SET = EXTERNAL_ACCESS;
CREATE ASSEMBLY c FROM 0x00;
ALTER ASSEMBLY a WITH PERMISSION_SET = SAFE;
ALTER ASSEMBLY a ADD FILE FROM 'C:\\bin\\a.pdb';
CREATE CERTIFICATE cert AUTHORIZATION dbo FROM ASSEMBLY a;
CREATE CERTIFICATE c2 FROM FILE = 'c:\\c.cer';
CREATE CERTIFICATE c3 WITH SUBJECT = 'x';
CREATE ASYMMETRIC KEY k FROM EXECUTABLE FILE = 'C:\\a.dll';
CREATE ASYMMETRIC KEY k2 FROM FILE = 'x.snk';
CREATE ASYMMETRIC KEY k3 FROM ASSEMBLY [a];
CREATE ASYMMETRIC KEY k4 WITH ALGORITHM = RSA_2048;
",
        expect![[r#"
            AlterAuthorization SCHEMA::s owner=u «ALTER AUTHORIZATION ON SCHEMA::s TO u»
            AlterAuthorization OBJECT::dbo.t owner=- «ALTER AUTHORIZATION ON OBJECT::dbo.t TO SCHEMA OWNER»
            AlterAuthorization -::dbo.p owner=Bob«[Bob]» «ALTER AUTHORIZATION ON dbo.p TO [Bob]»
            AlterAuthorization ASYMMETRIC KEY::k owner=u «ALTER AUTHORIZATION ON ASYMMETRIC KEY::k TO u»
            CreateAssembly a owner=dbo from=[bits:4D5A90] permission_set=Unsafe«PERMISSION_SET = UNSAFE» «CREATE ASSEMBLY a AUTHORIZATION dbo FROM 0x4D5A90 WITH PE...»
            CreateAssembly b«[b]» owner=- from=[path:C:\bin\b.dll,path:\\server\share\c.dll] permission_set=ExternalAccess«PERMISSION_SET = EXTERNAL_ACCESS» «CREATE ASSEMBLY [b] FROM 'C:\bin\b.dll', '\\server\share\...»
            CreateAssembly c owner=- from=[bits:00] permission_set=- «CREATE ASSEMBLY c FROM 0x00»
            AlterAssembly a owner=- from=[] permission_set=Safe«PERMISSION_SET = SAFE» «ALTER ASSEMBLY a WITH PERMISSION_SET = SAFE»
            AlterAssembly a owner=- from=[] permission_set=- «ALTER ASSEMBLY a ADD FILE FROM 'C:\bin\a.pdb'»
            CreateCertificate cert owner=dbo source=assembly:a «CREATE CERTIFICATE cert AUTHORIZATION dbo FROM ASSEMBLY a»
            CreateCertificate c2 owner=- source=File("c:\\c.cer") «CREATE CERTIFICATE c2 FROM FILE = 'c:\c.cer'»
            CreateCertificate c3 owner=- source=Other «CREATE CERTIFICATE c3 WITH SUBJECT = 'x'»
            CreateAsymmetricKey k owner=- source=ExecutableFile("C:\\a.dll") «CREATE ASYMMETRIC KEY k FROM EXECUTABLE FILE = 'C:\a.dll'»
            CreateAsymmetricKey k2 owner=- source=File("x.snk") «CREATE ASYMMETRIC KEY k2 FROM FILE = 'x.snk'»
            CreateAsymmetricKey k3 owner=- source=assembly:a«[a]» «CREATE ASYMMETRIC KEY k3 FROM ASSEMBLY [a]»
            CreateAsymmetricKey k4 owner=- source=Other «CREATE ASYMMETRIC KEY k4 WITH ALGORITHM = RSA_2048»
        "#]],
    );
}

#[test]
fn permissions() {
    check(
        "GRANT EXECUTE ON SCHEMA::dbo TO [App Role], r2 WITH GRANT OPTION;
REVOKE GRANT OPTION FOR EXECUTE ON SCHEMA::dbo FROM r CASCADE AS dbo;
DENY view   definition, SELECT (a, [b c]) ON OBJECT::dbo.t TO public;
GRANT SELECT ON dbo.t (a, b) TO u;
GRANT CONTROL TO u;
grant alter any user, IMPERSONATE ANY LOGIN, unsafe assembly TO l;
GRANT IMPERSONATE ON USER::dbo TO u;
GRANT REFERENCES ON ASSEMBLY::a TO u;
GRANT CONNECT TO guest;
GRANT EXECUTE ON TYPE::dbo.tt TO u;
GRANT EXTERNAL ACCESS ASSEMBLY TO [DOMAIN\\svc];
",
        expect![[r#"
            Grant [EXECUTE] on=SCHEMA::dbo to=[App Role«[App Role]»,r2] with_grant_option «GRANT EXECUTE ON SCHEMA::dbo TO [App Role], r2 WITH GRANT...»
            Revoke [EXECUTE] on=SCHEMA::dbo to=[r] grant_option_for cascade as=dbo «REVOKE GRANT OPTION FOR EXECUTE ON SCHEMA::dbo FROM r CAS...»
            Deny [VIEW DEFINITION, SELECT(a,b c«[b c]»)] on=OBJECT::dbo.t to=[public] «DENY view definition, SELECT (a, [b c]) ON OBJECT::dbo.t ...»
            Grant [SELECT] on=-::dbo.t(a,b) to=[u] «GRANT SELECT ON dbo.t (a, b) TO u»
            Grant [CONTROL] on=- to=[u] «GRANT CONTROL TO u»
            Grant [ALTER ANY USER, IMPERSONATE ANY LOGIN, UNSAFE ASSEMBLY] on=- to=[l] «grant alter any user, IMPERSONATE ANY LOGIN, unsafe assem...»
            Grant [IMPERSONATE] on=USER::dbo to=[u] «GRANT IMPERSONATE ON USER::dbo TO u»
            Grant [REFERENCES] on=ASSEMBLY::a to=[u] «GRANT REFERENCES ON ASSEMBLY::a TO u»
            Grant [CONNECT] on=- to=[guest] «GRANT CONNECT TO guest»
            Grant [EXECUTE] on=TYPE::dbo.tt to=[u] «GRANT EXECUTE ON TYPE::dbo.tt TO u»
            Grant [EXTERNAL ACCESS ASSEMBLY] on=- to=[DOMAIN\svc«[DOMAIN\svc]»] «GRANT EXTERNAL ACCESS ASSEMBLY TO [DOMAIN\svc]»
        "#]],
    );
}

#[test]
fn options_and_execution_context() {
    check(
        "ALTER DATABASE CURRENT SET TRUSTWORTHY ON, DB_CHAINING OFF;
ALTER DATABASE [$(DatabaseName)] SET trustworthy on;
ALTER DATABASE db SET RECOVERY SIMPLE WITH ROLLBACK IMMEDIATE;
ALTER DATABASE db MODIFY NAME = db2;
EXECUTE AS USER = 'x' WITH NO REVERT;
EXEC AS LOGIN = N'sa' WITH COOKIE INTO @cookie;
EXECUTE AS CALLER;
EXECUTE AS USER = @name;
REVERT;
REVERT WITH COOKIE = @cookie;
SETUSER 'bob';
SETUSER;
",
        expect![[r#"
            AlterDatabaseSet - [TRUSTWORTHY=ON«TRUSTWORTHY ON», DB_CHAINING=OFF«DB_CHAINING OFF»] «ALTER DATABASE CURRENT SET TRUSTWORTHY ON, DB_CHAINING OFF»
            AlterDatabaseSet $(DatabaseName)«[$(DatabaseName)]» [TRUSTWORTHY=ON«trustworthy on»] «ALTER DATABASE [$(DatabaseName)] SET trustworthy on»
            AlterDatabaseSet db [RECOVERY=SIMPLE«RECOVERY SIMPLE»] «ALTER DATABASE db SET RECOVERY SIMPLE WITH ROLLBACK IMMED...»
            Other «ALTER DATABASE db MODIFY NAME = db2»
            ExecuteAs User "x" no_revert «EXECUTE AS USER = 'x' WITH NO REVERT»
            ExecuteAs Login "sa" cookie «EXEC AS LOGIN = N'sa' WITH COOKIE INTO @cookie»
            ExecuteAs Caller - «EXECUTE AS CALLER»
            ExecuteAs User @name «EXECUTE AS USER = @name»
            Revert «REVERT»
            Revert «REVERT WITH COOKIE = @cookie»
            SetUser Some("bob") «SETUSER 'bob'»
            SetUser None «SETUSER»
        "#]],
    );
}

#[test]
fn exec_forms() {
    check(
        "sp_configure 'clr strict security', 0
EXEC dbo.p 1, N'it''s', @v OUTPUT, DEFAULT;
EXECUTE p @a = 1, @B = @x OUT;
EXEC @rc = [dbo].[p] @a = -1;
EXEC @procvar 'x';
EXEC (@sql);
EXEC (N'SELECT * FROM ' + QUOTENAME(@t) + N' WHERE 1=1');
EXEC ('SELECT 1') AT [Linked];
EXEC sp_executesql @stmt = N'SELECT * FROM dbo.t WHERE a = @a', @params = N'@a int', @a = 1;
exec sys.sp_executesql @sql;
EXEC sp_configure 'clr strict security', 0;
EXEC sp_configure show_advanced;
EXEC sp_addrolemember 'db_owner', 'Bob';
EXEC sp_addrolemember [db_ddladmin], [Ann]]s];
INSERT INTO dbo.log EXEC dbo.p2;
",
        expect![[r#"
            Exec«sp_configure» sp_configure ("clr strict security", 0) «sp_configure 'clr strict security', 0»
              -> Execute sp_configure ?
            Exec«EXEC» dbo.p (1, "it's", @v OUTPUT, ident:DEFAULT) «EXEC dbo.p 1, N'it''s', @v OUTPUT, DEFAULT»
              -> Execute dbo.p ?
            Exec«EXECUTE» p (@a=1, @b=@x OUTPUT) «EXECUTE p @a = 1, @B = @x OUT»
              -> Execute p ?
            Exec«EXEC» dbo.p«[dbo].[p]» (@a=-1) status=@rc «EXEC @rc = [dbo].[p] @a = -1»
              -> Execute dbo.p«[dbo].[p]» ?
            Exec«EXEC» var:@procvar ("x") «EXEC @procvar 'x'»
            Exec«EXEC» dynamic @sql «EXEC (@sql)»
            Exec«EXEC» dynamic ("SELECT * FROM " + quotename(@t) + " WHERE 1=1") «EXEC (N'SELECT * FROM ' + QUOTENAME(@t) + N' WHERE 1=1')»
            Exec«EXEC» dynamic "SELECT 1" at=Linked«[Linked]» «EXEC ('SELECT 1') AT [Linked]»
            Exec«EXEC sp_executesql» sp_executesql (@stmt="SELECT * FROM dbo.t WHERE a = @a", @params="@a int", @a=1) «EXEC sp_executesql @stmt = N'SELECT * FROM dbo.t WHERE a ...»
              -> Execute sp_executesql ?
            Exec«exec sys.sp_executesql» sys.sp_executesql (@sql) «exec sys.sp_executesql @sql»
              -> Execute sys.sp_executesql ?
            Exec«EXEC» sp_configure ("clr strict security", 0) «EXEC sp_configure 'clr strict security', 0»
              -> Execute sp_configure ?
            Exec«EXEC» sp_configure (ident:show_advanced) «EXEC sp_configure show_advanced»
              -> Execute sp_configure ?
            Exec«EXEC» sp_addrolemember ("db_owner", "Bob") «EXEC sp_addrolemember 'db_owner', 'Bob'»
              -> Execute sp_addrolemember ?
            Exec«EXEC» sp_addrolemember (ident:db_ddladmin, ident:Ann]s) «EXEC sp_addrolemember [db_ddladmin], [Ann]]s]»
              -> Execute sp_addrolemember ?
            Dml «INSERT INTO dbo.log EXEC dbo.p2»
              -> Insert dbo.log ?
              -> Execute dbo.p2 ?
        "#]],
    );
}

#[test]
fn assignments() {
    check(
        "DECLARE @s nvarchar(max) = N'a''b', @n int, @m int = @n + 1;
DECLARE @only int;
SET @s = N'SELECT ' + @col;
SET @s += N' FROM t';
SET @S = @s + QUOTENAME(@t);
SET @n -= 1;
SELECT @s = @s + QUOTENAME(name) FROM sys.objects;
SELECT @a = 1, @b = dbo.f(2);
SELECT @q += N' AND ' + @filter, @k *= 2;
SET NOCOUNT ON;
SET @x = (SELECT TOP 1 a FROM dbo.t);
",
        expect![[r#"
            Declare @s nvarchar(max) «DECLARE @s nvarchar(max) = N'a''b', @n int, @m int = @n + 1»
            Assign @s = "a'b" «DECLARE @s nvarchar(max) = N'a''b', @n int, @m int = @n + 1»
            Declare @n int «DECLARE @s nvarchar(max) = N'a''b', @n int, @m int = @n + 1»
            Declare @m int «DECLARE @s nvarchar(max) = N'a''b', @n int, @m int = @n + 1»
            Assign @m = (@n + 1) «DECLARE @s nvarchar(max) = N'a''b', @n int, @m int = @n + 1»
            Declare @only int «DECLARE @only int»
            Assign @s = ("SELECT " + @col) «SET @s = N'SELECT ' + @col»
            Assign @s += " FROM t" «SET @s += N' FROM t'»
            Assign @s += quotename(@t) «SET @S = @s + QUOTENAME(@t)»
            Assign @n = other«1»[@n] «SET @n -= 1»
            Assign @s += quotename(column:name) «SELECT @s = @s + QUOTENAME(name) FROM sys.objects»
              -> Select sys.objects [name]
            Assign @a = 1 «SELECT @a = 1, @b = dbo.f(2)»
              -> Execute dbo.f ?
            Assign @b = dbo.f(2) «SELECT @a = 1, @b = dbo.f(2)»
            Assign @q += (" AND " + @filter) «SELECT @q += N' AND ' + @filter, @k *= 2»
            Assign @k = other«2»[@k] «SELECT @q += N' AND ' + @filter, @k *= 2»
            Other «SET NOCOUNT ON»
            Assign @x = subquery[column:a][] «SET @x = (SELECT TOP 1 a FROM dbo.t)»
              -> Select dbo.t [a]
        "#]],
    );
}

#[test]
fn script_level() {
    check(
        ":setvar DB \"Sales\"
:setvar Empty
:r .\\Scripts\\Post Deploy.sql
:on error exit
USE [$(DB)];
GO
-- sqlwarden-ignore PRM001: reviewed
/* block */ SELECT 1;
GO 2
",
        expect![[r#"
            SetVar DB Some("Sales") «:setvar DB "Sales"»
            SetVar Empty None «:setvar Empty»
            Include ".\\Scripts\\Post Deploy.sql" «:r .\Scripts\Post Deploy.sql»
            Other «:on error exit»
            Use $(DB)«[$(DB)]» «USE [$(DB)]»
            Dml «SELECT 1»
            batches «:setvar DB "Sales" :setvar Empty :r .\Scripts\Post Deploy...» «SELECT 1; GO 2»
            comment " sqlwarden-ignore PRM001: reviewed" «-- sqlwarden-ignore PRM001: reviewed»
            comment " block " «/* block */»
        "#]],
    );
}

#[test]
fn select_references() {
    check(
        "SELECT a, b FROM dbo.t;
SELECT x.a, y.b FROM dbo.t x JOIN [s].[u] AS y ON x.id = y.id WHERE x.c = @p ORDER BY y.b;
SELECT * FROM dbo.t;
SELECT t.*, u.a FROM dbo.t t, dbo.u u;
SELECT a AS alias FROM dbo.t ORDER BY alias;
SELECT COUNT(*), DATEADD(day, 1, created) FROM dbo.t;
WITH c AS (SELECT id FROM dbo.src), d AS (SELECT id FROM c) SELECT id FROM d;
SELECT a FROM @tv v JOIN #tmp t ON 1 = 1 JOIN ##g g ON 1 = 1 JOIN tempdb..#x x ON 1 = 1;
SELECT a FROM dbo.tvf(1) f CROSS APPLY dbo.g(f.a) g OUTER APPLY OPENJSON(@j) j;
SELECT NEXT VALUE FOR dbo.seq, dbo.f(a), COUNT(a), ISNULL(a, 1) FROM dbo.t;
SELECT * FROM (SELECT a FROM dbo.u) d WHERE EXISTS (SELECT 1 FROM dbo.w WHERE w.k = d.a);
SELECT a FROM otherdb.dbo.t UNION ALL SELECT a FROM srv.db.dbo.t;
IF EXISTS (SELECT 1 FROM sys.objects WHERE name = 'x') DROP TABLE dbo.x;
",
        expect![[r#"
            Dml «SELECT a, b FROM dbo.t»
              -> Select dbo.t [a,b]
            Dml «SELECT x.a, y.b FROM dbo.t x JOIN [s].[u] AS y ON x.id = ...»
              -> Select dbo.t [a,id,c]
              -> Select s.u«[s].[u]» [b,id]
            Dml «SELECT * FROM dbo.t»
              -> Select dbo.t ?
            Dml «SELECT t.*, u.a FROM dbo.t t, dbo.u u»
              -> Select dbo.t ?
              -> Select dbo.u [a]
            Dml «SELECT a AS alias FROM dbo.t ORDER BY alias»
              -> Select dbo.t [a]
            Dml «SELECT COUNT(*), DATEADD(day, 1, created) FROM dbo.t»
              -> Select dbo.t [created]
            Dml «WITH c AS (SELECT id FROM dbo.src), d AS (SELECT id FROM ...»
              -> Select dbo.src [id]
            Dml «SELECT a FROM @tv v JOIN #tmp t ON 1 = 1 JOIN ##g g ON 1 ...»
            Dml «SELECT a FROM dbo.tvf(1) f CROSS APPLY dbo.g(f.a) g OUTER...»
              -> Select dbo.tvf ?
              -> Select dbo.g ?
            Dml «SELECT NEXT VALUE FOR dbo.seq, dbo.f(a), COUNT(a), ISNULL...»
              -> Update dbo.seq ?
              -> Execute dbo.f ?
              -> Select dbo.t [a]
            Dml «SELECT * FROM (SELECT a FROM dbo.u) d WHERE EXISTS (SELEC...»
              -> Select dbo.u [a]
              -> Select dbo.w [k]
            Dml «SELECT a FROM otherdb.dbo.t UNION ALL SELECT a FROM srv.d...»
              -> Select otherdb.dbo.t [a]
              -> Select srv.db.dbo.t [a]
            If exists[] then«DROP TABLE dbo.x» «IF EXISTS (SELECT 1 FROM sys.objects WHERE name = 'x')»
              -> Select sys.objects [name]
            DropObject dbo.x «DROP TABLE dbo.x»
        "#]],
    );
}

#[test]
fn dml_references() {
    check(
        "INSERT INTO dbo.t (a, b) VALUES (1, 2);
INSERT dbo.t SELECT a, b FROM dbo.u;
UPDATE dbo.t SET a = 1;
UPDATE dbo.t SET a = b + 1 WHERE c = 2;
UPDATE dbo.t SET a = @v WHERE @flag = 1;
UPDATE a SET x = 1 FROM dbo.t a JOIN dbo.u b ON a.id = b.id;
UPDATE dbo.t SET a = 1 OUTPUT inserted.a, deleted.b INTO dbo.audit (a, b);
DELETE FROM dbo.t;
DELETE dbo.t WHERE id = 3;
DELETE t FROM dbo.t t WHERE t.id IN (SELECT id FROM dbo.gone);
DELETE FROM dbo.t OUTPUT deleted.id;
MERGE dbo.tgt AS t USING dbo.src s ON t.id = s.id
  WHEN MATCHED AND s.del = 1 THEN DELETE
  WHEN MATCHED THEN UPDATE SET t.v = s.v
  WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v);
MERGE dbo.tgt USING (SELECT id FROM dbo.src2) s ON tgt.id = s.id WHEN NOT MATCHED BY SOURCE THEN DELETE;
WITH c AS (SELECT id FROM dbo.t) UPDATE c SET id = 1;
WITH c AS (SELECT TOP 10 id FROM dbo.t ORDER BY id) DELETE FROM c;
WITH c AS (SELECT a.id FROM dbo.t a JOIN dbo.u b ON a.id = b.id) DELETE FROM c;
UPDATE @tv SET a = 1;
TRUNCATE TABLE dbo.t;
",
        expect![[r#"
            Dml «INSERT INTO dbo.t (a, b) VALUES (1, 2)»
              -> Insert dbo.t [a,b]
            Dml «INSERT dbo.t SELECT a, b FROM dbo.u»
              -> Insert dbo.t ?
              -> Select dbo.u [a,b]
            Dml «UPDATE dbo.t SET a = 1»
              -> Update dbo.t [a]
            Dml «UPDATE dbo.t SET a = b + 1 WHERE c = 2»
              -> Select dbo.t [b,c]
              -> Update dbo.t [a]
            Dml «UPDATE dbo.t SET a = @v WHERE @flag = 1»
              -> Update dbo.t [a]
            Dml «UPDATE a SET x = 1 FROM dbo.t a JOIN dbo.u b ON a.id = b.id»
              -> Select dbo.t [id]
              -> Update dbo.t [x]
              -> Select dbo.u [id]
            Dml «UPDATE dbo.t SET a = 1 OUTPUT inserted.a, deleted.b INTO ...»
              -> Select dbo.t [a,b]
              -> Update dbo.t [a]
              -> Insert dbo.audit [a,b]
            Dml «DELETE FROM dbo.t»
              -> Delete dbo.t ?
            Dml «DELETE dbo.t WHERE id = 3»
              -> Select dbo.t [id]
              -> Delete dbo.t ?
            Dml «DELETE t FROM dbo.t t WHERE t.id IN (SELECT id FROM dbo.g...»
              -> Select dbo.t [id]
              -> Delete dbo.t ?
              -> Select dbo.gone [id]
            Dml «DELETE FROM dbo.t OUTPUT deleted.id»
              -> Select dbo.t [id]
              -> Delete dbo.t ?
            Dml «MERGE dbo.tgt AS t USING dbo.src s ON t.id = s.id WHEN MA...»
              -> Select dbo.tgt [id]
              -> Insert dbo.tgt [id,v]
              -> Update dbo.tgt [v]
              -> Delete dbo.tgt ?
              -> Select dbo.src [id,del,v]
            Dml «MERGE dbo.tgt USING (SELECT id FROM dbo.src2) s ON tgt.id...»
              -> Select dbo.tgt [id]
              -> Delete dbo.tgt ?
              -> Select dbo.src2 [id]
            Dml «WITH c AS (SELECT id FROM dbo.t) UPDATE c SET id = 1»
              -> Select dbo.t [id]
              -> Update dbo.t [id]
            Dml «WITH c AS (SELECT TOP 10 id FROM dbo.t ORDER BY id) DELET...»
              -> Select dbo.t [id]
              -> Delete dbo.t ?
            Dml «WITH c AS (SELECT a.id FROM dbo.t a JOIN dbo.u b ON a.id ...»
              -> Select dbo.t [id]
              -> Select dbo.u [id]
            Dml «UPDATE @tv SET a = 1»
            Dml «TRUNCATE TABLE dbo.t»
        "#]],
    );
}

#[test]
fn names_quoting_case_and_offsets() {
    // Non-ASCII text before the names: ranges are byte offsets into the text.
    check(
        "-- Überprüfung der Rechte für «Kunden» 日本語
SELECT [Spalte]]x], \"q\"\"c\" FROM [Verkäufe].[Kunden Liste] WHERE Größe = N'ä''ö';
EXEC [$(Schema)].[p$(Suffix)];
SELECT a FROM [$(OtherDb)].dbo.t;
SELECT a FROM db..t;
GRANT SELECT ON OBJECT::[Verkäufe].[Kunden Liste] TO [Größe];
SELECT * FROM <table_name, sysname, MyTable>;
",
        expect![[r#"
            Dml «SELECT [Spalte]]x], "q""c" FROM [Verkäufe].[Kunden Liste]...»
              -> Select Verkäufe.Kunden Liste«[Verkäufe].[Kunden Liste]» [Spalte]x,q"c,Größe]
            Exec«EXEC» $(Schema).p$(Suffix)«[$(Schema)].[p$(Suffix)]» () «EXEC [$(Schema)].[p$(Suffix)]»
              -> Execute $(Schema).p$(Suffix)«[$(Schema)].[p$(Suffix)]» ?
            Dml «SELECT a FROM [$(OtherDb)].dbo.t»
              -> Select $(OtherDb).dbo.t«[$(OtherDb)].dbo.t» [a]
            Dml «SELECT a FROM db..t»
              -> Select db..t [a]
            Grant [SELECT] on=OBJECT::Verkäufe.Kunden Liste«[Verkäufe].[Kunden Liste]» to=[Größe«[Größe]»] «GRANT SELECT ON OBJECT::[Verkäufe].[Kunden Liste] TO [Größe]»
            Dml «SELECT * FROM <table_name, sysname, MyTable>»
              -> Select <table_name, sysname, MyTable> ?
            comment " Überprüfung der Rechte für «Kunden» 日本語" «-- Überprüfung der Rechte für «Kunden» 日本語»
        "#]],
    );
}

#[test]
fn error_regions_keep_what_parsed() {
    check(
        "SELECT a FROM dbo.t WHERE;
GRANT SELECT ON dbo.t TO r;
",
        expect![[r#"
            Dml «SELECT a FROM dbo.t»
              -> Select dbo.t [a]
            Grant [SELECT] on=-::dbo.t to=[r] «GRANT SELECT ON dbo.t TO r»
            error "unexpected `WHERE`" «WHERE»
        "#]],
    );
    check(
        "CREATE PROCEDURE dbo.p WITH EXECUTE AS OWNER AS
BEGIN
  SELECT a FROM dbo.t;
  SELECT a FROM dbo.t WHERE;
  GRANT EXECUTE ON dbo.q TO r;
END
GO
SELECT 1;
",
        expect![[r#"
            Create Procedure dbo.p «CREATE PROCEDURE dbo.p WITH EXECUTE AS OWNER AS BEGIN SEL...»
              module header«CREATE PROCEDURE dbo.p WITH EXECUTE AS OWNER» execute_as=Owner«EXECUTE AS OWNER»
                Dml «SELECT a FROM dbo.t»
                  -> Select dbo.t [a]
                Dml «SELECT a FROM dbo.t»
                  -> Select dbo.t [a]
                Grant [EXECUTE] on=-::dbo.q to=[r] «GRANT EXECUTE ON dbo.q TO r»
            Dml «SELECT 1»
            batches «CREATE PROCEDURE dbo.p WITH EXECUTE AS OWNER AS BEGIN SEL...» «SELECT 1;»
            error "unexpected `WHERE`" «WHERE»
        "#]],
    );
    // The header lost its `AS`: the header is an error region and the body a batch of
    // its own, which still belongs to the procedure.
    check(
        "CREATE PROCEDURE dbo.p WITH EXECUTE AS OWNER
BEGIN
  SELECT a FROM dbo.t;
  GRANT SELECT ON dbo.t TO r;
END
GO
SELECT 2;
",
        expect![[r#"
            Create Procedure dbo.p «CREATE PROCEDURE dbo.p WITH EXECUTE AS OWNER BEGIN SELECT...»
              module header«CREATE PROCEDURE dbo.p WITH EXECUTE AS OWNER» execute_as=Owner«EXECUTE AS OWNER»
                Dml «SELECT a FROM dbo.t»
                  -> Select dbo.t [a]
                Grant [SELECT] on=-::dbo.t to=[r] «GRANT SELECT ON dbo.t TO r»
            Dml «SELECT 2»
            batches «CREATE PROCEDURE dbo.p WITH EXECUTE AS OWNER BEGIN SELECT...» «SELECT 2;»
            error "unexpected `CREATE`" «CREATE PROCEDURE dbo.p WITH EXECUTE AS OWNER»
        "#]],
    );
    check(
        "SELECT 'unterminated FROM dbo.t;
",
        expect![[r#"
            error "unterminated string" «'unterminated FROM dbo.t;»
        "#]],
    );
    check(
        "SELECT (1 + 2 FROM dbo.t;
",
        expect![[r#"
            Dml «SELECT (1 + 2 FROM dbo.t»
              -> Select dbo.t []
            error "missing `)`" «»
        "#]],
    );
    check(
        "CREATE USER
",
        expect![[r#"
            CreateUser  source=login: schema=- «CREATE USER»
            error "missing name" «»
        "#]],
    );
}

#[test]
fn an_insert_column_list_may_qualify_its_columns() {
    // The INSERT permission a column-level check needs is on the columns themselves,
    // whatever qualifies them.
    check(
        "INSERT INTO hr.Salaries (Salaries.Amount, hr.Salaries.[Note]) VALUES (1, 'x');\n",
        expect![[r#"
            Dml «INSERT INTO hr.Salaries (Salaries.Amount, hr.Salaries.[No...»
              -> Insert hr.Salaries [Amount,Note]
        "#]],
    );
}

#[test]
fn more_query_shapes() {
    check(
        "SELECT a INTO #x FROM dbo.t WITH (NOLOCK) WHERE b = 1;
DECLARE c CURSOR LOCAL FOR SELECT a FROM dbo.t (NOLOCK);
DECLARE @tv TABLE (a int);
INSERT INTO dbo.t (a) OUTPUT inserted.a INTO dbo.log (a) VALUES (1);
SELECT a FROM dbo.t UNION SELECT a FROM dbo.u ORDER BY a;
SELECT ROW_NUMBER() OVER (PARTITION BY g ORDER BY d) AS rn, CASE WHEN x = 1 THEN CAST(y AS int) END FROM dbo.t;
SELECT value FROM STRING_SPLIT(@s, ',') s JOIN dbo.t t ON t.a = s.value;
SELECT a FROM srv.db.dbo.t CROSS JOIN dbo.syn;
SELECT sys.fn_varbintohexstr(0x01), dbo.f(a) FROM dbo.t;
MERGE dbo.t AS t USING dbo.s AS s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v OUTPUT $action, inserted.id;
EXEC dbo.p WITH RESULT SETS ((a int));
",
        expect![[r#"
            Dml «SELECT a INTO #x FROM dbo.t WITH (NOLOCK) WHERE b = 1»
              -> Select dbo.t [a,b]
            DeclareCursor c [column:a] «DECLARE c CURSOR LOCAL FOR SELECT a FROM dbo.t (NOLOCK)»
              -> Select dbo.t [a]
            Declare @tv table «DECLARE @tv TABLE (a int)»
            Dml «INSERT INTO dbo.t (a) OUTPUT inserted.a INTO dbo.log (a) ...»
              -> Insert dbo.t [a]
              -> Insert dbo.log [a]
            Dml «SELECT a FROM dbo.t UNION SELECT a FROM dbo.u ORDER BY a»
              -> Select dbo.t [a]
              -> Select dbo.u [a]
            Dml «SELECT ROW_NUMBER() OVER (PARTITION BY g ORDER BY d) AS r...»
              -> Select dbo.t [g,d,x,y]
            Dml «SELECT value FROM STRING_SPLIT(@s, ',') s JOIN dbo.t t ON...»
              -> Select dbo.t ?
            Dml «SELECT a FROM srv.db.dbo.t CROSS JOIN dbo.syn»
              -> Select srv.db.dbo.t ?
              -> Select dbo.syn ?
            Dml «SELECT sys.fn_varbintohexstr(0x01), dbo.f(a) FROM dbo.t»
              -> Execute sys.fn_varbintohexstr ?
              -> Execute dbo.f ?
              -> Select dbo.t [a]
            Dml «MERGE dbo.t AS t USING dbo.s AS s ON t.id = s.id WHEN MAT...»
              -> Select dbo.t [id]
              -> Update dbo.t [v]
              -> Select dbo.s [id,v]
            Exec«EXEC» dbo.p () «EXEC dbo.p WITH RESULT SETS ((a int))»
              -> Execute dbo.p ?
        "#]],
    );
}

#[test]
fn sqlcmd_variables_and_templates_in_names() {
    check(
        "EXEC $(Schema).usp_Load @db = N'$(DatabaseName)';
SELECT a FROM $(OtherDb).dbo.t;
CREATE PROCEDURE <Schema_Name, sysname, dbo>.<Procedure_Name, sysname, ProcedureName>
    <@Param1, sysname, @p1> int = 0
AS SELECT <@Param1, sysname, @p1>;
GO
GRANT EXECUTE ON SCHEMA::[$(Schema)] TO $(AppRole);
ALTER APPLICATION ROLE ar WITH NAME = ar2;
",
        expect![[r#"
            Exec«EXEC» $(Schema).usp_Load (@db="$(DatabaseName)") «EXEC $(Schema).usp_Load @db = N'$(DatabaseName)'»
              -> Execute $(Schema).usp_Load ?
            Dml «SELECT a FROM $(OtherDb).dbo.t»
              -> Select $(OtherDb).dbo.t [a]
            Create Procedure <Schema_Name, sysname, dbo>.<Procedure_Name, sysname, ProcedureName> «CREATE PROCEDURE <Schema_Name, sysname, dbo>.<Procedure_N...»
              module header«CREATE PROCEDURE <Schema_Name, sysname, dbo>.<Procedure_N...» params=<@param1, sysname, @p1>
                Dml «SELECT <@Param1, sysname, @p1>»
            Grant [EXECUTE] on=SCHEMA::$(Schema)«[$(Schema)]» to=[$(AppRole)] «GRANT EXECUTE ON SCHEMA::[$(Schema)] TO $(AppRole)»
            Other «ALTER APPLICATION ROLE ar WITH NAME = ar2»
            batches «EXEC $(Schema).usp_Load @db = N'$(DatabaseName)'; SELECT ...» «GRANT EXECUTE ON SCHEMA::[$(Schema)] TO $(AppRole); ALTER...»
        "#]],
    );
}

#[test]
fn method_calls_are_not_references() {
    check(
        "SELECT c.value('.', 'int'), x.query('/a'), t.c.exist('/b'), dbo.f(1), otherdb.dbo.g(2)
FROM @x.nodes('/a') t(c) CROSS APPLY x.nodes('/r') r(n) CROSS APPLY dbo.tvf(1) f;
SELECT @g.STDistance(@h), col.ToString(), s.STAsText(), dbo.Stats(1) FROM dbo.t s;
",
        expect![[r#"
            Dml «SELECT c.value('.', 'int'), x.query('/a'), t.c.exist('/b'...»
              -> Execute dbo.f ?
              -> Execute otherdb.dbo.g ?
              -> Select dbo.tvf ?
            Dml «SELECT @g.STDistance(@h), col.ToString(), s.STAsText(), d...»
              -> Execute dbo.Stats ?
              -> Select dbo.t [col,s]
        "#]],
    );
}

/// An XML method applies to any expression (a cast, a call, another method), and the
/// lowering reads each as a method of its lowered target.
#[test]
fn methods_of_any_expression() {
    check(
        "CREATE PROCEDURE dbo.m @x xml AS
BEGIN
  DECLARE @n sysname;
  SET @n = CAST(@x AS xml).value('(/a)[1]', 'sysname');
  SET @n = EVENTDATA().value('(/E)[1]', 'sysname');
  SET @n = @x.query('/a').value('.', 'sysname');
  IF @n LIKE N'\\[%' ESCAPE N'\\' AND @n ! = 'x' PRINT 1;
END
",
        expect![[r#"
            Create Procedure dbo.m «CREATE PROCEDURE dbo.m @x xml AS BEGIN DECLARE @n sysname...»
              module header«CREATE PROCEDURE dbo.m @x xml» params=@x types=@x:xml
                Declare @n sysname «DECLARE @n sysname»
                Assign @n = convert(@x, xml).value("(/a)[1]", "sysname") «SET @n = CAST(@x AS xml).value('(/a)[1]', 'sysname')»
                Assign @n = eventdata().value("(/E)[1]", "sysname") «SET @n = EVENTDATA().value('(/E)[1]', 'sysname')»
                Assign @n = @x.query("/a").value(".", "sysname") «SET @n = @x.query('/a').value('.', 'sysname')»
                If (other and @n <> "x") then«PRINT 1» «IF @n LIKE N'\[%' ESCAPE N'\' AND @n ! = 'x'»
                Other «PRINT 1»
        "#]],
    );
}

#[test]
fn control_flow_is_flattened() {
    check(
        "IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'app')
BEGIN
    CREATE USER app WITHOUT LOGIN;
END
ELSE IF @@VERSION LIKE '%2019%'
    EXECUTE AS USER = 'app';
ELSE
BEGIN TRY
    REVERT;
END TRY
BEGIN CATCH
    PRINT 'x';
END CATCH
GO
CREATE PROCEDURE dbo.n @a int WITH NATIVE_COMPILATION, SCHEMABINDING, EXECUTE AS OWNER AS
BEGIN ATOMIC WITH (TRANSACTION ISOLATION LEVEL = SNAPSHOT, LANGUAGE = N'us_english')
    SELECT a FROM dbo.t WHERE a = @a;
    WHILE @a > 0 BEGIN SET @a = @a - 1; END
END
GO
",
        expect![[r#"
            If not exists[] then«BEGIN CREATE USER app WITHOUT LOGIN; END» else«ELSE IF @@VERSION LIKE '%2019%' EXECUTE AS USER = 'app'; ...» «IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHER...»
              -> Select sys.database_principals [name]
            CreateUser app source=WithoutLogin schema=- «CREATE USER app WITHOUT LOGIN»
            If other then«EXECUTE AS USER = 'app'» else«; ELSE BEGIN TRY REVERT; END TRY BEGIN CATCH PRINT 'x'; E...» «IF @@VERSION LIKE '%2019%'»
            ExecuteAs User "app" «EXECUTE AS USER = 'app'»
            TryCatch«BEGIN TRY REVERT; END TRY» catch«BEGIN CATCH PRINT 'x'; END CATCH» «BEGIN TRY»
            Revert «REVERT»
            Other «PRINT 'x'»
            Create Procedure dbo.n «CREATE PROCEDURE dbo.n @a int WITH NATIVE_COMPILATION, SC...»
              module header«CREATE PROCEDURE dbo.n @a int WITH NATIVE_COMPILATION, SC...» execute_as=Owner«EXECUTE AS OWNER» params=@a types=@a:int
                Dml «SELECT a FROM dbo.t WHERE a = @a»
                  -> Select dbo.t [a]
                While other do«BEGIN SET @a = @a - 1; END» «WHILE @a > 0»
                Assign @a = other«@a - 1»[@a] «SET @a = @a - 1»
            batches «IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHER...» «CREATE PROCEDURE dbo.n @a int WITH NATIVE_COMPILATION, SC...»
        "#]],
    );
}

#[test]
fn create_schema_elements_are_in_the_schema() {
    check(
        "CREATE SCHEMA s AUTHORIZATION u
    CREATE TABLE t (a int)
    CREATE VIEW v AS SELECT a FROM t
    GRANT SELECT ON t TO r
    DENY SELECT ON OBJECT::v TO r2
GO
CREATE SCHEMA s2;
CREATE TABLE t2 (a int);
",
        expect![[r#"
            CreateSchema s owner=u «CREATE SCHEMA s AUTHORIZATION u»
            Create Table s.t«t» «CREATE TABLE t (a int)»
            Create View s.v«v» «CREATE VIEW v AS SELECT a FROM t»
              module header«CREATE VIEW v»
                Dml «SELECT a FROM t»
                  -> Select t [a]
            Grant [SELECT] on=-::s.t«t» to=[r] «GRANT SELECT ON t TO r»
            Deny [SELECT] on=OBJECT::s.v«v» to=[r2] «DENY SELECT ON OBJECT::v TO r2»
            CreateSchema s2 owner=- «CREATE SCHEMA s2»
            Create Table t2 «CREATE TABLE t2 (a int)»
            batches «CREATE SCHEMA s AUTHORIZATION u CREATE TABLE t (a int) CR...» «CREATE SCHEMA s2; CREATE TABLE t2 (a int);»
        "#]],
    );
}

// A Service Broker queue is a schema-scoped object (`GRANT RECEIVE ON dbo.q` names it),
// and `SELECT … INTO t` creates the table t (a `#temp` target creates no object).
#[test]
fn queues_and_select_into_create_objects() {
    check(
        "CREATE QUEUE dbo.q WITH STATUS = ON;
SELECT a INTO dbo.made FROM dbo.t;
SELECT a INTO #scratch FROM dbo.t;
",
        expect![[r#"
            Create Queue dbo.q «CREATE QUEUE dbo.q WITH STATUS = ON»
            Dml «SELECT a INTO dbo.made FROM dbo.t»
              -> Select dbo.t [a]
            Create Table dbo.made «SELECT a INTO dbo.made FROM dbo.t»
            Dml «SELECT a INTO #scratch FROM dbo.t»
              -> Select dbo.t [a]
        "#]],
    );
}

// The data flow that IMP004 and IMP009 follow: declared types, control flow heads with
// their conditions and ranges, cursors, and the expressions whose branches matter.
#[test]
fn data_flow_facts_of_a_module_body() {
    check(
        "CREATE PROCEDURE dbo.p @a nvarchar(100), @b AS int = 3, @x xml, @t dbo.tt READONLY
WITH EXECUTE AS OWNER
AS
BEGIN
  DECLARE @n sysname, @s nvarchar(max) = N'x', @i AS int;
  DECLARE @tv TABLE (name sysname);
  DECLARE c CURSOR LOCAL FOR SELECT name, object_id FROM sys.tables;
  SET @cv = CURSOR FOR SELECT * FROM sys.tables;
  FETCH NEXT FROM c INTO @n, @i;
  IF @a NOT IN ('x', 'y') RETURN;
  IF OBJECT_ID(@a) IS NULL BEGIN RAISERROR('no', 16, 1); RETURN; END ELSE SET @s = 'z';
  IF NOT EXISTS (SELECT 1 FROM sys.tables WHERE name = @a) THROW 50000, 'x', 1;
  WHILE @i > 0 BEGIN SET @i = @i - 1; BREAK; END
  SET @s = CAST(@a AS int) + CONVERT(nvarchar(10), @b) + CASE WHEN @b = 1 THEN 'a' ELSE @a END;
  SET @n = @x.value('(/a)[1]', 'nvarchar(100)') + IIF(@b = 1, 'a', @a);
  SELECT @n = t.name, @s = (SELECT TOP 1 name FROM sys.objects) FROM sys.tables t;
  BEGIN TRY EXEC @n; END TRY BEGIN CATCH THROW; END CATCH
  IF @a = 'x' OR @a = 'y' AND @b <> 2 CONTINUE;
  DECLARE @d xml = EVENTDATA();
  SELECT @n = @d.value('(/E)[1]', 'sysname'), @i = T.c.value('.', 'int') FROM @x.nodes('/a') AS T(c);
  IF EXISTS (SELECT 1 FROM sys.schemas s WHERE s.name = @a AND @n = 'x') AND @b IS NOT NULL PRINT 1;
END
",
        expect![[r#"
            Create Procedure dbo.p «CREATE PROCEDURE dbo.p @a nvarchar(100), @b AS int = 3, @...»
              module header«CREATE PROCEDURE dbo.p @a nvarchar(100), @b AS int = 3, @...» execute_as=Owner«EXECUTE AS OWNER» params=@a,@b,@x,@t types=@a:nvarchar(100),@b:int,@x:xml,@t:dbo.tt
                Declare @n sysname «DECLARE @n sysname, @s nvarchar(max) = N'x', @i AS int»
                Declare @s nvarchar(max) «DECLARE @n sysname, @s nvarchar(max) = N'x', @i AS int»
                Assign @s = "x" «DECLARE @n sysname, @s nvarchar(max) = N'x', @i AS int»
                Declare @i int «DECLARE @n sysname, @s nvarchar(max) = N'x', @i AS int»
                Declare @tv table «DECLARE @tv TABLE (name sysname)»
                DeclareCursor c [column:name, column:object_id] «DECLARE c CURSOR LOCAL FOR SELECT name, object_id FROM sy...»
                  -> Select sys.tables [name,object_id]
                DeclareCursor @cv [] «SET @cv = CURSOR FOR SELECT * FROM sys.tables»
                  -> Select sys.tables ?
                Fetch c into [@n,@i] «FETCH NEXT FROM c INTO @n, @i»
                If @a not in literals then«RETURN» «IF @a NOT IN ('x', 'y')»
                Jump Return «RETURN»
                If object_id(@a) is null then«BEGIN RAISERROR('no', 16, 1); RETURN; END» else«ELSE SET @s = 'z'» «IF OBJECT_ID(@a) IS NULL»
                Jump Raiserror { severity: Some(16) } «RAISERROR('no', 16, 1)»
                Jump Return «RETURN»
                Assign @s = "z" «SET @s = 'z'»
                If not exists[@a] then«THROW 50000, 'x', 1» «IF NOT EXISTS (SELECT 1 FROM sys.tables WHERE name = @a)»
                  -> Select sys.tables [name]
                Jump Throw «THROW 50000, 'x', 1»
                While other do«BEGIN SET @i = @i - 1; BREAK; END» «WHILE @i > 0»
                Assign @i = other«@i - 1»[@i] «SET @i = @i - 1»
                Jump Break «BREAK»
                Assign @s = (convert(@a, int) + convert(@b, nvarchar(10)) + case["a", @a]) «SET @s = CAST(@a AS int) + CONVERT(nvarchar(10), @b) + CA...»
                Assign @n = (@x.value("(/a)[1]", "nvarchar(100)") + iif(other«@b = 1»[@b], "a", @a)) «SET @n = @x.value('(/a)[1]', 'nvarchar(100)') + IIF(@b = ...»
                Assign @n = column:t.name «SELECT @n = t.name, @s = (SELECT TOP 1 name FROM sys.obje...»
                  -> Select sys.objects [name]
                  -> Select sys.tables [name]
                Assign @s = subquery[column:name][] «SELECT @n = t.name, @s = (SELECT TOP 1 name FROM sys.obje...»
                TryCatch«BEGIN TRY EXEC @n; END TRY» catch«BEGIN CATCH THROW; END CATCH» «BEGIN TRY»
                Exec«EXEC» var:@n () «EXEC @n»
                Jump Throw «THROW»
                If (@a = "x" or (@a = "y" and @b <> 2)) then«CONTINUE» «IF @a = 'x' OR @a = 'y' AND @b <> 2»
                Jump Continue «CONTINUE»
                Declare @d xml «DECLARE @d xml = EVENTDATA()»
                Assign @d = eventdata() «DECLARE @d xml = EVENTDATA()»
                Assign @n = @d.value("(/E)[1]", "sysname") «SELECT @n = @d.value('(/E)[1]', 'sysname'), @i = T.c.valu...»
                Assign @i = column:t.c.value(".", "int") «SELECT @n = @d.value('(/E)[1]', 'sysname'), @i = T.c.valu...»
                If (exists[@a] and @b is not null) then«PRINT 1» «IF EXISTS (SELECT 1 FROM sys.schemas s WHERE s.name = @a ...»
                  -> Select sys.schemas [name]
                Other «PRINT 1»
        "#]],
    );
}

/// The statements the model's lifetime semantics read: signatures (ADD SIGNATURE,
/// https://learn.microsoft.com/en-us/sql/t-sql/statements/add-signature-transact-sql),
/// schema transfers (ALTER SCHEMA,
/// https://learn.microsoft.com/en-us/sql/t-sql/statements/alter-schema-transact-sql) and
/// drops (DROP PROCEDURE and the other object DROPs).
#[test]
fn signatures_transfers_and_drops() {
    check(
        "ADD SIGNATURE TO dbo.p BY CERTIFICATE c WITH PASSWORD = 'x';
ADD COUNTER SIGNATURE TO OBJECT::dbo.q BY CERTIFICATE c, ASYMMETRIC KEY [k 1];
DROP SIGNATURE FROM dbo.p BY CERTIFICATE c;
ALTER SCHEMA payroll TRANSFER staging.bonuses;
ALTER SCHEMA payroll TRANSFER OBJECT::dbo.t;
DROP PROCEDURE IF EXISTS dbo.p, q;
DROP TABLE t;
DROP VIEW v;
DROP FUNCTION dbo.f;
DROP SYNONYM s;
",
        expect![[r#"
            AddSignature dbo.p by=certificate:c «ADD SIGNATURE TO dbo.p BY CERTIFICATE c WITH PASSWORD = 'x'»
            AddCounterSignature dbo.q by=certificate:c,key:k 1«[k 1]» «ADD COUNTER SIGNATURE TO OBJECT::dbo.q BY CERTIFICATE c, ...»
            DropSignature dbo.p by=certificate:c «DROP SIGNATURE FROM dbo.p BY CERTIFICATE c»
            TransferObject payroll -::staging.bonuses «ALTER SCHEMA payroll TRANSFER staging.bonuses»
            TransferObject payroll OBJECT::dbo.t «ALTER SCHEMA payroll TRANSFER OBJECT::dbo.t»
            DropObject dbo.p,q «DROP PROCEDURE IF EXISTS dbo.p, q»
            DropObject t «DROP TABLE t»
            DropObject v «DROP VIEW v»
            DropObject dbo.f «DROP FUNCTION dbo.f»
            DropObject s «DROP SYNONYM s»
        "#]],
    );
}

// Facts for existence proved by a lookup: a scalar subquery's `WHERE` comparisons (also
// through OBJECT_ID), a table variable's fill and the table variables EXISTS reads.
#[test]
fn lookups_that_prove_existence() {
    check(
        "CREATE PROCEDURE dbo.p @t sysname, @i sysname
AS
BEGIN
  SET @d = (SELECT is_disabled FROM sys.indexes WHERE object_id = OBJECT_ID(@t) AND name = @i);
  INSERT INTO @ix SELECT index_id, name FROM sys.indexes WHERE object_id = object_id(@t);
  INSERT @copy (id) SELECT id FROM @ix AS x;
  INSERT INTO @parts SELECT object_id FROM sys.objects WHERE name LIKE @t + '[_]%' AND type = @i;
  INSERT INTO dbo.log (a) SELECT 1;
  WHILE EXISTS (SELECT * FROM @copy) DELETE FROM @copy;
END
",
        expect![[r#"
            Create Procedure dbo.p «CREATE PROCEDURE dbo.p @t sysname, @i sysname AS BEGIN SE...»
              module header«CREATE PROCEDURE dbo.p @t sysname, @i sysname» params=@t,@i types=@t:sysname,@i:sysname
                Assign @d = subquery[column:is_disabled][@t,@i] compared[@i,@t] «SET @d = (SELECT is_disabled FROM sys.indexes WHERE objec...»
                  -> Select sys.indexes [is_disabled,object_id,name]
                Dml «INSERT INTO @ix SELECT index_id, name FROM sys.indexes WH...»
                  -> Select sys.indexes [index_id,name,object_id]
                FillTableVariable @ix compared[@t] from[] «INSERT INTO @ix SELECT index_id, name FROM sys.indexes WH...»
                Dml «INSERT @copy (id) SELECT id FROM @ix AS x»
                FillTableVariable @copy compared[] from[@ix] «INSERT @copy (id) SELECT id FROM @ix AS x»
                Dml «INSERT INTO @parts SELECT object_id FROM sys.objects WHER...»
                  -> Select sys.objects [object_id,name,type]
                FillTableVariable @parts compared[@i,@t] from[] «INSERT INTO @parts SELECT object_id FROM sys.objects WHER...»
                Dml «INSERT INTO dbo.log (a) SELECT 1»
                  -> Insert dbo.log [a]
                While exists[] from[@copy] do«DELETE FROM @copy» «WHILE EXISTS (SELECT * FROM @copy)»
                Dml «DELETE FROM @copy»
        "#]],
    );
}
