//! IMP009 elevated-dynamic-sql-from-stored-data: a module with `EXECUTE AS` other than
//! `CALLER` runs dynamic SQL whose unquoted text comes from stored data (a table, a
//! catalog view, a cursor or a table variable filled from one) and from no caller input.
//!
//! The data flow is [`super::taint`]'s; a sink that also holds caller input is IMP004's.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

use super::taint::{self, Source};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Imp009,
        name: "elevated-dynamic-sql-from-stored-data",
        severity: Severity::Warning,
        summary: "A module with EXECUTE AS runs dynamic SQL built from unquoted stored data",
        doc: r#"## What it does
Reports `EXEC (…)`, `sp_executesql` with a statement that is not a literal, and `EXEC
@procedure_name` in a procedure, function or trigger declared `WITH EXECUTE AS OWNER`,
`SELF` or `'name'`, or signed (`ADD SIGNATURE`), when the text that runs holds stored data not wrapped in
`QUOTENAME()`, and no caller input (that is IMP004). Stored data is a value read from a
table or a catalog view: `SELECT @n = name FROM sys.tables`, a column concatenated in a
`SELECT`, `FETCH … INTO` from a cursor over a query, a subquery, a table variable or
temporary table filled from a query, a function that reads the catalog
(`OBJECT_NAME()`), and a parameter once it has been checked to name an existing object
(`IF OBJECT_ID(@p) IS NULL RETURN`).

The text is judged where it runs, in statement order, with the same clean values as
IMP004: literals, `QUOTENAME()`, numbers, dates, bits and GUIDs, and `CASE`/`IIF`
whose results are all clean. Brackets written around a name (`N'[' + name + N']'`) do
not make it clean: a name that contains `]` closes them.

## Why is this bad?
This is second-order SQL injection. The text was not typed by the caller, but someone
put it in the database: whoever can create a table, a user or a row with a crafted name
(`x]; DROP USER u; --`) has it run with the module's elevated rights the next time the
module runs. The risk depends on who can create such objects or rows, which is why this
is a warning, not an error.

## Example
```sql
CREATE PROCEDURE dbo.rebuild_all
WITH EXECUTE AS OWNER
AS
BEGIN
    DECLARE @name sysname;
    DECLARE tables CURSOR LOCAL FOR SELECT name FROM sys.tables;
    OPEN tables;
    FETCH NEXT FROM tables INTO @name;
    WHILE @@FETCH_STATUS = 0
    BEGIN
        EXEC (N'ALTER INDEX ALL ON dbo.' + @name + N' REBUILD;');
        FETCH NEXT FROM tables INTO @name;
    END
    CLOSE tables;
    DEALLOCATE tables;
END
```

## How to fix
Wrap every name in `QUOTENAME()` (`N'ALTER INDEX ALL ON dbo.' + QUOTENAME(@name)`), and
pass values to `sp_executesql` as parameters. Drop `EXECUTE AS` when the module does not
need it (sign the module with a certificate instead).

## References
- [SQL injection](https://learn.microsoft.com/sql/relational-databases/security/sql-injection)
- [QUOTENAME](https://learn.microsoft.com/sql/t-sql/functions/quotename-transact-sql)
- [sp_executesql](https://learn.microsoft.com/sql/relational-databases/system-stored-procedures/sp-executesql-transact-sql)
- [EXECUTE AS clause](https://learn.microsoft.com/sql/t-sql/statements/execute-as-clause-transact-sql)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for module in taint::analyse(context) {
        for sink in module.sinks.iter().filter(|s| s.source() == Source::Stored) {
            let message = format!(
                "{} runs {} and executes {} built from stored data {} without QUOTENAME(): whoever can create an object or a row with a crafted name runs SQL with the module's elevated rights (second-order injection). Wrap names in QUOTENAME() and pass values to sp_executesql as parameters.",
                module.object.name,
                module.elevation.label,
                taint::what(sink),
                sink.names(Source::Stored).join(", "),
            );
            let mut diagnostic = taint::finding(&RULE.meta, &module, sink, message);
            diagnostic.fix = Some("N'… ' + QUOTENAME(@name) + N' …'".to_owned());
            out.push(diagnostic);
        }
    }
}

#[cfg(test)]
mod tests {
    //! Stored data: values read from tables and catalog views. A name in the catalog is
    //! whatever its creator typed, `]` and `;` included; the SQL injection page warns of
    //! text stored first and run later
    //! (https://learn.microsoft.com/sql/relational-databases/security/sql-injection).
    use crate::rules::sql::testing::{self, check};

    #[test]
    fn a_variable_selected_from_the_catalog_is_stored_data() {
        check(
            "CREATE PROCEDURE dbo.cleanup WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @t sysname;\n\
                 SELECT @t = name FROM sys.tables WHERE name LIKE N'tmp%';\n\
                 EXEC (N'DROP TABLE ' + @t); --! IMP009: dbo.cleanup runs EXECUTE AS OWNER and executes dynamic SQL built from stored data name without QUOTENAME(): whoever can create an object or a row with a crafted name runs SQL with the module's elevated rights (second-order injection). Wrap names in QUOTENAME() and pass values to sp_executesql as parameters.\n\
                 EXEC (N'DROP TABLE ' + QUOTENAME(@t));\n\
             END\n",
        );
    }

    #[test]
    fn a_subquery_and_a_scalar_select_from_a_table_are_stored_data() {
        check(
            "CREATE PROCEDURE dbo.p @top int WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 EXEC (N'SELECT ' + (SELECT TOP (1) name FROM dbo.t WHERE id = @top)); --! IMP009\n\
                 DECLARE @c nvarchar(200) = (SELECT TOP (1) command FROM dbo.queue);\n\
                 EXEC (@c); --! IMP009\n\
                 DECLARE @q nvarchar(200) = (SELECT TOP (1) QUOTENAME(name) FROM sys.tables);\n\
                 EXEC (N'DROP TABLE ' + @q);\n\
                 DECLARE @all nvarchar(max) = STUFF((SELECT N',' + QUOTENAME(name) FROM sys.columns FOR XML PATH('')), 1, 1, N'');\n\
                 EXEC (N'SELECT ' + @all + N' FROM dbo.t');\n\
                 SET @all = STUFF((SELECT N',' + name FROM sys.columns FOR XML PATH('')), 1, 1, N'');\n\
                 EXEC (N'SELECT ' + @all + N' FROM dbo.t'); --! IMP009\n\
             END\n",
        );
    }

    // Wide World Importers builds index maintenance this way, under EXECUTE AS OWNER: the
    // text concatenates catalog columns in brackets, which a name holding `]` closes.
    #[test]
    fn columns_concatenated_in_a_select_are_stored_data() {
        check(
            "CREATE PROCEDURE dbo.rebuild WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @SQL nvarchar(max) = N'';\n\
                 SELECT @SQL += N'ALTER INDEX [' + i.name + N'] ON [' + o.name + N'] REBUILD;'\n\
                 FROM sys.indexes i JOIN sys.tables o ON i.object_id = o.object_id;\n\
                 EXECUTE (@SQL); --! IMP009\n\
                 DECLARE @ok nvarchar(max) = N'';\n\
                 SELECT @ok += N'ALTER INDEX ' + QUOTENAME(i.name) + N' ON ' + QUOTENAME(o.name) + N' REBUILD;'\n\
                 FROM sys.indexes i JOIN sys.tables o ON i.object_id = o.object_id;\n\
                 EXECUTE (@ok);\n\
             END\n",
        );
    }

    // FETCH … INTO assigns the cursor's current row to the variables, column by column
    // (https://learn.microsoft.com/sql/t-sql/language-elements/fetch-transact-sql).
    #[test]
    fn a_cursor_over_the_catalog_is_stored_data_column_by_column() {
        let fixture = "CREATE PROCEDURE dbo.rebuild_all WITH EXECUTE AS 'maintenance' AS\n\
             BEGIN\n\
                 DECLARE @name sysname, @id int, @sql nvarchar(max);\n\
                 DECLARE tables CURSOR LOCAL FAST_FORWARD FOR SELECT name, object_id FROM sys.tables;\n\
                 OPEN tables;\n\
                 FETCH NEXT FROM tables INTO @name, @id;\n\
                 WHILE @@FETCH_STATUS = 0\n\
                 BEGIN\n\
                     SET @sql = N'ALTER INDEX ALL ON dbo.' + @name + N' REBUILD;';\n\
                     EXEC (@sql); --! IMP009\n\
                     EXEC (N'SELECT ' + CAST(@id AS varchar(10)));\n\
                     EXEC (N'UPDATE STATISTICS dbo.' + QUOTENAME(@name));\n\
                     FETCH NEXT FROM tables INTO @name, @id;\n\
                 END\n\
                 CLOSE tables;\n\
                 DEALLOCATE tables;\n\
             END\n";
        check(fixture);
        let (workspace, _) = testing::load(fixture);
        let findings = testing::findings(&workspace);
        let finding = findings
            .iter()
            .find(|d| d.code == crate::Code::Imp009)
            .expect("IMP009");
        let file = workspace.files.get(finding.location.file);
        let related: Vec<(usize, &str)> = finding
            .related
            .iter()
            .map(|r| {
                (
                    file.line_index.line_of(r.location.range.start()) + 1,
                    r.message.as_str(),
                )
            })
            .collect();
        assert_eq!(
            related,
            [
                (1, "dbo.rebuild_all runs EXECUTE AS 'maintenance' here"),
                (6, "@name is fetched from a cursor over stored data here"),
                (6, "@name is built from unquoted input here"),
                (9, "@sql is built from unquoted input here"),
                (13, "@name is fetched from a cursor over stored data here"),
                (13, "@name is built from unquoted input here"),
            ]
        );
    }

    #[test]
    fn a_table_variable_filled_from_a_query_and_read_back_is_stored_data() {
        check(
            "CREATE PROCEDURE dbo.p WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @names TABLE (name sysname);\n\
                 INSERT @names (name) SELECT name FROM sys.schemas;\n\
                 DECLARE @s sysname;\n\
                 SELECT TOP (1) @s = name FROM @names;\n\
                 EXEC (N'DROP SCHEMA ' + @s); --! IMP009\n\
                 DECLARE c CURSOR FOR SELECT name FROM @names;\n\
                 OPEN c;\n\
                 FETCH c INTO @s;\n\
                 EXEC (N'DROP SCHEMA ' + @s); --! IMP009\n\
             END\n",
        );
    }

    // OBJECT_ID returns NULL for a name that is not an object of the database
    // (https://learn.microsoft.com/sql/t-sql/functions/object-id-transact-sql): past the
    // check, the parameter names an existing object, which someone created.
    #[test]
    fn a_parameter_checked_for_existence_becomes_stored_data() {
        check(
            "CREATE PROCEDURE dbo.p1 @t sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 IF OBJECT_ID(@t) IS NULL RETURN;\n\
                 EXEC (N'TRUNCATE TABLE ' + @t); --! IMP009\n\
             END\n\
             GO\n\
             CREATE PROCEDURE dbo.p2 @t sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 IF NOT EXISTS (SELECT 1 FROM sys.tables WHERE name = @t)\n\
                 BEGIN\n\
                     RAISERROR(N'no such table', 16, 1);\n\
                     RETURN;\n\
                 END\n\
                 EXEC (N'TRUNCATE TABLE ' + @t); --! IMP009\n\
             END\n\
             GO\n\
             CREATE PROCEDURE dbo.p3 @t sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 IF EXISTS (SELECT 1 FROM sys.tables WHERE name = @t)\n\
                     EXEC (N'TRUNCATE TABLE ' + @t); --! IMP009\n\
                 IF OBJECT_ID(@t, N'U') IS NOT NULL\n\
                 BEGIN\n\
                     EXEC (N'TRUNCATE TABLE ' + @t); --! IMP009\n\
                 END\n\
                 EXEC (N'TRUNCATE TABLE ' + @t); --! IMP004\n\
             END\n\
             GO\n",
        );
    }

    // The same proof, made indirectly: a value looked up in the catalog by the parameter
    // is not NULL only when a row matched (a comparison with NULL is never true:
    // https://learn.microsoft.com/sql/t-sql/language-elements/null-and-unknown-transact-sql),
    // and a table variable filled by such a lookup has rows only when objects matched
    // (https://learn.microsoft.com/sql/t-sql/language-elements/exists-transact-sql). Past
    // `IF @found = 0` or inside `WHILE EXISTS (SELECT * FROM @t)`, the parameter names an
    // existing object. Before the test, and on the path where it failed, it is still
    // caller input. A `LIKE @t + '…'` match counts too: the pattern's own characters must
    // be the name's, and its wildcards stay inside the identifier they are written in.
    #[test]
    fn a_parameter_proved_by_a_catalog_lookup_becomes_stored_data() {
        check(
            "CREATE PROCEDURE dbo.p1 @t sysname, @i sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @disabled bit, @sql nvarchar(max);\n\
                 SET @disabled = (SELECT is_disabled FROM sys.indexes WHERE object_id = OBJECT_ID(@t) AND name = @i);\n\
                 EXEC (N'ALTER INDEX ALL ON ' + @t + N' REBUILD'); --! IMP004\n\
                 IF @disabled = 0\n\
                 BEGIN\n\
                     SET @sql = N'ALTER INDEX ' + @i + N' ON ' + @t + N' DISABLE';\n\
                     EXEC (@sql); --! IMP009\n\
                 END\n\
                 ELSE\n\
                     EXEC (N'ALTER INDEX ALL ON ' + @t + N' REBUILD'); --! IMP004\n\
                 IF @disabled IS NOT NULL\n\
                     EXEC (N'ALTER INDEX ALL ON ' + @t + N' REBUILD'); --! IMP009\n\
             END\n\
             GO\n\
             CREATE PROCEDURE dbo.p2 @t sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @indexes TABLE (id int, name sysname);\n\
                 DECLARE @copy TABLE (id int, name sysname);\n\
                 DECLARE @other TABLE (id int);\n\
                 INSERT INTO @indexes SELECT index_id, name FROM sys.indexes WHERE object_id = OBJECT_ID(@t);\n\
                 INSERT INTO @copy SELECT id, name FROM @indexes;\n\
                 INSERT INTO @other SELECT 1;\n\
                 WHILE EXISTS (SELECT * FROM @copy)\n\
                 BEGIN\n\
                     EXEC (N'UPDATE STATISTICS ' + @t); --! IMP009\n\
                     DELETE FROM @copy;\n\
                 END\n\
                 IF EXISTS (SELECT * FROM @other)\n\
                     EXEC (N'UPDATE STATISTICS ' + @t); --! IMP004\n\
             END\n\
             GO\n\
             CREATE PROCEDURE dbo.p3 @t sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @parts TABLE (id int);\n\
                 INSERT INTO @parts SELECT object_id FROM sys.objects WHERE name LIKE @t + '[_]%';\n\
                 IF EXISTS (SELECT * FROM @parts)\n\
                     EXEC (N'DROP TABLE dbo.' + @t + N'_1'); --! IMP009\n\
             END\n\
             GO\n",
        );
    }

    #[test]
    fn an_existence_check_that_does_not_leave_keeps_caller_input() {
        check(
            "CREATE PROCEDURE dbo.p1 @t sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 IF OBJECT_ID(@t) IS NULL PRINT N'missing';\n\
                 EXEC (N'TRUNCATE TABLE ' + @t); --! IMP004\n\
             END\n\
             GO\n\
             CREATE PROCEDURE dbo.p2 @t sysname WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 IF NOT EXISTS (SELECT 1 FROM sys.tables WHERE name LIKE @t) RETURN;\n\
                 EXEC (N'TRUNCATE TABLE ' + @t); --! IMP004\n\
             END\n\
             GO\n",
        );
    }

    // SCHEMA_NAME and OBJECT_NAME return the catalog's name for an id
    // (https://learn.microsoft.com/sql/t-sql/functions/schema-name-transact-sql): the
    // name is stored data, the id is not part of it.
    #[test]
    fn catalog_name_functions_are_stored_data_and_their_ids_are_not_named() {
        check(
            "CREATE PROCEDURE dbo.p WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @sql nvarchar(max) = N'';\n\
                 SELECT @sql += N'DROP TABLE ' + SCHEMA_NAME(t.schema_id) + N'.' + QUOTENAME(t.name) + N';' FROM sys.tables t;\n\
                 EXEC (@sql); --! IMP009: dbo.p runs EXECUTE AS OWNER and executes dynamic SQL built from stored data SCHEMA_NAME() without QUOTENAME(): whoever can create an object or a row with a crafted name runs SQL with the module's elevated rights (second-order injection). Wrap names in QUOTENAME() and pass values to sp_executesql as parameters.\n\
                 SET @sql = N'';\n\
                 SELECT @sql += N'DROP TABLE ' + QUOTENAME(SCHEMA_NAME(t.schema_id)) + N'.' + QUOTENAME(t.name) + N';' FROM sys.tables t;\n\
                 EXEC (@sql);\n\
             END\n",
        );
    }

    // The catalog views' ids, lengths and flags are numbers and bits
    // (https://learn.microsoft.com/sql/relational-databases/system-catalog-views/sys-columns-transact-sql),
    // and SERVERPROPERTY returns the server's configuration
    // (https://learn.microsoft.com/sql/t-sql/functions/serverproperty-transact-sql).
    #[test]
    fn numeric_catalog_columns_and_server_properties_are_clean() {
        check(
            "CREATE PROCEDURE dbo.p WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @sql nvarchar(max) = N'';\n\
                 SELECT @sql += N'DBCC CHECKTABLE (' + CONVERT(nvarchar(20), t.object_id) + N') -- '\n\
                     + CONVERT(nvarchar(10), c.max_length) + CONVERT(nvarchar(10), c.is_nullable)\n\
                 FROM sys.tables t JOIN sys.columns c ON c.object_id = t.object_id;\n\
                 EXEC (@sql);\n\
                 EXEC (N'PRINT ' + CONVERT(nvarchar(128), SERVERPROPERTY('ProductVersion')));\n\
                 SELECT @sql += N'PRINT ' + c.name FROM sys.columns c;\n\
                 EXEC (@sql); --! IMP009\n\
             END\n",
        );
    }

    #[test]
    fn stored_data_reassigned_from_a_literal_is_clean() {
        check(
            "CREATE PROCEDURE dbo.p WITH EXECUTE AS OWNER AS\n\
             BEGIN\n\
                 DECLARE @t sysname;\n\
                 SELECT @t = name FROM sys.tables;\n\
                 SET @t = N'fixed';\n\
                 EXEC (N'DROP TABLE ' + @t);\n\
             END\n",
        );
    }

    #[test]
    fn caller_context_is_not_reported() {
        check(
            "CREATE PROCEDURE dbo.p AS\n\
             BEGIN\n\
                 DECLARE @t sysname;\n\
                 SELECT @t = name FROM sys.tables;\n\
                 EXEC (N'DROP TABLE ' + @t);\n\
             END\n",
        );
    }
}
