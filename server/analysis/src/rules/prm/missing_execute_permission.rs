//! PRM001 missing-execute-permission: a granted call path calls a module across a
//! broken ownership chain, and the execution context lacks EXECUTE on it.

use super::chain::{self, Kind};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Prm001,
        name: "missing-execute-permission",
        severity: Severity::Error,
        summary: "A module calls another across a broken ownership chain without EXECUTE on it",
        doc: r#"## What it does
Follows every module that a principal may execute (granted `EXECUTE` on it, on its schema
or database-wide, directly or through a role) through its static calls, nested ones
included, and reports a call to a procedure or function whose owner differs from the
calling module's owner when the execution context does not hold `EXECUTE` on the callee.
The finding points at the callee's name in the call and names the principal, the entry
point and the owners.

## Why is this bad?
SQL Server skips permission checks on an object only when the referencing module has the
same owner (an unbroken ownership chain). When the owners differ, the caller's own
permissions are checked, so the call fails at run time with error 229 ("The EXECUTE
permission was denied") for everyone the entry point was meant for.

## Example
```sql
CREATE ROLE sales_app;
CREATE USER pricing_owner WITHOUT LOGIN;
GO
CREATE SCHEMA pricing AUTHORIZATION pricing_owner;
GO
CREATE PROCEDURE pricing.current_price AS SELECT 1;
GO
CREATE PROCEDURE dbo.quote AS EXEC pricing.current_price;
GO
GRANT EXECUTE ON dbo.quote TO sales_app;
```

## How to fix
Grant `EXECUTE` on the callee (or its schema) to the principal, or give both modules the
same owner (`ALTER AUTHORIZATION ON SCHEMA::pricing TO dbo`) so the chain holds, or sign
the calling module with a certificate whose user holds the permission.

## References
- [Ownership chains](https://learn.microsoft.com/sql/relational-databases/security/ownership-chains)
- [GRANT object permissions](https://learn.microsoft.com/sql/t-sql/statements/grant-object-permissions-transact-sql)
- [EXECUTE AS clause](https://learn.microsoft.com/sql/t-sql/statements/execute-as-clause-transact-sql)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    chain::report(context, out, &RULE.meta, Kind::Execute);
}
