//! CLS010 impersonation-not-undone: an impersonation context that is not undone on
//! every path.

use syntax::csharp::CsNode;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

use super::code;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Cls010,
        name: "impersonation-not-undone",
        severity: Severity::Warning,
        summary: "A Windows impersonation context that is not undone on every path",
        doc: r#"## What it does
Reports a `WindowsIdentity.Impersonate()` call that is not undone on every path: it is
neither the resource of a `using`, nor inside the `try` of a `try … finally` whose
`finally` calls `Undo()` (or `Dispose()`), nor followed in the same block by such a `try
… finally`.

## Why is this bad?
An exception between `Impersonate()` and `Undo()` leaves the thread impersonating the
caller's Windows identity: the code that runs next in the session, in this assembly or in
the server, does so under that identity. SQL Server's guidance is to undo the
impersonation in a `finally`.

## Example
```sql
CREATE ASSEMBLY Shares FROM 0x4D5A900003 WITH PERMISSION_SET = EXTERNAL_ACCESS;
```
```csharp
using Microsoft.SqlServer.Server;
public static class Reader
{
    public static string Read(string path)
    {
        var ctx = SqlContext.WindowsIdentity.Impersonate();
        string text = System.IO.File.ReadAllText(path);
        ctx.Undo();
        return text;
    }
}
```

## How to fix
Put the work in a `try` and `ctx.Undo()` in its `finally`, or hold the context in a
`using`.

## References
- [CLR integration security: impersonation](https://learn.microsoft.com/sql/relational-databases/clr-integration/data-access/impersonation-and-credentials-for-connections)
- [WindowsImpersonationContext.Undo](https://learn.microsoft.com/dotnet/api/system.security.principal.windowsimpersonationcontext.undo)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for source in context.sources() {
        let code = &source.code;
        for method in 0..code.methods.len() {
            let mut found = Vec::new();
            list(&code.methods[method].method.body, false, &mut found);
            for range in found {
                out.push(super::finding(
                    &RULE.meta,
                    RULE.meta.severity,
                    code.methods[method].file,
                    range,
                    format!(
                        "{} impersonates a Windows identity without undoing it on every path: an exception before Undo() leaves the thread impersonating. Call Undo() in a finally, or hold the context in a using.",
                        code.method_name(method)
                    ),
                    source,
                ));
            }
        }
    }
}

/// True when a `try` has a `finally` that undoes.
fn undoes(node: &CsNode) -> bool {
    let CsNode::Try {
        finally: Some(finally),
        ..
    } = node
    else {
        return false;
    };
    let mut found = false;
    syntax::csharp::visit(finally, &mut |n| {
        found |= matches!(n, CsNode::Call { callee, .. } if code::is_undo(callee));
    });
    found
}

/// Walks a statement list; `guarded` says an enclosing construct undoes.
fn list(nodes: &[CsNode], guarded: bool, found: &mut Vec<syntax::TextRange>) {
    for (i, node) in nodes.iter().enumerate() {
        // A `try … finally { Undo }` later in the same block guards what comes before it.
        let later = nodes[i + 1..].iter().any(undoes);
        super::deep(|| one(node, guarded || later, found));
    }
}

fn one(node: &CsNode, guarded: bool, found: &mut Vec<syntax::TextRange>) {
    match node {
        CsNode::Call {
            callee,
            name_range,
            receiver,
            args,
            ..
        } => {
            list(receiver, guarded, found);
            list(args, guarded, found);
            if code::is_impersonate(callee) && !guarded {
                found.push(*name_range);
            }
        }
        CsNode::Try {
            body,
            handlers,
            finally,
            ..
        } => {
            list(body, guarded || undoes(node), found);
            list(handlers, guarded, found);
            if let Some(finally) = finally {
                list(finally, guarded, found);
            }
        }
        CsNode::Using { resource, body, .. } => {
            list(resource, true, found);
            list(body, guarded, found);
        }
        // A lambda's body is a method of its own.
        CsNode::Lambda { body, .. } => list(body, false, found),
        _ => {
            for child in node.children() {
                one(child, guarded, found);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    #[test]
    fn an_impersonation_undone_only_on_the_happy_path_is_reported() {
        testing::check_rule(
            &super::RULE,
            "=== file: a.sql\n\
             CREATE ASSEMBLY Shares FROM 0x4D5A WITH PERMISSION_SET = EXTERNAL_ACCESS;\n\
             GO\n\
             CREATE PROCEDURE dbo.P AS EXTERNAL NAME Shares.[Shares.Reader].Bad;\n\
             === file: src/Reader.cs\n\
             using System.Security.Principal;\n\
             using Microsoft.SqlServer.Server;\n\
             namespace Shares {\n\
             public static class Reader {\n\
               public static void Bad() {\n\
                 var ctx = SqlContext.WindowsIdentity.Impersonate(); --! CLS010: Shares.Reader.Bad impersonates a Windows identity without undoing it on every path: an exception before Undo() leaves the thread impersonating. Call Undo() in a finally, or hold the context in a using.\n\
                 System.IO.File.ReadAllText(\"x\");\n\
                 ctx.Undo();\n\
               }\n\
               public static void InTry() {\n\
                 WindowsImpersonationContext ctx = null;\n\
                 try { ctx = SqlContext.WindowsIdentity.Impersonate(); } finally { if (ctx != null) ctx.Undo(); }\n\
               }\n\
               public static void BeforeTry() {\n\
                 var ctx = SqlContext.WindowsIdentity.Impersonate();\n\
                 try { } finally { ctx.Undo(); }\n\
               }\n\
               public static void InUsing() {\n\
                 using (var ctx = SqlContext.WindowsIdentity.Impersonate()) { }\n\
                 using var other = WindowsIdentity.GetCurrent().Impersonate();\n\
               }\n\
               public static void CatchOnly() {\n\
                 try { var ctx = SqlContext.WindowsIdentity.Impersonate(); ctx.Undo(); } catch { } --! CLS010\n\
               }\n\
             } }\n",
        );
    }
}
