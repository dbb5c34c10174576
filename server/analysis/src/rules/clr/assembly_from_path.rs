//! CLR011 assembly-from-path: `CREATE ASSEMBLY … FROM '<file path>'`.

use syntax::ast::{AssemblySource, StatementKind};

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::walk;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Clr011,
        name: "assembly-from-path",
        severity: Severity::Note,
        summary: "An assembly is loaded from a file path outside the project",
        doc: r#"## What it does
Reports `CREATE ASSEMBLY … FROM 'path'` (and `ALTER ASSEMBLY … FROM 'path'`) where the
assembly's bits come from a local or UNC file path.

## Why is this bad?
The deployment then depends on a file that the project does not hold: the file must
exist on the server (or on a share the service account can read) at deployment time, the
bits that get loaded are not the ones that were reviewed with the project, and anyone who
can write to that path decides what code the server runs.

## Example
```sql
CREATE ASSEMBLY Helpers FROM 'C:\deploy\Helpers.dll' WITH PERMISSION_SET = SAFE;
```

## How to fix
Let the project build the assembly from its sources, or embed the assembly's bits as a
binary literal (`FROM 0x4D5A…`), so that what is deployed is what was reviewed.

## References
- [CREATE ASSEMBLY](https://learn.microsoft.com/sql/t-sql/statements/create-assembly-transact-sql)
- [ALTER ASSEMBLY](https://learn.microsoft.com/sql/t-sql/statements/alter-assembly-transact-sql)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for stmt in walk::statements(context) {
        let StatementKind::CreateAssembly(assembly) = &stmt.statement.kind else {
            continue;
        };
        for source in &assembly.from {
            if let AssemblySource::Path(path, range) = source {
                out.push(walk::finding(
                    &RULE.meta,
                    stmt.file,
                    *range,
                    format!(
                        "Assembly '{}' is loaded from the file '{path}': the deployment depends on a file outside the project, and whoever can write to it decides what code the server runs. Build the assembly in the project or embed its bits (FROM 0x…).",
                        assembly.name.value
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::testing::check;

    #[test]
    fn file_paths_are_reported_and_bits_are_not() {
        check(
            "-- sqlwarden-ignore-file CLR008: trust paths have their own tests\n\
             CREATE ASSEMBLY Helpers FROM 'C:\\deploy\\Helpers.dll' WITH PERMISSION_SET = SAFE; --! CLR011: Assembly 'Helpers' is loaded from the file 'C:\\deploy\\Helpers.dll': the deployment depends on a file outside the project, and whoever can write to it decides what code the server runs. Build the assembly in the project or embed its bits (FROM 0x…).\n\
             CREATE ASSEMBLY Shared FROM N'\\\\fileserver\\drop\\Shared.dll'; --! CLR011\n\
             CREATE ASSEMBLY Embedded FROM 0x4D5A900003000000;\n",
        );
    }
}
