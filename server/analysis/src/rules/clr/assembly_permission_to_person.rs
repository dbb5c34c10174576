//! CLR005 assembly-permission-to-person: `GRANT UNSAFE ASSEMBLY` or `GRANT EXTERNAL
//! ACCESS ASSEMBLY` to a login that is not created from an asymmetric key or certificate.

use syntax::ast::{LoginSource, PermissionAction, StatementKind};

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::PrincipalKind;
use crate::rule::RuleMeta;
use crate::rules::walk;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Clr005,
        name: "assembly-permission-to-person",
        severity: Severity::Warning,
        summary: "UNSAFE or EXTERNAL ACCESS ASSEMBLY is granted to a login that people or applications use",
        doc: r#"## What it does
Reports `GRANT UNSAFE ASSEMBLY` and `GRANT EXTERNAL ACCESS ASSEMBLY` to a login that the
project does not create `FROM ASYMMETRIC KEY` or `FROM CERTIFICATE`.

## Why is this bad?
These permissions let the holder create assemblies that run unrestricted, or reach
outside the server, as the SQL Server service account. Held by a login that someone signs
in with, they let that person or application load any code they like into the server.
Held by a login created from the key that signs an assembly, they trust exactly the code
signed with that key and nothing else: nobody can sign in as such a login.

## Example
```sql
CREATE LOGIN app_deployer WITH PASSWORD = 'x7!Kq2#pL9';
GO
GRANT UNSAFE ASSEMBLY TO app_deployer;
```

## How to fix
Sign the assembly with an asymmetric key or certificate, create a login from it in
`master` (`CREATE LOGIN signer FROM ASYMMETRIC KEY …`), and grant the permission to that
login only.

## References
- [CREATE LOGIN](https://learn.microsoft.com/sql/t-sql/statements/create-login-transact-sql)
- [CREATE ASSEMBLY](https://learn.microsoft.com/sql/t-sql/statements/create-assembly-transact-sql)
- [GRANT server permissions](https://learn.microsoft.com/sql/t-sql/statements/grant-server-permissions-transact-sql)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    for stmt in walk::statements(context) {
        let StatementKind::Permission(permission) = &stmt.statement.kind else {
            continue;
        };
        if permission.action != PermissionAction::Grant || permission.securable.is_some() {
            continue;
        }
        for granted in &permission.permissions {
            if !matches!(
                granted.name.as_str(),
                "UNSAFE ASSEMBLY" | "EXTERNAL ACCESS ASSEMBLY"
            ) {
                continue;
            }
            for grantee in &permission.principals {
                let kind = model
                    .server_principal(&grantee.value)
                    .map(|id| &model.principal(id).kind);
                if matches!(
                    kind,
                    Some(PrincipalKind::Login(
                        LoginSource::AsymmetricKey(_) | LoginSource::Certificate(_)
                    ))
                ) {
                    continue;
                }
                let what = match kind {
                    Some(PrincipalKind::Login(_)) => {
                        "a login that people or applications sign in with"
                    }
                    Some(PrincipalKind::FixedServerRole | PrincipalKind::ServerRole) => {
                        "a server role, whose members are logins that people or applications sign in with"
                    }
                    _ => {
                        "a login that the project does not create from an asymmetric key or certificate"
                    }
                };
                let name = &grantee.value;
                out.push(walk::finding(
                    &RULE.meta,
                    stmt.file,
                    stmt.statement.range,
                    format!(
                        "GRANT {} TO {name} gives {what} the right to load code that runs as the SQL Server service account. Sign the assembly with an asymmetric key or certificate, create a login FROM that key, and grant {} to that login instead.",
                        granted.name, granted.name
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::testing::check;

    #[test]
    fn grants_to_password_and_unknown_logins_are_reported() {
        check(
            "CREATE LOGIN app_deployer WITH PASSWORD = 'x';\n\
             GO\n\
             GRANT UNSAFE ASSEMBLY TO app_deployer; --! CLR005: GRANT UNSAFE ASSEMBLY TO app_deployer gives a login that people or applications sign in with the right to load code that runs as the SQL Server service account. Sign the assembly with an asymmetric key or certificate, create a login FROM that key, and grant UNSAFE ASSEMBLY to that login instead.\n\
             GRANT EXTERNAL ACCESS ASSEMBLY TO [CORP\\dba]; --! CLR005\n",
        );
    }

    #[test]
    fn grants_to_key_and_certificate_logins_are_not_reported() {
        check(
            "CREATE ASYMMETRIC KEY signing_key FROM ASSEMBLY Interop;\n\
             CREATE LOGIN signing_login FROM ASYMMETRIC KEY signing_key;\n\
             CREATE CERTIFICATE signing_cert FROM FILE = 'c:\\certs\\signing.cer';\n\
             CREATE LOGIN cert_login FROM CERTIFICATE signing_cert;\n\
             GO\n\
             GRANT UNSAFE ASSEMBLY TO signing_login;\n\
             GRANT EXTERNAL ACCESS ASSEMBLY TO cert_login;\n\
             DENY UNSAFE ASSEMBLY TO someone;\n",
        );
    }
}
