//! IMP004 elevated-dynamic-sql: a module with `EXECUTE AS` other than `CALLER` runs
//! dynamic SQL built from a parameter or variable that is not wrapped in `QUOTENAME()`.
//!
//! Which values are safe is decided over the whole body, whatever the order: a variable
//! is safe when every assignment to it is built only from literals, `QUOTENAME()` calls
//! and other safe variables. Parameters, and variables whose value comes from elsewhere
//! (a column, a cursor, an `OUTPUT` argument, a conversion), are not. Passing a value to
//! `sp_executesql` as a parameter is the safe way and is not reported.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use syntax::TextRange;
use syntax::ast::{CreateObject, ExecTarget, ExecutionContext, Expr, StatementKind};

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::walk;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Imp004,
        name: "elevated-dynamic-sql",
        severity: Severity::Error,
        summary: "A module with EXECUTE AS runs dynamic SQL built from unquoted input",
        doc: r#"## What it does
Reports `EXEC (…)` and `sp_executesql` in a procedure, function or trigger declared `WITH
EXECUTE AS OWNER`, `SELF` or `'name'`, when the SQL text is built by concatenating a
parameter or a variable that is not wrapped in `QUOTENAME()`. Assignments are followed: a
variable assigned only from literals and `QUOTENAME()` is safe; one built from a
parameter is not.

## Why is this bad?
This is SQL injection with elevated rights. The module runs as its `EXECUTE AS`
principal, so whatever a caller smuggles into the text (`'; DROP TABLE …; --`) runs with
that principal's permissions, which the caller was never granted.

## Example
```sql
CREATE PROCEDURE dbo.run_report @filter nvarchar(400)
WITH EXECUTE AS OWNER
AS
BEGIN
    DECLARE @q nvarchar(max) = N'SELECT * FROM dbo.orders WHERE ' + @filter;
    EXEC sp_executesql @q;
END
```

## How to fix
Pass values to `sp_executesql` as parameters (`EXEC sp_executesql N'… WHERE name = @n',
N'@n nvarchar(100)', @n = @name;`), wrap object names in `QUOTENAME()`, and drop `EXECUTE
AS` when the module does not need it (sign the module with a certificate instead).

## References
- [SQL injection](https://learn.microsoft.com/sql/relational-databases/security/sql-injection)
- [sp_executesql](https://learn.microsoft.com/sql/relational-databases/system-stored-procedures/sp-executesql-transact-sql)
- [QUOTENAME](https://learn.microsoft.com/sql/t-sql/functions/quotename-transact-sql)
- [EXECUTE AS clause](https://learn.microsoft.com/sql/t-sql/statements/execute-as-clause-transact-sql)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for stmt in walk::statements(context) {
        if stmt.module.is_some() {
            continue;
        }
        let StatementKind::CreateObject(object) = &stmt.statement.kind else {
            continue;
        };
        check_module(object, stmt.file, out);
    }
}

fn check_module(object: &CreateObject, file: crate::FileId, out: &mut Vec<Diagnostic>) {
    let Some(module) = &object.module else {
        return;
    };
    let Some(clause) = &module.execute_as else {
        return;
    };
    let context = match &clause.context {
        ExecutionContext::Caller => return,
        ExecutionContext::Owner => "EXECUTE AS OWNER".to_owned(),
        ExecutionContext::SelfUser => "EXECUTE AS SELF".to_owned(),
        ExecutionContext::User(name) => format!("EXECUTE AS '{name}'"),
    };

    let mut assignments: BTreeMap<String, Vec<(&Expr, TextRange)>> = BTreeMap::new();
    for statement in &module.body {
        if let StatementKind::Assign {
            variable, value, ..
        } = &statement.kind
        {
            assignments
                .entry(variable.to_lowercase())
                .or_default()
                .push((value, statement.range));
        }
    }
    let flow = Flow::new(&assignments);

    for statement in &module.body {
        let StatementKind::Exec(exec) = &statement.kind else {
            continue;
        };
        let text = match &exec.target {
            ExecTarget::Dynamic { text } => text,
            ExecTarget::Procedure { arguments, .. } => {
                match walk::system_call(exec, "sp_executesql")
                    .and_then(|_| walk::argument(arguments, 0, "@stmt"))
                {
                    Some(argument) => &argument.value,
                    None => continue,
                }
            }
            ExecTarget::ProcedureVariable { .. } => continue,
        };
        if flow.is_safe(text) {
            continue;
        }
        let (sources, steps) = flow.sources(text);
        let named = sources.join(", ");
        let mut diagnostic = walk::finding(
            &RULE.meta,
            file,
            exec.keyword_range,
            format!(
                "{} runs {context} and executes dynamic SQL built from {named} without QUOTENAME(): a caller can inject SQL that runs with the module's elevated rights. Pass values to sp_executesql as parameters and wrap names in QUOTENAME().",
                object.name
            ),
        );
        diagnostic.related.push(walk::related(
            file,
            clause.range,
            format!("{} runs {context} here", object.name),
        ));
        for (variable, range) in steps {
            diagnostic.related.push(walk::related(
                file,
                range,
                format!("{variable} is built from unquoted input here"),
            ));
        }
        diagnostic.fix = Some(
            "EXEC sp_executesql N'… WHERE col = @value', N'@value nvarchar(400)', @value = @input;"
                .to_owned(),
        );
        out.push(diagnostic);
    }
}

/// Which variables of one module body hold only safe text.
struct Flow<'a> {
    assignments: &'a BTreeMap<String, Vec<(&'a Expr, TextRange)>>,
    safe: BTreeSet<String>,
}

impl<'a> Flow<'a> {
    fn new(assignments: &'a BTreeMap<String, Vec<(&'a Expr, TextRange)>>) -> Self {
        // Start from every assigned variable and drop those with an unsafe assignment
        // until nothing changes: the greatest fixed point, so that `SET @q = @q + N'…'`
        // stays safe when every other assignment is.
        let mut flow = Flow {
            assignments,
            safe: assignments.keys().cloned().collect(),
        };
        loop {
            let unsafe_now: Vec<String> = flow
                .safe
                .iter()
                .filter(|variable| {
                    assignments[*variable]
                        .iter()
                        .any(|(value, _)| !flow.is_safe(value))
                })
                .cloned()
                .collect();
            if unsafe_now.is_empty() {
                return flow;
            }
            for variable in unsafe_now {
                flow.safe.remove(&variable);
            }
        }
    }

    fn is_safe(&self, expr: &Expr) -> bool {
        match expr {
            Expr::String(..) | Expr::Number(..) | Expr::Identifier(..) => true,
            Expr::Variable(variable, _) => self.safe.contains(&variable.to_lowercase()),
            Expr::Concat(parts, _) => parts.iter().all(|part| self.is_safe(part)),
            Expr::Call {
                name, arguments, ..
            } => is_quotename(name) || arguments.iter().all(|a| self.is_safe(a)),
            // A column, a subquery, a conversion: not a literal, so not known to be safe.
            Expr::Other { .. } => false,
        }
    }

    /// The parameters and outside variables that make `expr` unsafe, and the
    /// assignments through which they flow into it.
    fn sources(&self, expr: &Expr) -> (Vec<String>, Vec<(String, TextRange)>) {
        let mut sources = Vec::new();
        let mut steps = Vec::new();
        let mut seen = BTreeSet::new();
        let mut pending = VecDeque::new();
        let mut first = Vec::new();
        self.unsafe_variables(expr, &mut first);
        pending.extend(first);
        while let Some(variable) = pending.pop_front() {
            if !seen.insert(variable.clone()) {
                continue;
            }
            match self.assignments.get(&variable) {
                Some(list) => {
                    for (value, range) in list {
                        if !self.is_safe(value) {
                            steps.push((variable.clone(), *range));
                            let mut inner = Vec::new();
                            self.unsafe_variables(value, &mut inner);
                            // A value from a query or a conversion: the variable
                            // itself is where the unknown text enters.
                            if inner.is_empty() && !sources.contains(&variable) {
                                sources.push(variable.clone());
                            }
                            pending.extend(inner);
                        }
                    }
                }
                None => sources.push(variable),
            }
        }
        sources.sort();
        steps.sort_by_key(|(_, range)| range.start);
        (sources, steps)
    }

    /// The unsafe variables `expr` uses outside `QUOTENAME()`, in text order.
    fn unsafe_variables(&self, expr: &Expr, out: &mut Vec<String>) {
        match expr {
            Expr::String(..) | Expr::Number(..) | Expr::Identifier(..) => {}
            Expr::Variable(variable, _) => {
                let variable = variable.to_lowercase();
                if !self.safe.contains(&variable) {
                    out.push(variable);
                }
            }
            Expr::Concat(parts, _) => {
                for part in parts {
                    self.unsafe_variables(part, out);
                }
            }
            Expr::Call {
                name, arguments, ..
            } => {
                if !is_quotename(name) {
                    for argument in arguments {
                        self.unsafe_variables(argument, out);
                    }
                }
            }
            Expr::Other { variables, .. } => {
                for variable in variables {
                    let variable = variable.to_lowercase();
                    if !self.safe.contains(&variable) {
                        out.push(variable);
                    }
                }
            }
        }
    }
}

fn is_quotename(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    last.trim_matches(|c| c == '[' || c == ']')
        .eq_ignore_ascii_case("quotename")
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::testing::{self, check};

    #[test]
    fn a_parameter_concatenated_through_a_variable_is_reported_at_the_exec() {
        check(
            "CREATE PROCEDURE dbo.run_report @filter nvarchar(400)\n\
             WITH EXECUTE AS 'report_runner'\n\
             AS\n\
             BEGIN\n\
                 DECLARE @q nvarchar(max) = N'SELECT * FROM dbo.orders WHERE ' + @filter;\n\
                 EXEC sp_executesql @q; --! IMP004: dbo.run_report runs EXECUTE AS 'report_runner' and executes dynamic SQL built from @filter without QUOTENAME(): a caller can inject SQL that runs with the module's elevated rights. Pass values to sp_executesql as parameters and wrap names in QUOTENAME().\n\
             END\n",
        );
    }

    #[test]
    fn the_finding_relates_the_context_and_the_concatenation() {
        let (workspace, _) = testing::load(
            "CREATE PROCEDURE dbo.run_report @filter nvarchar(400)\n\
             WITH EXECUTE AS OWNER\n\
             AS\n\
             BEGIN\n\
                 DECLARE @where nvarchar(400) = N' WHERE ' + @filter;\n\
                 DECLARE @q nvarchar(max) = N'SELECT * FROM dbo.orders' + @where;\n\
                 EXEC sp_executesql @q;\n\
             END\n",
        );
        let findings = testing::findings(&workspace);
        let finding = findings
            .iter()
            .find(|d| d.code == crate::Code::Imp004)
            .expect("IMP004 is reported");
        let file = workspace.files.get(finding.location.file);
        let line = |offset: usize| file.line_index.line_of(offset) + 1;
        assert_eq!(line(finding.location.range.start), 7);
        let related: Vec<(usize, &str)> = finding
            .related
            .iter()
            .map(|r| (line(r.location.range.start), r.message.as_str()))
            .collect();
        assert_eq!(
            related,
            [
                (2, "dbo.run_report runs EXECUTE AS OWNER here"),
                (5, "@where is built from unquoted input here"),
                (6, "@q is built from unquoted input here"),
            ]
        );
        assert!(
            finding
                .message
                .contains("built from @filter without QUOTENAME()")
        );
    }

    #[test]
    fn exec_of_a_concatenation_is_reported() {
        check(
            "CREATE PROCEDURE dbo.drop_table @name sysname WITH EXECUTE AS OWNER AS\n\
                 EXEC (N'DROP TABLE dbo.' + @name); --! IMP004\n\
             GO\n\
             CREATE PROCEDURE dbo.grow @sql nvarchar(max) WITH EXECUTE AS SELF AS\n\
             BEGIN\n\
                 DECLARE @text nvarchar(max) = N'';\n\
                 SET @text += N'SELECT ';\n\
                 SET @text = @text + @sql;\n\
                 EXECUTE sys.sp_executesql @stmt = @text; --! IMP004\n\
             END\n",
        );
    }

    #[test]
    fn quotename_literals_and_sp_executesql_parameters_are_safe() {
        check(
            "CREATE PROCEDURE dbo.safe1 @name sysname, @id int WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @q nvarchar(max) = N'SELECT * FROM dbo.' + QUOTENAME(@name) + N' WHERE id = @id';\n\
                 EXEC sp_executesql @q, N'@id int', @id = @id;\n\
                 DECLARE @fixed nvarchar(100);\n\
                 SET @fixed = N'SELECT 1';\n\
                 EXEC (@fixed);\n\
                 EXEC (N'SELECT 2');\n\
                 EXEC sp_executesql N'SELECT * FROM dbo.t WHERE name = @n', N'@n sysname', @n = @name;\n\
             END\n",
        );
    }

    #[test]
    fn caller_context_and_modules_without_execute_as_are_not_reported() {
        check(
            "CREATE PROCEDURE dbo.p1 @f nvarchar(100) AS EXEC (N'SELECT ' + @f);\n\
             GO\n\
             CREATE PROCEDURE dbo.p2 @f nvarchar(100) WITH EXECUTE AS CALLER AS EXEC (N'SELECT ' + @f);\n\
             GO\n",
        );
    }

    #[test]
    fn a_variable_of_unknown_origin_is_not_safe() {
        check(
            "CREATE PROCEDURE dbo.cleanup WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @t sysname;\n\
                 SELECT @t = name FROM sys.tables WHERE name LIKE N'tmp%';\n\
                 EXEC (N'DROP TABLE ' + @t); --! IMP004\n\
                 EXEC (N'DROP TABLE ' + QUOTENAME(@t));\n\
             END\n",
        );
    }
}
