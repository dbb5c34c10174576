//! IMP005 cross-database-ownership-chaining: `DB_CHAINING ON`, `<DBChainingOn>True`, or
//! `sp_configure 'cross db ownership chaining', 1`.

use syntax::ast::StatementKind;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::clr::is_true;
use crate::rules::walk;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Imp005,
        name: "cross-database-ownership-chaining",
        severity: Severity::Warning,
        summary: "Cross-database ownership chaining is turned on",
        doc: r#"## What it does
Reports `ALTER DATABASE … SET DB_CHAINING ON`, a `<DBChainingOn>True</DBChainingOn>`
property in the `.sqlproj`, and `sp_configure 'cross db ownership chaining', 1` (in any
spelling).

## Why is this bad?
With cross-database ownership chaining, a module in one database reaches objects in
another without any permission check whenever both are owned by the same login. Anyone
who can create objects in one database (a `db_owner`, or a member of `db_ddladmin`) can
then read and change data in every other chained database with the same owner, and
`sp_configure` turns it on for every database on the server.

## Example
```sql
ALTER DATABASE CURRENT SET DB_CHAINING ON;
```

## How to fix
Leave cross-database ownership chaining off. Grant the permissions a cross-database call
needs to the caller, or sign the module with a certificate and create a user from the
same certificate in the other database with only the permissions it needs.

## References
- [Server configuration: cross db ownership chaining](https://learn.microsoft.com/sql/database-engine/configure-windows/cross-db-ownership-chaining-server-configuration-option)
- [ALTER DATABASE SET options](https://learn.microsoft.com/sql/t-sql/statements/alter-database-transact-sql-set-options)
- [Ownership chains](https://learn.microsoft.com/sql/relational-databases/security/ownership-chains)
"#,
    },
    check,
};

const ADVICE: &str = "Leave it off, and grant the cross-database permissions to the callers or sign the module with a certificate instead.";

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for stmt in walk::statements(context) {
        if let StatementKind::AlterDatabaseSet(alter) = &stmt.statement.kind {
            let database = alter
                .database
                .as_ref()
                .map_or("CURRENT", |d| d.value.as_str());
            for option in &alter.options {
                if option.name == "DB_CHAINING" && option.value == "ON" {
                    out.push(walk::with_fix(
                        walk::finding(
                            &RULE.meta,
                            stmt.file,
                            option.range,
                            format!(
                                "ALTER DATABASE {database} sets DB_CHAINING ON: modules in other databases with the same owner then reach its objects without any permission check. {ADVICE}"
                            ),
                        ),
                        format!("ALTER DATABASE {database} SET DB_CHAINING OFF;"),
                    ));
                }
            }
        }
        if let Some(call) = walk::sp_configure(stmt.statement)
            && call.option == "cross db ownership chaining"
            && call.value == Some(1)
        {
            out.push(walk::with_fix(
                walk::finding(
                    &RULE.meta,
                    stmt.file,
                    stmt.statement.range,
                    format!(
                        "sp_configure turns 'cross db ownership chaining' on for every database on the server: modules then reach objects in other databases with the same owner without any permission check. {ADVICE}"
                    ),
                ),
                "EXEC sp_configure 'cross db ownership chaining', 0;\nRECONFIGURE;",
            ));
        }
    }
    if let Some(property) = context.project.properties.get("DBChainingOn")
        && is_true(&property.value)
    {
        out.push(walk::with_fix(
            walk::finding(
                &RULE.meta,
                property.location.file,
                property.location.range,
                format!(
                    "The project deploys the database with <DBChainingOn>{}</DBChainingOn>: modules in other databases with the same owner then reach its objects without any permission check. {ADVICE}",
                    property.value
                ),
            ),
            "<DBChainingOn>False</DBChainingOn>",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::testing::check;

    #[test]
    fn database_chaining_is_reported() {
        check(
            "ALTER DATABASE CURRENT SET DB_CHAINING ON; --! IMP005: ALTER DATABASE CURRENT sets DB_CHAINING ON: modules in other databases with the same owner then reach its objects without any permission check. Leave it off, and grant the cross-database permissions to the callers or sign the module with a certificate instead.\n\
             alter database [$(DatabaseName)] set db_chaining on; --! IMP005\n\
             ALTER DATABASE CURRENT SET DB_CHAINING OFF;\n",
        );
    }

    #[test]
    fn server_wide_chaining_is_reported_in_every_spelling() {
        check(
            "EXEC sp_configure 'cross db ownership chaining', 1; --! IMP005\n\
             EXEC sys.sp_configure @configname = N'Cross DB Ownership Chaining', @configvalue = 1; --! IMP005\n\
             EXEC sp_configure 'ownership chaining', '1'; --! IMP005\n\
             EXEC sp_configure 'cross db ownership chaining', 0;\n",
        );
    }

    #[test]
    fn the_chaining_property_is_reported_at_its_element() {
        check(
            "=== file: Db.sqlproj\n\
             <Project Sdk=\"Microsoft.Build.Sql\"><PropertyGroup>\n\
             <DBChainingOn>True</DBChainingOn> --! IMP005\n\
             </PropertyGroup></Project>\n",
        );
    }
}
