//! CLS009 data-access-while-impersonating: in-process data access while a
//! `WindowsIdentity.Impersonate()` context is active.

use syntax::csharp::CsNode;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

use super::code::{self, Code as SourceCode};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Cls009,
        name: "data-access-while-impersonating",
        severity: Severity::Error,
        summary: "In-process data access while a Windows impersonation context is active",
        doc: r#"## What it does
Follows each method body in order from a `WindowsIdentity.Impersonate()` call (or the
`using` it is the resource of) to the `Undo()` or `Dispose()` that ends it, and reports
in-process data access in between: the context connection (`context connection=true`),
`SqlContext.Pipe`, and calls of the project's own methods that do either.

## Why is this bad?
SQL Server refuses in-process data access while the code impersonates: the call fails
with an exception ("Data access is not allowed in this context"). Code must revert to its
own identity before it uses the context connection or sends results.

## Example
```sql
CREATE ASSEMBLY Shares FROM 0x4D5A900003 WITH PERMISSION_SET = EXTERNAL_ACCESS;
```
```csharp
using Microsoft.SqlServer.Server;
public static class Reader
{
    public static void Read()
    {
        var ctx = SqlContext.WindowsIdentity.Impersonate();
        SqlContext.Pipe.Send("reading");
        ctx.Undo();
    }
}
```

## How to fix
Undo the impersonation (in a `finally`) before the data access; read what the external
resource returns into variables while impersonating, and send it after.

## References
- [CLR integration security: impersonation](https://learn.microsoft.com/sql/relational-databases/clr-integration/data-access/impersonation-and-credentials-for-connections)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for source in context.sources() {
        let code = &source.code;
        for method in 0..code.methods.len() {
            let mut walk = Walk {
                code,
                method,
                found: Vec::new(),
            };
            let mut impersonating = false;
            walk.nodes(&code.methods[method].method.body, &mut impersonating);
            for (range, what) in walk.found {
                out.push(super::finding(
                    &RULE.meta,
                    RULE.meta.severity,
                    code.methods[method].file,
                    range,
                    format!(
                        "{what} while {} impersonates a Windows identity: SQL Server refuses in-process data access in an impersonation context. Undo the impersonation before the data access.",
                        code.method_name(method)
                    ),
                    source,
                ));
            }
        }
    }
}

struct Walk<'c, 'a> {
    code: &'c SourceCode<'a>,
    method: usize,
    found: Vec<(syntax::TextRange, String)>,
}

impl Walk<'_, '_> {
    fn nodes(&mut self, nodes: &[CsNode], impersonating: &mut bool) {
        for node in nodes {
            super::deep(|| self.node(node, impersonating));
        }
    }

    fn node(&mut self, node: &CsNode, impersonating: &mut bool) {
        if *impersonating && code::is_data_access(node) {
            let what = match node {
                CsNode::Text { .. } => "The context connection is used".to_owned(),
                _ => "SqlContext.Pipe is used".to_owned(),
            };
            self.found.push((node.range(), what));
        }
        match node {
            CsNode::Call {
                callee,
                name_range,
                receiver,
                args,
                ..
            } => {
                self.nodes(receiver, impersonating);
                for arg in args {
                    if !matches!(arg, CsNode::Lambda { .. }) {
                        self.node(arg, impersonating);
                    }
                }
                if *impersonating
                    && self
                        .code
                        .callees_at(self.method, *name_range)
                        .into_iter()
                        .any(|callee| self.code.does_data_access(callee))
                {
                    self.found.push((
                        *name_range,
                        format!(
                            "{}, which does in-process data access, is called",
                            callee.join(".")
                        ),
                    ));
                }
                if code::is_impersonate(callee) {
                    *impersonating = true;
                } else if code::is_undo(callee) {
                    *impersonating = false;
                }
            }
            CsNode::Using { resource, body, .. } => {
                let before = *impersonating;
                self.nodes(resource, impersonating);
                let mut inside = *impersonating;
                self.nodes(body, &mut inside);
                // Disposing the resource ends an impersonation it started.
                *impersonating = if inside && !before && resource.iter().any(starts) {
                    false
                } else {
                    inside
                };
            }
            // A lambda runs when it is called, not where it is written.
            CsNode::Lambda { .. } => {}
            _ => {
                for child in node.children() {
                    self.node(child, impersonating);
                }
            }
        }
    }
}

/// True when the nodes start an impersonation.
fn starts(node: &CsNode) -> bool {
    let mut found = false;
    syntax::csharp::visit(std::slice::from_ref(node), &mut |n| {
        found |= matches!(n, CsNode::Call { callee, .. } if code::is_impersonate(callee));
    });
    found
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    #[test]
    fn data_access_between_impersonate_and_undo_is_reported() {
        testing::check_rule(
            &super::RULE,
            "=== file: a.sql\n\
             CREATE ASSEMBLY Shares FROM 0x4D5A WITH PERMISSION_SET = EXTERNAL_ACCESS;\n\
             GO\n\
             CREATE PROCEDURE dbo.P AS EXTERNAL NAME Shares.[Shares.Reader].Read;\n\
             === file: src/Reader.cs\n\
             using System.Data.SqlClient;\n\
             using System.Security.Principal;\n\
             using Microsoft.SqlServer.Server;\n\
             namespace Shares {\n\
             public static class Reader {\n\
               public static void Read() {\n\
                 SqlContext.Pipe.Send(\"before\");\n\
                 WindowsImpersonationContext ctx = null;\n\
                 try {\n\
                   ctx = SqlContext.WindowsIdentity.Impersonate();\n\
                   SqlContext.Pipe.Send(\"x\"); --! CLS009: SqlContext.Pipe is used while Shares.Reader.Read impersonates a Windows identity: SQL Server refuses in-process data access in an impersonation context. Undo the impersonation before the data access.\n\
                   Log(); --! CLS009\n\
                 } finally {\n\
                   if (ctx != null) ctx.Undo();\n\
                 }\n\
                 SqlContext.Pipe.Send(\"after\");\n\
                 using (WindowsIdentity.GetCurrent().Impersonate()) {\n\
                   using (var c = new SqlConnection(\"context connection=true\")) { } --! CLS009\n\
                 }\n\
                 Log();\n\
               }\n\
               static void Log() { using (var c = new SqlConnection(\"context connection=true\")) { c.Open(); } }\n\
             } }\n",
        );
    }
}
