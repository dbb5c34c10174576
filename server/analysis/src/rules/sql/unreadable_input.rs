//! SQL004 unreadable-input: a file that cannot be read or decoded, a malformed `.sqlproj`,
//! or a `:r` that names a missing file or forms a cycle. Reported by project loading
//! (the only IO); declared here.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Sql004,
        name: "unreadable-input",
        severity: Severity::Error,
        summary: "A file cannot be read, decoded or included",
        doc: r#"## What it does
Reports a file that cannot be read or decoded (sqlwarden reads UTF-8, UTF-8 with a BOM and
UTF-16 with a BOM), a `.sqlproj` that is not well-formed XML, and a `:r` that names a
missing file or would include a file that is already being included (a cycle). The
finding points at the file, or at the `:r` line, and the run goes on with the rest.

## Why is this bad?
What sqlwarden cannot read it cannot analyse, and the deployment itself fails on the same
input: `sqlcmd` stops at a missing `:r` file, and SSDT refuses a malformed project.

## Example
```sql
:r .\Security\MissingFile.sql
```

## How to fix
Fix the path of the `:r`, break the include cycle, save the file as UTF-8 (or UTF-16 with
a BOM), or repair the project file.

## References
- [sqlcmd commands (:r)](https://learn.microsoft.com/sql/tools/sqlcmd/sqlcmd-utility#commands)
- [Pre-deployment and post-deployment scripts](https://learn.microsoft.com/sql/tools/sql-database-projects/concepts/pre-post-deployment-scripts)
"#,
    },
    check,
};

/// Project loading reports SQL004 into `Workspace::diagnostics`; nothing is left to
/// check per project.
fn check(_context: &Context<'_>, _out: &mut Vec<Diagnostic>) {}
