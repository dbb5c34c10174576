//! CLS006 host-protection-violation: a member guarded by a disallowed host protection
//! category, in a SAFE or EXTERNAL_ACCESS assembly.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Cls006,
        name: "host-protection-violation",
        severity: Severity::Error,
        summary: "A member guarded by a host protection category that SAFE and EXTERNAL_ACCESS assemblies may not use",
        doc: r#"## What it does
Reports, in the C# of an assembly declared SAFE or EXTERNAL_ACCESS, the use of members
that the .NET Framework marks with a host protection category SQL Server disallows there:
threads and the thread pool (`new Thread`, `ThreadPool`, `Task.Run`, `Parallel`, timers:
ExternalThreading), `lock` and the other synchronisation primitives (`Monitor`, `Mutex`,
`Semaphore`, wait handles, reader-writer locks, concurrent collections:
Synchronization), thread and domain data slots (SharedState), `Process` and
`Environment.Exit` (ExternalProcessMgmt), `Console` and `MessageBox` (UI), and the
principal and domain policy members of `AppDomain` (SecurityInfrastructure). It is an
error where the target server enforces the declared permission set, a warning where `clr
strict security` is on.

## Why is this bad?
SQL Server hosts the runtime and refuses, at run time, calls of members whose host
protection category it disallows for SAFE and EXTERNAL_ACCESS code: the call throws a
`HostProtectionException`. Threads and locks in particular defeat the server's own
scheduling and can deadlock it.

## Example
```sql
CREATE ASSEMBLY Counters FROM 0x4D5A900003 WITH PERMISSION_SET = SAFE;
```
```csharp
public static class Ids
{
    private static readonly object Gate = new object();
    public static void Touch()
    {
        lock (Gate) { }
    }
}
```

## How to fix
Let SQL Server do the concurrency: keep state in tables and use transactions instead of
locks; do not start threads. Code that truly needs these members must be UNSAFE, with a
trust path and a review.

## References
- [Host protection attributes and CLR integration programming](https://learn.microsoft.com/sql/relational-databases/clr-integration-security-host-protection-attributes/host-protection-attributes-and-clr-integration-programming)
- [CLR integration programming model restrictions](https://learn.microsoft.com/sql/relational-databases/clr-integration/database-objects/clr-integration-programming-model-restrictions)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let severity = super::severity(context);
    for source in context.sources().iter().filter(|s| s.restricted()) {
        // One finding per place, naming every category it falls in.
        let mut places: Vec<(&super::code::Site, Vec<&str>, Vec<&str>)> = Vec::new();
        for site in source.code.all_sites() {
            let Some(category) = site.need.host_protection() else {
                continue;
            };
            match places
                .iter_mut()
                .find(|(s, _, _)| s.file == site.file && s.range == site.range)
            {
                Some((_, categories, needs)) => {
                    categories.push(category);
                    needs.push(site.need.describe());
                }
                None => places.push((site, vec![category], vec![site.need.describe()])),
            }
        }
        for (site, categories, needs) in places {
            let plural = if categories.len() > 1 { "ies" } else { "y" };
            let category = categories.join(", ");
            let needs = needs.join(" and ");
            out.push(super::finding(
                &RULE.meta,
                severity,
                site.file,
                site.range,
                format!(
                    "{} uses {needs} (host protection categor{plural} {category}), in assembly '{}' ({}): {}. Keep state in tables and let the server schedule the work, or make the assembly UNSAFE with a trust path.",
                    site.what,
                    source.name,
                    super::permission_set_name(source.permission_set),
                    super::consequence(context, "the call throws a HostProtectionException")
                ),
                source,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    #[test]
    fn threads_locks_processes_and_ui_are_reported() {
        testing::check_rule(
            &super::RULE,
            "=== file: a.sql\n\
             CREATE ASSEMBLY Work FROM 0x4D5A WITH PERMISSION_SET = EXTERNAL_ACCESS;\n\
             GO\n\
             CREATE PROCEDURE dbo.P AS EXTERNAL NAME Work.[Work.Jobs].Run;\n\
             === file: src/Jobs.cs\n\
             using System;\n\
             using System.Threading;\n\
             using System.Threading.Tasks;\n\
             namespace Work {\n\
             public static class Jobs {\n\
               static readonly object Gate = new object();\n\
               public static void Run() {\n\
                 lock (Gate) { } --! CLS006: lock uses synchronisation (host protection category Synchronization), in assembly 'Work' (EXTERNAL_ACCESS): the call throws a HostProtectionException wherever the declared permission set is enforced (clr strict security off, or before SQL Server 2017); with strict security on, the declaration misstates what the code does. Keep state in tables and let the server schedule the work, or make the assembly UNSAFE with a trust path.\n\
                 new Thread(Work).Start(); --! CLS006\n\
                 ThreadPool.QueueUserWorkItem(o => { }); --! CLS006\n\
                 Task.Run(() => { }); --! CLS006: Task.Run uses threads and synchronisation (host protection categories ExternalThreading, Synchronization), in assembly 'Work' (EXTERNAL_ACCESS): the call throws a HostProtectionException wherever the declared permission set is enforced (clr strict security off, or before SQL Server 2017); with strict security on, the declaration misstates what the code does. Keep state in tables and let the server schedule the work, or make the assembly UNSAFE with a trust path.\n\
                 Monitor.Enter(Gate); --! CLS006\n\
                 Console.WriteLine(\"x\"); --! CLS006\n\
                 System.Diagnostics.Process.Start(\"cmd\"); --! CLS006\n\
                 Thread.Sleep(10);\n\
                 Interlocked.Increment(ref counter);\n\
               }\n\
               static void Work() { }\n\
             } }\n",
        );
    }

    #[test]
    fn a_type_of_the_project_with_a_framework_name_is_its_own() {
        testing::check_rule(
            &super::RULE,
            "=== file: a.sql\n\
             CREATE ASSEMBLY Work FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
             GO\n\
             CREATE PROCEDURE dbo.P AS EXTERNAL NAME Work.[Work.Jobs].Run;\n\
             === file: src/Jobs.cs\n\
             namespace Work {\n\
             public class Console { public static void WriteLine(string s) { } }\n\
             public static class Jobs { public static void Run() { Console.WriteLine(\"x\"); } }\n\
             }\n",
        );
    }
}
