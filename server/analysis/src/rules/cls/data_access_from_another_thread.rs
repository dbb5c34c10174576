//! CLS011 data-access-from-another-thread: in-process data access from a thread,
//! thread-pool work item or task other than the caller's.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

use super::code::Need;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Cls011,
        name: "data-access-from-another-thread",
        severity: Severity::Error,
        summary: "In-process data access from a thread, thread-pool work item or task other than the caller's",
        doc: r#"## What it does
Reports in-process data access (the context connection, `SqlContext.Pipe`) in code that
another thread runs: a lambda or method passed to `new Thread`, `ThreadPool`
(`QueueUserWorkItem`, `RegisterWaitForSingleObject`), `Task.Run`, `Task.Factory.StartNew`,
`new Task`, `Parallel` or a timer, and the project's methods such code calls.

## Why is this bad?
The context connection and the pipe belong to the thread SQL Server called the code on;
from any other thread they fail with an exception ("The context connection is not
available" or "SqlContext is not available"), and usually at a moment no caller handles.

## Example
```sql
CREATE ASSEMBLY Work FROM 0x4D5A900003 WITH PERMISSION_SET = UNSAFE;
```
```csharp
using Microsoft.SqlServer.Server;
public static class Jobs
{
    public static void Start()
    {
        new System.Threading.Thread(() => SqlContext.Pipe.Send("done")).Start();
    }
}
```

## How to fix
Do the data access on the calling thread: wait for the work to finish and send its
results from the entry point, or open a regular (not context) connection, which needs
EXTERNAL_ACCESS.

## References
- [CLR integration: context connection](https://learn.microsoft.com/sql/relational-databases/clr-integration/data-access/context-connection)
- [CLR integration programming model restrictions](https://learn.microsoft.com/sql/relational-databases/clr-integration/database-objects/clr-integration-programming-model-restrictions)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for source in context.sources() {
        let code = &source.code;
        let mut seen = Vec::new();
        for method in 0..code.methods.len() {
            for (site, _) in code.reach(method) {
                if site.need != Need::DataAccess || !site.in_other_thread {
                    continue;
                }
                if seen.contains(&(site.file, site.range)) {
                    continue;
                }
                seen.push((site.file, site.range));
                out.push(super::finding(
                    &RULE.meta,
                    RULE.meta.severity,
                    site.file,
                    site.range,
                    format!(
                        "{} is in-process data access on a thread other than the caller's (started in {}): the context connection and SqlContext.Pipe are available only on the thread SQL Server called. Do the data access on the calling thread.",
                        site.what,
                        code.method_name(method)
                    ),
                    source,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    #[test]
    fn data_access_in_thread_bodies_is_reported_once() {
        testing::check_rule(
            &super::RULE,
            "=== file: a.sql\n\
             CREATE ASSEMBLY Work FROM 0x4D5A WITH PERMISSION_SET = UNSAFE;\n\
             GO\n\
             CREATE PROCEDURE dbo.P AS EXTERNAL NAME Work.[Work.Jobs].Start;\n\
             === file: src/Jobs.cs\n\
             using System.Threading;\n\
             using System.Threading.Tasks;\n\
             using System.Data.SqlClient;\n\
             using Microsoft.SqlServer.Server;\n\
             namespace Work {\n\
             public static class Jobs {\n\
               public static void Start() {\n\
                 SqlContext.Pipe.Send(\"start\");\n\
                 new Thread(() => SqlContext.Pipe.Send(\"done\")).Start(); --! CLS011: SqlContext.Pipe.Send is in-process data access on a thread other than the caller's (started in Work.Jobs.Start): the context connection and SqlContext.Pipe are available only on the thread SQL Server called. Do the data access on the calling thread.\n\
                 ThreadPool.QueueUserWorkItem(Work);\n\
                 Task.Run(() => Helper());\n\
               }\n\
               static void Work(object state) {\n\
                 using (var c = new SqlConnection(\"context connection=true\")) { } --! CLS011\n\
               }\n\
               static void Helper() { SqlContext.Pipe.Send(\"x\"); } --! CLS011\n\
             } }\n",
        );
    }
}
