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
