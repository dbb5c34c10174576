//! IMP004 elevated-dynamic-sql: a module with `EXECUTE AS` other than `CALLER` runs
//! dynamic SQL built from a parameter or variable that is not wrapped in `QUOTENAME()`.
//!
//! Which values are safe is decided over the whole body, whatever the order: a variable
//! is safe when every assignment to it is built only from literals, `QUOTENAME()` calls
//! and other safe variables. Parameters, and variables whose value comes from elsewhere
//! (a column, a cursor, an `OUTPUT` argument), are not. Parameters and variables
//! declared with a number, date or GUID type cannot hold SQL text and are safe, as are
//! their conversions. Passing a value to `sp_executesql` as a parameter is the safe way
//! and is not reported.

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
parameter is not. Parameters and variables declared with a number, date or GUID type
cannot carry SQL text, so they are safe, also through `CAST`/`CONVERT`.

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
        let text = &context.workspace.files.get(stmt.file).text;
        check_module(object, stmt.file, text, stmt.statement.range, out);
    }
}

fn check_module(
    object: &CreateObject,
    file: crate::FileId,
    text: &str,
    range: TextRange,
    out: &mut Vec<Diagnostic>,
) {
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
    let typed = non_text_variables(text.get(range.start..range.end).unwrap_or(""));
    let flow = Flow::new(&assignments, typed, text);

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
    /// The module's file, to tell a conversion from other expressions.
    text: &'a str,
}

impl<'a> Flow<'a> {
    fn new(
        assignments: &'a BTreeMap<String, Vec<(&'a Expr, TextRange)>>,
        typed: BTreeSet<String>,
        text: &'a str,
    ) -> Self {
        // Start from every assigned variable and drop those with an unsafe assignment
        // until nothing changes: the greatest fixed point, so that `SET @q = @q + N'…'`
        // stays safe when every other assignment is. Variables of a number, date or
        // GUID type are always safe: whatever is assigned to them, they cannot hold
        // SQL text.
        let mut safe: BTreeSet<String> = assignments.keys().cloned().collect();
        safe.extend(typed.iter().cloned());
        let mut flow = Flow {
            assignments,
            safe,
            text,
        };
        loop {
            let unsafe_now: Vec<String> = flow
                .safe
                .iter()
                .filter(|variable| !typed.contains(*variable))
                .filter(|variable| {
                    assignments
                        .get(*variable)
                        .is_some_and(|list| list.iter().any(|(value, _)| !flow.is_safe(value)))
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
            // The catalogue's trigger is a parameter or variable concatenated into the text.
            // A column concatenated in place (`N'ALTER INDEX [' + i.name + N']'` over the
            // catalog views) is neither, so only the variables inside a part count there.
            Expr::Concat(parts, _) => parts.iter().all(|part| match part {
                Expr::Other { variables, .. } if variables.is_empty() => true,
                part => self.is_safe(part),
            }),
            Expr::Call {
                name, arguments, ..
            } => is_quotename(name) || arguments.iter().all(|a| self.is_safe(a)),
            // A conversion of safe variables (`CAST(@id AS nvarchar(10))`) is safe; a
            // column or a subquery is not a literal, so it is not known to be safe.
            Expr::Other { variables, range } => {
                self.is_conversion(*range)
                    && !variables.is_empty()
                    && variables
                        .iter()
                        .all(|variable| self.safe.contains(&variable.to_lowercase()))
            }
        }
    }

    fn is_conversion(&self, range: TextRange) -> bool {
        let text = self.text.get(range.start..range.end).unwrap_or("");
        let head: String = text
            .chars()
            .take_while(|c| c.is_ascii_alphabetic() || *c == '_')
            .collect::<String>()
            .to_ascii_lowercase();
        matches!(
            head.as_str(),
            "cast" | "convert" | "try_cast" | "try_convert"
        ) && text[head.len()..].trim_start().starts_with('(')
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

/// Types whose values cannot hold SQL text.
const NON_TEXT_TYPES: &[&str] = &[
    "bit",
    "tinyint",
    "smallint",
    "int",
    "bigint",
    "decimal",
    "numeric",
    "money",
    "smallmoney",
    "float",
    "real",
    "date",
    "time",
    "datetime",
    "datetime2",
    "smalldatetime",
    "datetimeoffset",
    "uniqueidentifier",
];

/// The variables and parameters that a module declares with a number, date or GUID type
/// (`@id int`, `DECLARE @n AS bigint`), read from its text outside strings, comments and
/// bracketed names.
fn non_text_variables(text: &str) -> BTreeSet<String> {
    let bytes = text.as_bytes();
    let mut out = BTreeSet::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => {
                // A string: `''` inside it is an escaped quote.
                i += 1;
                while i < bytes.len() {
                    if bytes[i] == b'\'' {
                        if bytes.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'[' => {
                while i < bytes.len() && bytes[i] != b']' {
                    i += 1;
                }
                i += 1;
            }
            b'@' if bytes.get(i + 1) == Some(&b'@') => i += 2,
            b'@' => {
                let start = i;
                i += 1;
                while i < bytes.len() && is_word(bytes[i]) {
                    i += 1;
                }
                let name = text[start..i].to_lowercase();
                let mut rest = text[i..].trim_start();
                if rest.len() > 2
                    && rest.is_char_boundary(2)
                    && rest[..2].eq_ignore_ascii_case("as")
                    && rest[2..].starts_with(char::is_whitespace)
                {
                    rest = rest[2..].trim_start();
                }
                let word: String = rest
                    .bytes()
                    .take_while(|b| is_word(*b))
                    .map(|b| char::from(b.to_ascii_lowercase()))
                    .collect();
                if name.len() > 1 && NON_TEXT_TYPES.contains(&word.as_str()) {
                    out.insert(name);
                }
            }
            _ => i += 1,
        }
    }
    out
}

fn is_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'#' | b'$') || byte >= 0x80
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
    fn numbers_dates_and_guids_cannot_carry_sql_text() {
        check(
            "CREATE PROCEDURE dbo.top_n @top int, @since AS datetime2, @who sysname\n\
             WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @limit bigint = @top * 2, @note nvarchar(20) = N'@who int';\n\
                 DECLARE @q nvarchar(max) = N'SELECT TOP (' + CAST(@top AS nvarchar(10)) + N') * FROM dbo.t'\n\
                     + N' WHERE at > ''' + CONVERT(nvarchar(30), @since, 126) + N''' AND n < ' + CAST(@limit AS nvarchar(20));\n\
                 EXEC (@q);\n\
                 EXEC (@q + N' AND who = ''' + CAST(@who AS nvarchar(128)) + N''''); --! IMP004\n\
                 EXEC (N'SELECT ' + (SELECT TOP (1) name FROM dbo.t WHERE id = @top)); --! IMP004\n\
             END\n",
        );
    }

    // Wide World Importers builds index maintenance this way, under EXECUTE AS OWNER: the
    // text concatenates catalog columns and literals, and no parameter or variable.
    #[test]
    fn columns_concatenated_in_place_are_not_a_parameter_or_variable() {
        check(
            "CREATE PROCEDURE dbo.rebuild WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @SQL nvarchar(max) = N'';\n\
                 SELECT @SQL += N'ALTER INDEX [' + i.name + N'] ON [' + o.name + N'] REBUILD;'\n\
                 FROM sys.indexes i JOIN sys.tables o ON i.object_id = o.object_id;\n\
                 EXECUTE (@SQL);\n\
             END\n",
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
