//! PRM002 missing-object-permission: a granted call path reads or changes a table,
//! view or table-valued function across a broken ownership chain, and the execution
//! context lacks the permission.

use super::chain::{self, Kind};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Prm002,
        name: "missing-object-permission",
        severity: Severity::Error,
        summary: "A module reads or changes an object across a broken ownership chain without the permission",
        doc: r#"## What it does
Follows every module, view and table-valued function that a principal may use, and every
DML trigger that a principal's INSERT/UPDATE/DELETE permission on its table fires, and
reports a SELECT, INSERT, UPDATE or DELETE of an object whose owner differs from the
module's owner when the execution context lacks that permission. `UPDATE` and `DELETE`
that read the target's columns also need `SELECT`; a column-level grant counts only when
it covers every column used.

## Why is this bad?
Where the owners differ the ownership chain is broken and SQL Server checks the caller's
own permissions on the object: the statement fails at run time with error 229 ("The
SELECT permission was denied") even though the principal may run the module.

## Example
```sql
CREATE USER hr_owner WITHOUT LOGIN;
CREATE ROLE payroll;
GO
CREATE SCHEMA hr AUTHORIZATION hr_owner;
GO
CREATE TABLE hr.salaries (employee_id int PRIMARY KEY, amount money NOT NULL);
GO
CREATE PROCEDURE dbo.raise_salary @id int
AS
    UPDATE hr.salaries SET amount = amount * 1.1 WHERE employee_id = @id;
GO
GRANT EXECUTE ON dbo.raise_salary TO payroll;
```

## How to fix
Grant the permission on the object (or its schema) to the principal, or give the module
and the object the same owner so the chain holds, or sign the module with a certificate
whose user holds the permission.

## References
- [Ownership chains](https://learn.microsoft.com/sql/relational-databases/security/ownership-chains)
- [GRANT object permissions](https://learn.microsoft.com/sql/t-sql/statements/grant-object-permissions-transact-sql)
- [DML triggers: security](https://learn.microsoft.com/sql/relational-databases/triggers/manage-trigger-security)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    chain::report(context, out, &RULE.meta, Kind::Object);
}

#[cfg(test)]
mod tests {
    use crate::rules::prm::testing::check;

    /// dbo.Inner, moved to `other`, reads dbo.T (owned by dbo); `inner_marker` ends the
    /// line of its SELECT.
    fn setup(inner_marker: &str) -> String {
        format!(
            "CREATE USER other WITHOUT LOGIN;
GO
CREATE ROLE r;
GO
CREATE TABLE dbo.T (id int);
GO
CREATE PROCEDURE dbo.Inner AS SELECT id FROM dbo.T;{inner_marker}
GO
ALTER AUTHORIZATION ON OBJECT::dbo.Inner TO other;
GO
"
        )
    }

    // The call to dbo.Inner breaks the chain and r lacks EXECUTE on it: the EXEC fails
    // (PRM001), so r never runs dbo.Inner and its SELECT is not reported as well.
    #[test]
    fn a_call_that_fails_is_not_followed_into_the_callee() {
        check(&format!(
            "{}CREATE PROCEDURE dbo.Outer AS EXEC dbo.Inner; --! PRM001
GO
GRANT EXECUTE ON dbo.Outer TO r;
",
            setup("")
        ));
    }

    // With EXECUTE on dbo.Inner the call succeeds, and dbo.Inner (owned by `other`) reads
    // dbo.T (owned by dbo) across a broken chain: that is reported.
    #[test]
    fn a_call_that_succeeds_is_followed_into_the_callee() {
        check(&format!(
            "{}CREATE PROCEDURE dbo.Outer AS EXEC dbo.Inner;
GO
GRANT EXECUTE ON dbo.Outer TO r;
GRANT EXECUTE ON dbo.Inner TO r;
",
            setup(" --! PRM002")
        ));
    }

    // A view read across a broken chain without SELECT fails there: the tables the view
    // reads are not reported behind it.
    #[test]
    fn a_view_that_cannot_be_read_is_not_followed() {
        check(
            "CREATE USER other WITHOUT LOGIN;
GO
CREATE ROLE r;
GO
CREATE SCHEMA s AUTHORIZATION other;
GO
CREATE TABLE dbo.T (id int);
GO
CREATE VIEW s.V AS SELECT id FROM dbo.T;
GO
CREATE PROCEDURE dbo.P AS SELECT id FROM s.V; --! PRM002
GO
GRANT EXECUTE ON dbo.P TO r;
",
        );
    }

    // A schema created by script-level dynamic SQL is owned by its AUTHORIZATION
    // principal like a written one, so the chain from a dbo procedure to its table breaks.
    #[test]
    fn a_schema_created_by_dynamic_sql_has_its_owner() {
        check(
            "CREATE USER other WITHOUT LOGIN;
GO
CREATE ROLE r;
GO
IF SCHEMA_ID(N's') IS NULL EXEC (N'CREATE SCHEMA s AUTHORIZATION other');
GO
CREATE TABLE s.T (id int);
GO
CREATE PROCEDURE dbo.P AS SELECT id FROM s.T; --! PRM002
GO
GRANT EXECUTE ON dbo.P TO r;
",
        );
    }
}
