//! CLR003 trustworthy-database: `ALTER DATABASE … SET TRUSTWORTHY ON` or
//! `<Trustworthy>True</Trustworthy>`.

use syntax::ast::StatementKind;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::walk;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Clr003,
        name: "trustworthy-database",
        severity: Severity::Warning,
        summary: "The database is marked TRUSTWORTHY",
        doc: r#"## What it does
Reports `ALTER DATABASE … SET TRUSTWORTHY ON` and a `<Trustworthy>True</Trustworthy>`
property in the `.sqlproj`.

## Why is this bad?
In a TRUSTWORTHY database, the server trusts whatever the database contains: any
assembly may be loaded with EXTERNAL_ACCESS or UNSAFE, and any module that runs as the
database owner (for example `WITH EXECUTE AS OWNER`) acts at server scope with the
owner's login. When the owner is a sysadmin, anyone who can create or alter such a module
becomes sysadmin. A database restored or attached from elsewhere brings its content along.

## Example
```sql
ALTER DATABASE CURRENT SET TRUSTWORTHY ON;
```

## How to fix
Leave TRUSTWORTHY OFF. Sign the assembly (or the module) with a certificate or
asymmetric key, create a login from that key in `master`, and grant that login only
`UNSAFE ASSEMBLY` (or the server permission the module needs).

## References
- [TRUSTWORTHY database property](https://learn.microsoft.com/sql/relational-databases/security/trustworthy-database-property)
- [ALTER DATABASE SET options](https://learn.microsoft.com/sql/t-sql/statements/alter-database-transact-sql-set-options)
- [Server configuration: clr strict security](https://learn.microsoft.com/sql/database-engine/configure-windows/clr-strict-security)
"#,
    },
    check,
};

const ADVICE: &str = "sign the assembly with a certificate or asymmetric key and grant UNSAFE ASSEMBLY to a login created from that key instead.";

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for stmt in walk::statements(context) {
        let StatementKind::AlterDatabaseSet(alter) = &stmt.statement.kind else {
            continue;
        };
        let database = alter
            .database
            .as_ref()
            .map_or("CURRENT", |d| d.value.as_str());
        for option in &alter.options {
            if option.name == "TRUSTWORTHY" && option.value == "ON" {
                out.push(walk::with_fix(
                    walk::finding(
                        &RULE.meta,
                        stmt.file,
                        option.range,
                        format!(
                            "ALTER DATABASE {database} sets TRUSTWORTHY ON: the server then trusts every assembly and every module that runs as the database owner in it, up to server scope. Leave TRUSTWORTHY OFF and {ADVICE}"
                        ),
                    ),
                    format!("ALTER DATABASE {database} SET TRUSTWORTHY OFF;"),
                ));
            }
        }
    }
    if let Some(property) = context.project.properties.get("Trustworthy")
        && super::is_true(&property.value)
    {
        out.push(walk::with_fix(
            walk::finding(
                &RULE.meta,
                property.location.file,
                property.location.range,
                format!(
                    "The project deploys the database with <Trustworthy>{}</Trustworthy>: the server then trusts every assembly and every module that runs as the database owner in it, up to server scope. Set it to False and {ADVICE}",
                    property.value
                ),
            ),
            "<Trustworthy>False</Trustworthy>",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::testing::check;

    #[test]
    fn trustworthy_on_is_reported_and_off_is_not() {
        check(
            "ALTER DATABASE CURRENT SET TRUSTWORTHY ON; --! CLR003: ALTER DATABASE CURRENT sets TRUSTWORTHY ON: the server then trusts every assembly and every module that runs as the database owner in it, up to server scope. Leave TRUSTWORTHY OFF and sign the assembly with a certificate or asymmetric key and grant UNSAFE ASSEMBLY to a login created from that key instead.\n\
             alter database [$(DatabaseName)] set trustworthy on; --! CLR003\n\
             ALTER DATABASE CURRENT SET TRUSTWORTHY OFF;\n\
             ALTER DATABASE CURRENT SET DB_CHAINING OFF;\n",
        );
    }

    #[test]
    fn the_trustworthy_property_is_reported_at_its_element() {
        check(
            "=== file: Db.sqlproj\n\
             <Project Sdk=\"Microsoft.Build.Sql\"><PropertyGroup>\n\
             <Trustworthy>True</Trustworthy> --! CLR003\n\
             </PropertyGroup></Project>\n",
        );
        check(
            "=== file: Db.sqlproj\n\
             <Project Sdk=\"Microsoft.Build.Sql\"><PropertyGroup><Trustworthy>False</Trustworthy></PropertyGroup></Project>\n",
        );
    }
}
