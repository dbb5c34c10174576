//! PRM004 dynamic-sql-needs-direct-permission: dynamic SQL with known text in a
//! reachable module references an object its execution context holds no permission on.

use super::chain::{self, Kind};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Prm004,
        name: "dynamic-sql-needs-direct-permission",
        severity: Severity::Error,
        summary: "Dynamic SQL references an object that its execution context holds no permission on",
        doc: r#"## What it does
Reads the dynamic SQL of modules that a principal may execute when its text is known (a
string literal, literals joined with `+`, or a variable assigned only from those), parses
it, and reports each object it references that the execution context lacks the permission
on. Ownership chaining never applies inside dynamic SQL, so the owners do not matter.

## Why is this bad?
`EXEC (…)` and `sp_executesql` run their text as a separate batch: SQL Server checks the
execution context's own permissions on every object, even when the module and the object
have the same owner. Granting `EXECUTE` on the module is not enough, and the call fails
at run time.

## Example
```sql
CREATE ROLE reporting;
CREATE TABLE dbo.orders (id int PRIMARY KEY);
GO
CREATE PROCEDURE dbo.count_orders
AS
    EXEC (N'SELECT COUNT(*) FROM dbo.orders');
GO
GRANT EXECUTE ON dbo.count_orders TO reporting;
```

## How to fix
Grant the permission to the principal, or avoid dynamic SQL, or sign the module with a
certificate whose user holds the permission (signatures apply to dynamic SQL inside the
module), or use `EXECUTE AS` with a low-privileged user that holds exactly that permission.

## References
- [Ownership chains](https://learn.microsoft.com/sql/relational-databases/security/ownership-chains)
- [sp_executesql](https://learn.microsoft.com/sql/relational-databases/system-stored-procedures/sp-executesql-transact-sql)
- [Signing stored procedures](https://learn.microsoft.com/sql/relational-databases/tutorial-signing-stored-procedures-with-a-certificate)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    chain::report(context, out, &RULE.meta, Kind::Dynamic);
}

#[cfg(test)]
mod tests {
    use crate::rules::prm::testing::check;

    const PRINCIPALS: &str = "CREATE USER app WITHOUT LOGIN;
GO
CREATE USER other WITHOUT LOGIN;
GO
CREATE ROLE r;
GO
ALTER ROLE r ADD MEMBER app;
GO
CREATE SCHEMA s AUTHORIZATION other;
GO
CREATE TABLE s.T (id int);
GO
";

    // Running `CREATE PROCEDURE … AS SELECT … FROM s.T` only creates the procedure: its
    // body runs later, when the new procedure is called, so the batch needs nothing on
    // s.T. A statement the batch runs itself is still checked.
    #[test]
    fn the_body_of_a_module_created_by_dynamic_sql_does_not_run() {
        check(&format!(
            "{PRINCIPALS}CREATE PROCEDURE dbo.Deploy AS
BEGIN
    EXEC (N'CREATE PROCEDURE dbo.Later AS SELECT id FROM s.T;');
    EXEC (N'CREATE VIEW dbo.V AS SELECT id FROM s.T;');
    EXEC (N'CREATE FUNCTION dbo.F() RETURNS int AS BEGIN RETURN (SELECT COUNT(*) FROM s.T) END;');
    EXEC (N'SELECT id FROM s.T;'); --! PRM004
END
GO
GRANT EXECUTE ON dbo.Deploy TO r;
"
        ));
    }

    // `otherdb.sys.sp_executesql` runs its batch in `otherdb`, and after `USE otherdb` the
    // rest of a batch resolves there: "three- and four-part names that leave the project's
    // database are outside the model". The project's own database (`$(DatabaseName)`) stays
    // inside it.
    #[test]
    fn dynamic_sql_run_in_another_database_is_outside_the_model() {
        check(&format!(
            "{PRINCIPALS}CREATE PROCEDURE dbo.D7 AS EXEC master.dbo.sp_executesql N'SELECT * FROM s.T';
GO
CREATE PROCEDURE dbo.D8 AS EXEC otherdb.sys.sp_executesql N'SELECT * FROM s.T';
GO
CREATE PROCEDURE dbo.D1 AS EXEC (N'USE otherdb; SELECT * FROM s.T');
GO
CREATE PROCEDURE dbo.D2 AS EXEC (N'SELECT id FROM s.T; USE otherdb; SELECT * FROM s.T'); --! PRM004
GO
CREATE PROCEDURE dbo.D3 AS EXEC (N'USE [$(DatabaseName)]; SELECT * FROM s.T'); --! PRM004
GO
CREATE PROCEDURE dbo.D4 AS EXEC sys.sp_executesql N'SELECT * FROM s.T'; --! PRM004
GO
GRANT EXECUTE ON SCHEMA::dbo TO r;
"
        ));
    }
}
