//! IMP004 elevated-dynamic-sql: a module with `EXECUTE AS` other than `CALLER` runs
//! dynamic SQL whose text, at that `EXEC`, holds caller input that is not wrapped in
//! `QUOTENAME()`.
//!
//! The data flow is [`super::taint`]'s: judged in statement order, through branches and
//! loops, with parameters, `EVENTDATA()` and what flows from them as caller input. A sink
//! whose text also holds stored data is reported here only (caller input dominates);
//! stored data alone is IMP009's.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

use super::taint::{self, Source};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Imp004,
        name: "elevated-dynamic-sql",
        severity: Severity::Error,
        summary: "A module with EXECUTE AS runs dynamic SQL built from unquoted caller input",
        doc: r#"## What it does
Reports `EXEC (…)`, `sp_executesql` with a statement that is not a literal, and `EXEC
@procedure_name` in a procedure, function or trigger declared `WITH EXECUTE AS OWNER`,
`SELF` or `'name'`, or signed with a certificate or asymmetric key (`ADD SIGNATURE`), when the text that runs holds caller input not wrapped in
`QUOTENAME()`. Caller input is a parameter, `EVENTDATA()` in a trigger, and whatever is
built from them: assignments, `+` and string functions (`REPLACE`, `SUBSTRING`,
`CONCAT`, …), XML methods (`.value()`, `.query()`) on them.

The text is judged where it runs, in statement order, following `IF`/`ELSE`, `WHILE`
and `TRY…CATCH`: a variable reassigned from literals is clean from then on. Clean values
are literals, `QUOTENAME()`, values of a number, date, bit or `uniqueidentifier` type
(declared so, or converted with `CAST`/`CONVERT`), functions that return numbers (`LEN`,
`OBJECT_ID`, …), and `CASE`/`IIF`/`COALESCE` whose results are all clean. A parameter
checked against a list of literals before the `EXEC` (`IF @p NOT IN ('a', 'b') RETURN`,
or the `EXEC` inside `IF @p IN (…)`) is clean; one checked for existence in the catalog
(`IF OBJECT_ID(@p) IS NULL RETURN`, `IF EXISTS (SELECT … FROM sys.… WHERE name = @p)`)
names an existing object and counts as stored data, which IMP009 reports. Values passed
to `sp_executesql` as its parameters are never reported. Doubling quotes with
`REPLACE(@p, '''', '''''')` does not count as clean: it protects a string literal, not
a name spliced into the text.

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
N'@n nvarchar(100)', @n = @name;`), wrap object names in `QUOTENAME()`, check a name
against a list of allowed values, and drop `EXECUTE AS` when the module does not need it
(sign the module with a certificate instead).

## References
- [SQL injection](https://learn.microsoft.com/sql/relational-databases/security/sql-injection)
- [sp_executesql](https://learn.microsoft.com/sql/relational-databases/system-stored-procedures/sp-executesql-transact-sql)
- [QUOTENAME](https://learn.microsoft.com/sql/t-sql/functions/quotename-transact-sql)
- [EXECUTE AS clause](https://learn.microsoft.com/sql/t-sql/statements/execute-as-clause-transact-sql)
- [EVENTDATA](https://learn.microsoft.com/sql/t-sql/functions/eventdata-transact-sql)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for module in taint::analyse(context) {
        for sink in module.sinks.iter().filter(|s| s.source() == Source::Caller) {
            let callers = sink.names(Source::Caller);
            // A parameter that is checked on one path and not on another is caller input.
            let stored: Vec<String> = sink
                .names(Source::Stored)
                .into_iter()
                .filter(|name| !callers.contains(name))
                .collect();
            let callers = callers.join(", ");
            let also = if stored.is_empty() {
                String::new()
            } else {
                format!(" (and stored data from {})", stored.join(", "))
            };
            let message = format!(
                "{} runs {} and executes {} built from caller input {callers}{also} without QUOTENAME(): a caller can inject SQL that runs with the module's elevated rights. Pass values to sp_executesql as parameters and wrap names in QUOTENAME().",
                module.object.name,
                module.elevation.label,
                taint::what(sink),
            );
            let mut diagnostic = taint::finding(&RULE.meta, &module, sink, message);
            diagnostic.fix = Some(
                "EXEC sp_executesql N'… WHERE col = @value', N'@value nvarchar(400)', @value = @input;"
                    .to_owned(),
            );
            out.push(diagnostic);
        }
    }
}

#[cfg(test)]
mod tests {
    //! Caller input, its sanitizers and the flow. SQL Server's advice on what makes
    //! dynamic SQL safe is the SQL injection page
    //! (https://learn.microsoft.com/sql/relational-databases/security/sql-injection):
    //! parameters through `sp_executesql`, `QUOTENAME()` for names, and validated input.
    use crate::rules::sql::testing::{self, check};

    /// The related locations of the one finding of `code`, as (line, message).
    fn related(fixture: &str, code: crate::Code) -> (usize, String, Vec<(usize, String)>) {
        let (workspace, _) = testing::load(fixture);
        let findings = testing::findings(&workspace);
        let found: Vec<_> = findings.iter().filter(|d| d.code == code).collect();
        assert_eq!(found.len(), 1, "one finding of {code}: {findings:#?}");
        let finding = found[0];
        let file = workspace.files.get(finding.location.file);
        let line = |offset: usize| file.line_index.line_of(offset) + 1;
        (
            line(finding.location.range.start()),
            finding.message.clone(),
            finding
                .related
                .iter()
                .map(|r| (line(r.location.range.start()), r.message.clone()))
                .collect(),
        )
    }

    #[test]
    fn a_parameter_concatenated_through_a_variable_is_reported_at_the_exec() {
        check(
            "CREATE PROCEDURE dbo.run_report @filter nvarchar(400)\n\
             WITH EXECUTE AS 'report_runner'\n\
             AS\n\
             BEGIN\n\
                 DECLARE @q nvarchar(max) = N'SELECT * FROM dbo.orders WHERE ' + @filter;\n\
                 EXEC sp_executesql @q; --! IMP004: dbo.run_report runs EXECUTE AS 'report_runner' and executes dynamic SQL built from caller input @filter without QUOTENAME(): a caller can inject SQL that runs with the module's elevated rights. Pass values to sp_executesql as parameters and wrap names in QUOTENAME().\n\
             END\n",
        );
    }

    #[test]
    fn the_finding_relates_the_context_the_parameter_and_each_assignment() {
        let (line, message, related) = related(
            "CREATE PROCEDURE dbo.run_report @filter nvarchar(400)\n\
             WITH EXECUTE AS OWNER\n\
             AS\n\
             BEGIN\n\
                 DECLARE @where nvarchar(400) = N' WHERE ' + @filter;\n\
                 DECLARE @q nvarchar(max) = N'SELECT * FROM dbo.orders' + @where;\n\
                 EXEC sp_executesql @q;\n\
             END\n",
            crate::Code::Imp004,
        );
        assert_eq!(line, 7);
        assert!(message.contains("built from caller input @filter without QUOTENAME()"));
        assert_eq!(
            related,
            [
                (2, "dbo.run_report runs EXECUTE AS OWNER here".to_owned()),
                (
                    1,
                    "@filter is a parameter of dbo.run_report: caller input".to_owned()
                ),
                (5, "@where is built from unquoted input here".to_owned()),
                (6, "@q is built from unquoted input here".to_owned()),
            ]
        );
    }

    #[test]
    fn one_finding_per_sink_lists_every_tainted_parameter() {
        check(
            "CREATE PROCEDURE dbo.p @a nvarchar(10), @b nvarchar(10), @c nvarchar(10)\n\
             WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @q nvarchar(max) = N'SELECT ' + @b;\n\
                 SET @q = @q + N', ' + @a + N', ' + QUOTENAME(@c);\n\
                 EXEC (@q); --! IMP004: dbo.p runs EXECUTE AS OWNER and executes dynamic SQL built from caller input @a, @b without QUOTENAME(): a caller can inject SQL that runs with the module's elevated rights. Pass values to sp_executesql as parameters and wrap names in QUOTENAME().\n\
             END\n",
        );
    }

    #[test]
    fn exec_of_a_concatenation_and_a_grown_variable_are_reported() {
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
                 EXEC sp_executesql N'SELECT * FROM dbo.t WHERE name = @n', N'@n sysname', @name;\n\
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

    // A signed module runs with the permissions of the user created from its certificate
    // added to the caller's, its dynamic SQL included
    // (https://learn.microsoft.com/sql/relational-databases/tutorial-signing-stored-procedures-with-a-certificate):
    // injected text runs with them. A counter signature alone adds nothing, and a
    // signature that a later ALTER dropped no longer elevates.
    #[test]
    fn a_signed_module_is_elevated() {
        check(
            "CREATE CERTIFICATE signer WITH SUBJECT = 's';\n\
             GO\n\
             CREATE PROCEDURE dbo.p1 @f nvarchar(100) AS EXEC (N'SELECT ' + @f); --! IMP004: dbo.p1 runs with the signature of certificate signer and executes dynamic SQL built from caller input @f without QUOTENAME(): a caller can inject SQL that runs with the module's elevated rights. Pass values to sp_executesql as parameters and wrap names in QUOTENAME().\n\
             GO\n\
             ADD SIGNATURE TO dbo.p1 BY CERTIFICATE signer;\n\
             GO\n\
             CREATE PROCEDURE dbo.p2 @f nvarchar(100) AS EXEC (N'SELECT ' + @f);\n\
             GO\n\
             ADD COUNTER SIGNATURE TO dbo.p2 BY CERTIFICATE signer;\n\
             GO\n\
             CREATE PROCEDURE dbo.p3 @f nvarchar(100) AS SELECT 1;\n\
             GO\n\
             ADD SIGNATURE TO dbo.p3 BY CERTIFICATE signer;\n\
             GO\n\
             ALTER PROCEDURE dbo.p3 @f nvarchar(100) AS EXEC (N'SELECT ' + @f);\n\
             GO\n",
        );
    }

    // Data types: a value of a number, date, bit or uniqueidentifier type cannot hold SQL
    // text, and converting it to a string gives only digits, dates or a GUID
    // (https://learn.microsoft.com/sql/t-sql/functions/cast-and-convert-transact-sql).
    #[test]
    fn numbers_dates_bits_and_guids_cannot_carry_sql_text() {
        check(
            "CREATE PROCEDURE dbo.top_n @top int, @since AS datetime2, @on bit, @g uniqueidentifier, @who sysname\n\
             WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @limit bigint = @top * 2, @note nvarchar(20) = N'@who int';\n\
                 DECLARE @q nvarchar(max) = N'SELECT TOP (' + CAST(@top AS nvarchar(10)) + N') * FROM dbo.t'\n\
                     + N' WHERE at > ''' + CONVERT(nvarchar(30), @since, 126) + N''' AND n < ' + CAST(@limit AS nvarchar(20))\n\
                     + N' AND g = ''' + CONVERT(char(36), @g) + N''' AND b = ' + CAST(@on AS char(1));\n\
                 EXEC (@q);\n\
                 EXEC (@q + N' AND who = ''' + CAST(@who AS nvarchar(128)) + N''''); --! IMP004\n\
             END\n",
        );
    }

    #[test]
    fn conversion_of_text_to_a_number_type_is_clean_and_to_text_is_not() {
        check(
            "CREATE PROCEDURE dbo.p @n nvarchar(20) WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 EXEC (N'SELECT TOP (' + CONVERT(nvarchar(20), TRY_CAST(@n AS int)) + N') 1');\n\
                 EXEC (N'SELECT TOP (' + CAST(TRY_CONVERT(bigint, @n) AS varchar(20)) + N') 1');\n\
                 EXEC (N'SELECT ''' + CAST(@n AS nvarchar(40)) + N''''); --! IMP004\n\
             END\n",
        );
    }

    // LEN, DATALENGTH, OBJECT_ID and the like return integers
    // (https://learn.microsoft.com/sql/t-sql/functions/len-transact-sql,
    // https://learn.microsoft.com/sql/t-sql/functions/object-id-transact-sql).
    #[test]
    fn functions_that_return_numbers_are_clean_string_functions_keep_taint() {
        check(
            "CREATE PROCEDURE dbo.p @n nvarchar(200) WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 EXEC (N'SELECT ' + CAST(LEN(@n) AS varchar(10)) + N', ' + CONVERT(varchar(10), OBJECT_ID(@n)));\n\
                 DECLARE @c int = DATALENGTH(@n);\n\
                 EXEC (N'SELECT ' + CAST(@c AS varchar(10)) + CAST(@@ROWCOUNT AS varchar(10)));\n\
                 EXEC (N'SELECT ' + UPPER(LTRIM(@n))); --! IMP004\n\
                 EXEC (N'SELECT ' + SUBSTRING(@n, 1, 10)); --! IMP004\n\
                 EXEC (CONCAT(N'SELECT ', LEFT(@n, 5))); --! IMP004\n\
                 EXEC (STUFF(@n, 1, 1, N'')); --! IMP004\n\
                 EXEC (FORMATMESSAGE(N'SELECT %s', @n)); --! IMP004\n\
             END\n",
        );
    }

    // Doubling quotes protects a string literal only: a name spliced into the text needs
    // no quote to break out, which is why the SQL injection page tells names to go
    // through QUOTENAME (https://learn.microsoft.com/sql/t-sql/functions/quotename-transact-sql).
    #[test]
    fn replace_of_quotes_does_not_sanitise_a_name() {
        check(
            "CREATE PROCEDURE dbo.p @t sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @safe sysname = REPLACE(@t, '''', '''''');\n\
                 EXEC (N'DROP TABLE dbo.' + @safe); --! IMP004\n\
                 EXEC (N'DROP TABLE dbo.' + QUOTENAME(@safe));\n\
             END\n",
        );
    }

    // CASE returns one of its result expressions
    // (https://learn.microsoft.com/sql/t-sql/language-elements/case-transact-sql); IIF is
    // a shorthand for CASE (https://learn.microsoft.com/sql/t-sql/functions/logical-functions-iif-transact-sql).
    #[test]
    fn case_iif_and_coalesce_are_clean_when_every_result_is() {
        check(
            "CREATE PROCEDURE dbo.p @on nvarchar(3), @x nvarchar(30) WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 EXEC (N'SET ANSI_NULLS ' + CASE WHEN @on = N'yes' THEN N'ON' ELSE N'OFF' END);\n\
                 EXEC (N'SET ANSI_NULLS ' + CASE @on WHEN N'yes' THEN N'ON' END);\n\
                 EXEC (N'SET ANSI_NULLS ' + IIF(@on = N'yes', N'ON', N'OFF'));\n\
                 EXEC (N'SET ANSI_NULLS ' + COALESCE(NULL, N'ON'));\n\
                 EXEC (N'SET ANSI_NULLS ' + CASE WHEN @on = N'yes' THEN N'ON' ELSE @x END); --! IMP004\n\
                 EXEC (N'SET ANSI_NULLS ' + IIF(@on = N'yes', @x, N'OFF')); --! IMP004\n\
                 EXEC (N'SET ANSI_NULLS ' + ISNULL(@x, N'ON')); --! IMP004\n\
             END\n",
        );
    }

    #[test]
    fn taint_is_judged_at_the_exec_in_statement_order() {
        check(
            "CREATE PROCEDURE dbo.p @f nvarchar(400) WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @sql nvarchar(max) = N'SELECT 1';\n\
                 EXEC (@sql);\n\
                 SET @sql = N'SELECT 1 WHERE ' + @f;\n\
                 EXEC (@sql); --! IMP004\n\
                 SET @sql = N'SELECT 2';\n\
                 EXEC (@sql);\n\
                 SET @f = N'1 = 1';\n\
                 EXEC (N'SELECT 3 WHERE ' + @f);\n\
             END\n",
        );
    }

    #[test]
    fn branches_join_where_they_meet() {
        check(
            "CREATE PROCEDURE dbo.p @f nvarchar(400), @mode int WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @sql nvarchar(max);\n\
                 IF @mode = 1\n\
                     SET @sql = N'SELECT 1';\n\
                 ELSE\n\
                     SET @sql = N'SELECT 1 WHERE ' + @f;\n\
                 EXEC (@sql); --! IMP004\n\
                 IF @mode = 2\n\
                 BEGIN\n\
                     SET @sql = N'SELECT 2';\n\
                     EXEC (@sql);\n\
                 END\n\
                 ELSE\n\
                 BEGIN\n\
                     SET @sql = N'SELECT 3';\n\
                 END\n\
                 EXEC (@sql);\n\
             END\n",
        );
    }

    #[test]
    fn a_branch_that_returns_does_not_reach_the_exec() {
        check(
            "CREATE PROCEDURE dbo.p @f nvarchar(400), @mode int WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @sql nvarchar(max) = N'SELECT 1';\n\
                 IF @mode = 1\n\
                 BEGIN\n\
                     SET @sql = @f;\n\
                     RETURN;\n\
                 END\n\
                 EXEC (@sql);\n\
             END\n",
        );
    }

    #[test]
    fn a_loop_body_is_followed_to_a_fixed_point() {
        check(
            "CREATE PROCEDURE dbo.p @f nvarchar(400) WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @sql nvarchar(max) = N'SELECT 1', @next nvarchar(max) = N'SELECT 2', @i int = 0;\n\
                 WHILE @i < 3\n\
                 BEGIN\n\
                     EXEC (@sql); --! IMP004\n\
                     SET @sql = @next;\n\
                     SET @next = @f;\n\
                     SET @i += 1;\n\
                 END\n\
                 DECLARE @done nvarchar(max) = N'SELECT 3';\n\
                 WHILE 1 = 1\n\
                 BEGIN\n\
                     EXEC (@done);\n\
                     IF @i > 5 BREAK;\n\
                     SET @done = N'SELECT 4';\n\
                 END\n\
             END\n",
        );
    }

    #[test]
    fn a_catch_block_starts_from_any_state_of_its_try_block() {
        check(
            "CREATE PROCEDURE dbo.p @f nvarchar(400) WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @sql nvarchar(max) = N'SELECT 1';\n\
                 BEGIN TRY\n\
                     SET @sql = N'SELECT ' + @f;\n\
                     SET @sql = N'SELECT 2';\n\
                 END TRY\n\
                 BEGIN CATCH\n\
                     EXEC (@sql); --! IMP004\n\
                 END CATCH\n\
                 EXEC (@sql); --! IMP004\n\
             END\n",
        );
    }

    // An IF that returns when the value is outside a list leaves only the listed literals
    // (https://learn.microsoft.com/sql/t-sql/language-elements/in-transact-sql,
    // https://learn.microsoft.com/sql/t-sql/language-elements/return-transact-sql).
    #[test]
    fn a_parameter_checked_against_a_literal_list_is_clean() {
        check(
            "CREATE PROCEDURE dbo.p1 @t sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 IF @t NOT IN (N'orders', N'customers') RETURN;\n\
                 EXEC (N'TRUNCATE TABLE dbo.' + @t);\n\
             END\n\
             GO\n\
             CREATE PROCEDURE dbo.p2 @t sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @sql nvarchar(200) = N'TRUNCATE TABLE dbo.' + @t;\n\
                 IF @t NOT IN (N'orders', N'customers')\n\
                 BEGIN\n\
                     RAISERROR(N'unknown table', 16, 1);\n\
                     RETURN;\n\
                 END\n\
                 EXEC (@sql);\n\
             END\n\
             GO\n\
             CREATE PROCEDURE dbo.p3 @t sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 IF @t IN (N'orders', N'customers')\n\
                 BEGIN\n\
                     EXEC (N'TRUNCATE TABLE dbo.' + @t);\n\
                 END\n\
                 EXEC (N'TRUNCATE TABLE dbo.' + @t); --! IMP004\n\
             END\n\
             GO\n\
             CREATE PROCEDURE dbo.p4 @t sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 IF @t <> N'orders' AND @t <> N'customers' THROW 50000, N'unknown table', 1;\n\
                 EXEC (N'TRUNCATE TABLE dbo.' + @t);\n\
             END\n\
             GO\n",
        );
    }

    // RAISERROR with a severity from 11 to 19 transfers control to the CATCH block inside
    // TRY, and lets the batch go on outside one; 20 and more end the connection
    // (https://learn.microsoft.com/sql/t-sql/language-elements/raiserror-transact-sql,
    // https://learn.microsoft.com/sql/t-sql/language-elements/try-catch-transact-sql).
    #[test]
    fn raiserror_leaves_a_try_block_and_nothing_else_below_severity_20() {
        check(
            "CREATE PROCEDURE dbo.p1 @t sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN TRY\n\
                 IF @t NOT IN (N'a', N'b') RAISERROR(N'no', 16, 1);\n\
                 EXEC (N'DROP TABLE dbo.' + @t);\n\
             END TRY\n\
             BEGIN CATCH\n\
                 THROW;\n\
             END CATCH\n\
             GO\n\
             CREATE PROCEDURE dbo.p2 @t sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 IF @t NOT IN (N'a', N'b') RAISERROR(N'no', 16, 1);\n\
                 EXEC (N'DROP TABLE dbo.' + @t); --! IMP004\n\
             END\n\
             GO\n\
             CREATE PROCEDURE dbo.p3 @t sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 IF @t NOT IN (N'a', N'b') RAISERROR(N'no', 20, 1) WITH LOG;\n\
                 EXEC (N'DROP TABLE dbo.' + @t);\n\
             END\n\
             GO\n\
             CREATE PROCEDURE dbo.p4 @t sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN TRY\n\
                 IF @t NOT IN (N'a', N'b') RAISERROR(N'just a message', 10, 1);\n\
                 EXEC (N'DROP TABLE dbo.' + @t); --! IMP004\n\
             END TRY\n\
             BEGIN CATCH\n\
                 THROW;\n\
             END CATCH\n\
             GO\n",
        );
    }

    // A check on one path only: the message names the parameter once, as caller input.
    #[test]
    fn a_parameter_checked_on_one_path_only_is_named_once() {
        check(
            "CREATE PROCEDURE dbo.p @t sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 IF OBJECT_ID(@t) IS NULL RAISERROR(N'missing', 16, 1);\n\
                 EXEC (N'DROP TABLE ' + @t); --! IMP004: dbo.p runs EXECUTE AS OWNER and executes dynamic SQL built from caller input @t without QUOTENAME(): a caller can inject SQL that runs with the module's elevated rights. Pass values to sp_executesql as parameters and wrap names in QUOTENAME().\n\
             END\n",
        );
    }

    #[test]
    fn a_check_that_does_not_leave_keeps_the_parameter_tainted() {
        check(
            "CREATE PROCEDURE dbo.p1 @t sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 IF @t NOT IN (N'orders', N'customers') PRINT N'unknown';\n\
                 EXEC (N'TRUNCATE TABLE dbo.' + @t); --! IMP004\n\
             END\n\
             GO\n\
             CREATE PROCEDURE dbo.p2 @t sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 IF @t NOT IN (N'orders', @t) RETURN;\n\
                 EXEC (N'TRUNCATE TABLE dbo.' + @t); --! IMP004\n\
             END\n\
             GO\n",
        );
    }

    // EVENTDATA() returns the event's XML, which holds the caller's own statement and the
    // names it chose (https://learn.microsoft.com/sql/t-sql/functions/eventdata-transact-sql);
    // value() reads a node of it as the SQL type its second argument names
    // (https://learn.microsoft.com/sql/t-sql/xml/value-method-xml-data-type).
    #[test]
    fn eventdata_and_xml_methods_on_parameters_are_caller_input() {
        check(
            "CREATE TRIGGER audit_ddl ON DATABASE WITH EXECUTE AS 'auditor' FOR CREATE_TABLE AS\n\
             BEGIN\n\
                 DECLARE @event xml = EVENTDATA();\n\
                 DECLARE @name sysname = @event.value('(/EVENT_INSTANCE/ObjectName)[1]', 'sysname');\n\
                 EXEC (N'GRANT SELECT ON dbo.' + @name + N' TO auditors'); --! IMP004\n\
                 DECLARE @id int = @event.value('(/EVENT_INSTANCE/SPID)[1]', 'int');\n\
                 EXEC (N'SELECT ' + CAST(@id AS varchar(10)));\n\
                 EXEC (N'SELECT ' + CAST(@event.value('(/EVENT_INSTANCE/SPID)[1]', 'int') AS varchar(10)));\n\
                 EXEC (N'SELECT ' + CAST(@event.query('/EVENT_INSTANCE/TSQLCommand') AS nvarchar(max))); --! IMP004\n\
             END\n\
             GO\n\
             CREATE PROCEDURE dbo.p @doc xml WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @t nvarchar(128) = @doc.value('(/t)[1]', 'nvarchar(128)');\n\
                 EXEC (N'DROP TABLE dbo.' + @t); --! IMP004\n\
                 EXEC (N'SELECT ' + CAST(@doc.value('(/n)[1]', 'int') AS varchar(10)));\n\
             END\n\
             GO\n",
        );
    }

    // EXECUTE @module_name_var runs the procedure the variable names
    // (https://learn.microsoft.com/sql/t-sql/language-elements/execute-transact-sql).
    #[test]
    fn exec_of_a_procedure_named_by_a_tainted_variable_is_reported() {
        check(
            "CREATE PROCEDURE dbo.p @proc nvarchar(300), @arg int WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 EXEC @proc @arg; --! IMP004: dbo.p runs EXECUTE AS OWNER and executes the procedure named by @proc built from caller input @proc without QUOTENAME(): a caller can inject SQL that runs with the module's elevated rights. Pass values to sp_executesql as parameters and wrap names in QUOTENAME().\n\
                 DECLARE @fixed sysname = N'dbo.cleanup';\n\
                 EXEC @fixed @arg;\n\
             END\n",
        );
    }

    // EXEC @module_name_var with the name of sp_executesql runs its @stmt like
    // sp_executesql itself (https://learn.microsoft.com/sql/t-sql/language-elements/execute-transact-sql).
    #[test]
    fn sp_executesql_through_a_procedure_variable_judges_its_statement() {
        check(
            "CREATE PROCEDURE dbo.run @db sysname, @command nvarchar(max) WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @sp_executesql nvarchar(300) = QUOTENAME(@db) + N'.sys.sp_executesql';\n\
                 EXEC @sp_executesql @stmt = @command; --! IMP004\n\
                 EXEC @sp_executesql @command; --! IMP004\n\
                 EXEC @sp_executesql @stmt = N'SELECT 1';\n\
                 EXEC @sp_executesql N'SELECT @n', N'@n nvarchar(max)', @n = @command;\n\
             END\n",
        );
    }

    // `integer` is a synonym of int
    // (https://learn.microsoft.com/sql/t-sql/data-types/int-bigint-smallint-and-tinyint-transact-sql).
    #[test]
    fn type_synonyms_are_clean_types() {
        check(
            "CREATE PROCEDURE dbo.kill_one @session integer WITH EXECUTE AS OWNER AS\n\
                 EXEC (N'KILL ' + CONVERT(nvarchar(10), @session));\n\
             GO\n",
        );
    }

    #[test]
    fn caller_input_and_stored_data_in_one_sink_is_imp004_only() {
        let (line, message, related) = related(
            "CREATE PROCEDURE dbo.p @filter nvarchar(400) WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @t sysname;\n\
                 SELECT TOP (1) @t = name FROM sys.tables;\n\
                 EXEC (N'SELECT * FROM ' + @t + N' WHERE ' + @filter);\n\
             END\n",
            crate::Code::Imp004,
        );
        assert_eq!(line, 5);
        assert_eq!(
            message,
            "dbo.p runs EXECUTE AS OWNER and executes dynamic SQL built from caller input @filter (and stored data from name) without QUOTENAME(): a caller can inject SQL that runs with the module's elevated rights. Pass values to sp_executesql as parameters and wrap names in QUOTENAME()."
        );
        assert_eq!(
            related,
            [
                (1, "dbo.p runs EXECUTE AS OWNER here".to_owned()),
                (
                    1,
                    "@filter is a parameter of dbo.p: caller input".to_owned()
                ),
                (
                    4,
                    "name is read from a table or catalog view here".to_owned()
                ),
                (4, "@t is built from unquoted input here".to_owned()),
            ]
        );
    }
}
