//! CLS001 unbound-entry-point: an `EXTERNAL NAME` whose class or method is not in the
//! assembly's source, whose SqlServer attribute does not fit the T-SQL object, or whose
//! parameter count differs.

use syntax::ast::ObjectKind;
use syntax::csharp::MethodKind;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::walk;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Cls001,
        name: "unbound-entry-point",
        severity: Severity::Error,
        summary: "EXTERNAL NAME points at a class or method the assembly's source does not have, or that does not fit",
        doc: r#"## What it does
Checks every `EXTERNAL NAME Assembly.[Namespace.Class].Method` of a procedure, function,
trigger, type or aggregate against the C# source of the assembly, when the project holds
it (the `.sqlproj`'s `Compile` items, a `.csproj` that builds the assembly, or the loose
`.cs` files that declare the class). It reports a class that the source does not declare,
a method that the class does not have, a method whose SqlServer attribute is made for
another kind of object (a `[SqlProcedure]` bound by `CREATE FUNCTION`, a `[SqlFunction]`
bound by `CREATE TRIGGER`), a type or aggregate class without `[SqlUserDefinedType]` or
`[SqlUserDefinedAggregate]`, and a method whose number of parameters differs from the
T-SQL declaration's. Names compare exactly: the CLR looks them up with case.

## Why is this bad?
`CREATE PROCEDURE … AS EXTERNAL NAME` binds to the method when it runs: a missing class
or method fails the deployment (error 6505 or 6573), and a parameter list that does not
match fails it too (error 6550). A method written for a trigger or a function usually
expects a different context (`SqlContext.TriggerContext`, no pipe) and fails when called.

## Example
```sql
CREATE ASSEMBLY Tools FROM 0x4D5A900003 WITH PERMISSION_SET = SAFE;
GO
CREATE PROCEDURE dbo.Touch @path nvarchar(260)
AS EXTERNAL NAME Tools.[Tools.Files].Touch;
```
```csharp
namespace Tools
{
    public static class Files
    {
        [Microsoft.SqlServer.Server.SqlProcedure]
        public static void Tuch(string path) { }
    }
}
```

## How to fix
Correct the class or method name in `EXTERNAL NAME` (the class with its namespace, in
brackets), or add the method to the source with the parameters the T-SQL declares and
the attribute that fits the object.

## References
- [CREATE PROCEDURE (EXTERNAL NAME)](https://learn.microsoft.com/sql/t-sql/statements/create-procedure-transact-sql)
- [CREATE FUNCTION (CLR)](https://learn.microsoft.com/sql/t-sql/statements/create-function-transact-sql)
- [CLR integration programming model: Microsoft.SqlServer.Server attributes](https://learn.microsoft.com/sql/relational-databases/clr-integration/database-objects/clr-integration-programming-model-restrictions)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let sources = context.sources();
    for entry in model.entry_points() {
        let Some(source) = super::source_of(sources, &entry) else {
            continue;
        };
        let object = model.object(entry.object);
        let name = model.object_name(entry.object);
        let kind = object.kind;
        let (class, method) = match kind {
            // `EXTERNAL NAME Asm.[Ns.Type]` names only a class.
            ObjectKind::Type | ObjectKind::Aggregate => (
                entry
                    .external
                    .class
                    .as_ref()
                    .or(entry.external.method.as_ref())
                    .map(|c| c.value.clone()),
                None,
            ),
            _ => (
                entry.external.class.as_ref().map(|c| c.value.clone()),
                entry.external.method.as_ref().map(|m| m.value.clone()),
            ),
        };
        let Some(class) = class else {
            continue;
        };
        let code = &source.code;
        let types = code.types_named(&class);
        let report = |message: String, related: Vec<crate::diagnostic::Related>| {
            let mut d = walk::finding(
                &RULE.meta,
                entry.location.file,
                entry.location.range,
                message,
            );
            d.related = related;
            d
        };
        if types.is_empty() {
            let near = code.types.iter().find(|(_, t)| {
                t.name
                    .eq_ignore_ascii_case(class.rsplit(['.', '+']).next().unwrap_or(&class))
            });
            let hint = match near {
                Some((_, t)) => format!(
                    " The source declares '{}': EXTERNAL NAME spells the class with its namespace, as [{}].",
                    t.full_name, t.full_name
                ),
                None => String::new(),
            };
            out.push(report(
                format!(
                    "{name} is bound to class '{class}' of assembly '{}', which its source does not declare: the CREATE fails.{hint}",
                    source.name
                ),
                vec![source.declaration()],
            ));
            continue;
        }
        let ty_attributes: Vec<&str> = types
            .iter()
            .flat_map(|&t| code.types[t].1.attributes.iter().map(|a| a.short_name()))
            .collect();
        let (ty_file, ty) = code.types[types[0]];
        match kind {
            ObjectKind::Type | ObjectKind::Aggregate => {
                let wanted = if kind == ObjectKind::Type {
                    "SqlUserDefinedType"
                } else {
                    "SqlUserDefinedAggregate"
                };
                if !ty_attributes.contains(&wanted) {
                    let what = if kind == ObjectKind::Type {
                        "CREATE TYPE"
                    } else {
                        "CREATE AGGREGATE"
                    };
                    out.push(report(
                        format!(
                            "{name} is bound by {what} to class '{class}', which lacks [{wanted}]: the CREATE fails. Add the attribute to the class."
                        ),
                        vec![walk::related(ty_file, ty.name_range, format!("class {class}"))],
                    ));
                }
                continue;
            }
            _ => {}
        }
        let Some(method) = method else {
            continue;
        };
        let methods: Vec<usize> = code
            .methods_in(&types, &method)
            .into_iter()
            .filter(|&m| code.methods[m].method.kind == MethodKind::Method)
            .collect();
        if methods.is_empty() {
            let near = (0..code.methods.len()).find(|&m| {
                types.contains(&code.methods[m].ty)
                    && code.methods[m].method.name.eq_ignore_ascii_case(&method)
            });
            let hint = match near {
                Some(m) => format!(
                    " The class has '{}': the CLR compares method names with case.",
                    code.methods[m].method.name
                ),
                None => String::new(),
            };
            out.push(report(
                format!(
                    "{name} is bound to method '{method}' of class '{class}', which the class does not declare: the CREATE fails.{hint}"
                ),
                vec![walk::related(ty_file, ty.name_range, format!("class {class}"))],
            ));
            continue;
        }
        let declared = model
            .module(entry.object)
            .map(|m| m.parameter_declarations.len());
        let expected_attribute: &[&str] = match kind {
            ObjectKind::Procedure => &["SqlProcedure"],
            ObjectKind::Trigger => &["SqlTrigger"],
            _ => &["SqlFunction"],
        };
        let sql_attributes = ["SqlProcedure", "SqlFunction", "SqlTrigger", "SqlMethod"];
        // Among overloads, one that fits is enough.
        let fits = |m: usize| {
            let candidate = code.methods[m].method;
            let attribute_ok = candidate
                .attributes
                .iter()
                .map(|a| a.short_name())
                .filter(|a| sql_attributes.contains(a))
                .all(|a| {
                    expected_attribute.contains(&a)
                        || a == "SqlMethod" && kind != ObjectKind::Trigger
                });
            let count_ok =
                kind == ObjectKind::Trigger || declared.is_none_or(|n| n == candidate.params.len());
            (attribute_ok, count_ok)
        };
        if methods.iter().any(|&m| fits(m) == (true, true)) {
            continue;
        }
        let m = methods[0];
        let candidate = code.methods[m].method;
        let at = walk::related(
            code.methods[m].file,
            candidate.name_range,
            format!("method {}", code.method_name(m)),
        );
        let (attribute_ok, count_ok) = fits(m);
        if !attribute_ok {
            let written = candidate
                .attributes
                .iter()
                .map(|a| a.short_name())
                .find(|a| sql_attributes.contains(a))
                .unwrap_or_default();
            let object_kind = match kind {
                ObjectKind::Procedure => "a procedure",
                ObjectKind::Trigger => "a trigger",
                _ => "a function",
            };
            out.push(report(
                format!(
                    "{name} is {object_kind}, but the method it is bound to, {}, is marked [{written}]: it is written for another kind of object and fails when called. Bind it to a method marked [{}].",
                    code.method_name(m),
                    expected_attribute[0]
                ),
                vec![at],
            ));
        } else if !count_ok {
            out.push(report(
                format!(
                    "{name} declares {} parameter(s), but the method it is bound to, {}, takes {}: the CREATE fails. Make the T-SQL parameters match the method's.",
                    declared.unwrap_or(0),
                    code.method_name(m),
                    candidate.params.len()
                ),
                vec![at],
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing;

    fn check(fixture: &str) {
        testing::check_rule(&super::RULE, fixture);
    }

    const SQL: &str = "=== file: clr.sql\n\
        CREATE ASSEMBLY Tools FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
        GO\n";

    #[test]
    fn a_missing_method_or_class_is_reported_at_the_external_name() {
        check(&format!(
            "{SQL}CREATE PROCEDURE dbo.Touch @path nvarchar(260) AS EXTERNAL NAME Tools.[Tools.Files].Tuch; --! CLS001: dbo.Touch is bound to method 'Tuch' of class 'Tools.Files', which the class does not declare: the CREATE fails.\n\
             GO\n\
             CREATE PROCEDURE dbo.Other AS EXTERNAL NAME Tools.[Tools.Missing].Run; --! CLS001\n\
             GO\n\
             CREATE PROCEDURE dbo.Ok @path nvarchar(260) AS EXTERNAL NAME Tools.[Tools.Files].Touch;\n\
             === file: src/Files.cs\n\
             namespace Tools {{ public static class Files {{\n\
               [Microsoft.SqlServer.Server.SqlProcedure] public static void Touch(string path) {{ }}\n\
             }} }}\n\
             namespace Tools {{ public class Missin {{ }} }}\n"
        ));
    }

    #[test]
    fn a_class_named_without_its_namespace_gets_a_hint() {
        check(&format!(
            "{SQL}CREATE PROCEDURE dbo.Touch AS EXTERNAL NAME Tools.Files.Touch; --! CLS001: dbo.Touch is bound to class 'Files' of assembly 'Tools', which its source does not declare: the CREATE fails. The source declares 'Tools.Files': EXTERNAL NAME spells the class with its namespace, as [Tools.Files].\n\
             === file: src/Files.cs\n\
             namespace Tools {{ public static class Files {{ public static void Touch() {{ }} }} }}\n\
             namespace Tools {{ public static class Other {{ }} }}\n"
        ));
    }

    #[test]
    fn the_method_name_compares_with_case() {
        check(&format!(
            "{SQL}CREATE PROCEDURE dbo.Touch AS EXTERNAL NAME Tools.[Tools.Files].touch; --! CLS001: dbo.Touch is bound to method 'touch' of class 'Tools.Files', which the class does not declare: the CREATE fails. The class has 'Touch': the CLR compares method names with case.\n\
             === file: src/Files.cs\n\
             namespace Tools {{ public static class Files {{ public static void Touch() {{ }} }} }}\n"
        ));
    }

    #[test]
    fn the_attribute_must_fit_the_object_and_the_parameters_must_match() {
        check(&format!(
            "{SQL}CREATE FUNCTION dbo.F (@a int) RETURNS int AS EXTERNAL NAME Tools.[Tools.Files].Proc; --! CLS001: dbo.F is a function, but the method it is bound to, Tools.Files.Proc, is marked [SqlProcedure]: it is written for another kind of object and fails when called. Bind it to a method marked [SqlFunction].\n\
             GO\n\
             CREATE FUNCTION dbo.G (@a int, @b int) RETURNS int AS EXTERNAL NAME Tools.[Tools.Files].Func; --! CLS001: dbo.G declares 2 parameter(s), but the method it is bound to, Tools.Files.Func, takes 1: the CREATE fails. Make the T-SQL parameters match the method's.\n\
             GO\n\
             CREATE FUNCTION dbo.H (@a int) RETURNS int AS EXTERNAL NAME Tools.[Tools.Files].Func;\n\
             GO\n\
             CREATE TRIGGER dbo.T ON dbo.X AFTER INSERT AS EXTERNAL NAME Tools.[Tools.Files].Trig;\n\
             GO\n\
             CREATE PROCEDURE dbo.P AS EXTERNAL NAME Tools.[Tools.Files].Plain;\n\
             === file: src/Files.cs\n\
             using Microsoft.SqlServer.Server;\n\
             namespace Tools {{ public static class Files {{\n\
               [SqlProcedure] public static void Proc(int a) {{ }}\n\
               [SqlFunction] public static int Func(int a) {{ return a; }}\n\
               [SqlTrigger(Name = \"T\", Target = \"X\", Event = \"FOR INSERT\")] public static void Trig() {{ }}\n\
               public static void Plain() {{ }}\n\
             }} }}\n"
        ));
    }

    #[test]
    fn types_and_aggregates_need_their_attribute() {
        check(&format!(
            "{SQL}CREATE TYPE dbo.Point EXTERNAL NAME Tools.[Tools.Point]; --! CLS001\n\
             GO\n\
             CREATE AGGREGATE dbo.Concat (@v nvarchar(4000)) RETURNS nvarchar(max) EXTERNAL NAME Tools.[Tools.Concat];\n\
             === file: src/Types.cs\n\
             namespace Tools {{\n\
               public struct Point {{ }}\n\
               [Microsoft.SqlServer.Server.SqlUserDefinedAggregate(Format.UserDefined)] public class Concat {{ }}\n\
             }}\n"
        ));
    }

    // SSDT's templates name every project's class `UserDefinedFunctions`: a file of
    // another assembly that declares the class but not the method is not this one's
    // source (seen in ktaranov/sqlserver-kit).
    #[test]
    fn a_common_class_name_in_an_unrelated_file_is_not_the_source() {
        check(
            "=== file: a.sql\n\
             CREATE ASSEMBLY Splitter FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
             GO\n\
             CREATE FUNCTION dbo.SplitterB (@s nvarchar(max)) RETURNS int AS EXTERNAL NAME Splitter.UserDefinedFunctions.SplitterB;\n\
             === file: other/Functions.cs\n\
             public partial class UserDefinedFunctions { public static int Something(string s) { return 0; } }\n",
        );
    }

    #[test]
    fn an_assembly_without_source_is_not_judged() {
        check(
            "CREATE ASSEMBLY Tools FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
             GO\n\
             CREATE PROCEDURE dbo.Touch AS EXTERNAL NAME Tools.[Tools.Files].Anything;\n",
        );
    }
}
