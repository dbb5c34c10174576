//! PRM003 missing-references-on-assembly: a CLR entry point whose owner is not the
//! assembly's owner and lacks REFERENCES on the assembly.

use super::{finding, related, sql_part};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::{AssemblyOrigin, Scope};
use crate::rule::RuleMeta;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Prm003,
        name: "missing-references-on-assembly",
        severity: Severity::Error,
        summary: "A CLR module's owner lacks REFERENCES on the assembly it binds to",
        doc: r#"## What it does
Reports an `EXTERNAL NAME` (procedure, function, trigger, type or aggregate) whose owner
is not the assembly's owner and does not hold `REFERENCES` on the assembly (directly,
through a role, database-wide or as `db_owner`) in the project's final state. The
assembly may be made by `CREATE ASSEMBLY` (owned by its `AUTHORIZATION`), built by the
`.sqlproj` from its C# sources (owned by `<AssemblyOwner>`) or deployed by a `.dll`
reference (owned by its `<SqlOwnerName>`); each is owned by `dbo` when it names no
owner. The finding points at the `EXTERNAL NAME`.

## Why is this bad?
Binding a module to an assembly is a gated link: when the owners differ, SQL Server
requires `REFERENCES` on the assembly from the module's owner, and the `CREATE` fails
with error 6576 otherwise, so the deployment stops.

## Example
```sql
CREATE USER geo_owner WITHOUT LOGIN;
GO
CREATE SCHEMA geo AUTHORIZATION geo_owner;
GO
CREATE ASSEMBLY GeoLib FROM 0x4D5A900003000000 WITH PERMISSION_SET = SAFE;
GO
CREATE FUNCTION geo.distance (@a float, @b float) RETURNS float
AS EXTERNAL NAME GeoLib.[GeoLib.Functions].Distance;
```

## How to fix
`GRANT REFERENCES ON ASSEMBLY::GeoLib TO geo_owner`, or create the assembly with
`AUTHORIZATION geo_owner` so that the owners match.

## References
- [CREATE FUNCTION (CLR)](https://learn.microsoft.com/sql/t-sql/statements/create-function-transact-sql)
- [GRANT assembly permissions](https://learn.microsoft.com/sql/t-sql/statements/grant-assembly-permissions-transact-sql)
- [CLR integration security](https://learn.microsoft.com/sql/relational-databases/clr-integration/security/clr-integration-security)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for entry in model.entry_points() {
        let Some(assembly_id) = entry.assembly else {
            continue;
        };
        let assembly = model.assembly(assembly_id);
        let owner = model.owner_of(entry.object);
        if owner == assembly.owner {
            continue;
        }
        let decision = model.holds_on(owner, "REFERENCES", &Scope::Assembly(assembly_id));
        if decision.allowed {
            continue;
        }
        let owner_name = model.principal_name(owner);
        let assembly_owner = model.principal_name(assembly.owner);
        let module = model.object_name(entry.object);
        let mut diagnostic = finding(
            &RULE.meta,
            entry.location,
            format!(
                "`{module}` is owned by `{owner_name}`, but assembly `{}` is owned by `{assembly_owner}` and `{owner_name}` lacks REFERENCES on it: the CREATE fails",
                assembly.name
            ),
        );
        diagnostic.fix = Some(format!(
            "GRANT REFERENCES ON ASSEMBLY::{} TO {}, or create the assembly WITH AUTHORIZATION {}",
            sql_part(&assembly.name),
            sql_part(owner_name),
            sql_part(owner_name)
        ));
        let defined = match assembly.origin {
            AssemblyOrigin::Create { .. } => "is created here",
            AssemblyOrigin::ProjectBuild => "is built by the project",
            AssemblyOrigin::Reference => "is deployed by this reference",
        };
        diagnostic.related.push(related(
            assembly.location,
            format!("assembly `{}` {defined}", assembly.name),
        ));
        if let Some(location) = assembly.owner_location {
            diagnostic.related.push(related(
                location,
                format!("`{assembly_owner}` owns assembly `{}`", assembly.name),
            ));
        }
        if let Some(location) = model.owner_location(entry.object) {
            diagnostic
                .related
                .push(related(location, format!("`{owner_name}` owns `{module}`")));
        }
        out.push(diagnostic);
    }
}
