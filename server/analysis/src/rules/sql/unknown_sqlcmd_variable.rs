//! SQL002 unknown-sqlcmd-variable: `$(Name)` that nothing defines. Reported by project
//! loading, which knows the variables' definitions in order; declared here.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Sql002,
        name: "unknown-sqlcmd-variable",
        severity: Severity::Warning,
        summary: "A SQLCMD variable is used that nothing defines",
        doc: r#"## What it does
Reports `$(Name)` when no `:setvar` before it, no `SqlCmdVariable` in the `.sqlproj`, no
`--var NAME=VALUE` and no `[variables]` entry in `sqlwarden.toml` defines `Name`. SSDT's
built-ins (`DatabaseName`, `DefaultDataPath`, `DefaultLogPath`, `DefaultFilePrefix`) are
always defined.

## Why is this bad?
`sqlcmd` and SSDT stop the deployment with "variable is not defined", and sqlwarden
cannot tell which database, principal or object the name stands for, so findings about it
may be wrong or missing.

## Example
```sql
GRANT SELECT ON dbo.orders TO [$(ReportingUser)];
```

## How to fix
Define the variable: `:setvar ReportingUser reporting` in the script, a `SqlCmdVariable`
in the project, or `--var ReportingUser=reporting` when running sqlwarden.

## References
- [sqlcmd: use scripting variables](https://learn.microsoft.com/sql/tools/sqlcmd/sqlcmd-use-scripting-variables)
- [SQLCMD variables in SQL projects](https://learn.microsoft.com/sql/tools/sql-database-projects/concepts/sqlcmd-variables)
"#,
    },
    check,
};

/// Project loading reports SQL002 into `Workspace::diagnostics`, where `:setvar` order
/// and the command line are known; nothing is left to check per project.
fn check(_context: &Context<'_>, _out: &mut Vec<Diagnostic>) {}
