//! IMP002 impersonate-permission: `GRANT IMPERSONATE ON USER::…`/`LOGIN::…`, `GRANT
//! IMPERSONATE ANY LOGIN`, and `GRANT CONTROL ON USER::…`/`LOGIN::…`, which implies
//! IMPERSONATE.

use syntax::ast::{PermissionAction, StatementKind};

use crate::diagnostic::{Code, Diagnostic, Related, Severity};
use crate::model::Model;
use crate::rule::RuleMeta;
use crate::rules::walk;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Imp002,
        name: "impersonate-permission",
        severity: Severity::Warning,
        summary: "IMPERSONATE is granted on a user or login",
        doc: r#"## What it does
Reports `GRANT IMPERSONATE ON USER::name`, `GRANT IMPERSONATE ON LOGIN::name`, `GRANT
IMPERSONATE ANY LOGIN`, and `GRANT CONTROL ON USER::name` or `ON LOGIN::name` (CONTROL on a
user or login implies IMPERSONATE on it). The message is stronger when the impersonated
principal is `dbo`, `sa`, a member of `db_owner` or `sysadmin`, or a Windows service account
(`NT SERVICE\…`), which SQL Server setup makes a member of `sysadmin`.

## Why is this bad?
The grantee can run `EXECUTE AS USER`/`EXECUTE AS LOGIN` and then holds every permission
of the impersonated principal, for as long as it likes. Impersonating `dbo` or a `db_owner`
member is full control of the database; impersonating `sa` or any login is full control
of the server.

## Example
```sql
CREATE USER helper WITHOUT LOGIN;
GO
GRANT IMPERSONATE ON USER::dbo TO helper;
```

## How to fix
Grant the grantee the permissions the task needs instead, or put the task in a module
that runs `WITH EXECUTE AS` a low-privilege user, or that is signed with a certificate
whose user holds exactly the permissions it needs.

## References
- [GRANT database principal permissions](https://learn.microsoft.com/sql/t-sql/statements/grant-database-principal-permissions-transact-sql)
- [GRANT server principal permissions](https://learn.microsoft.com/sql/t-sql/statements/grant-server-principal-permissions-transact-sql)
- [EXECUTE AS](https://learn.microsoft.com/sql/t-sql/statements/execute-as-transact-sql)
- [Permissions hierarchy](https://learn.microsoft.com/sql/relational-databases/security/permissions-hierarchy-database-engine)
- [Configure Windows service accounts and permissions](https://learn.microsoft.com/sql/database-engine/configure-windows/configure-windows-service-accounts-and-permissions)
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
        if permission.action != PermissionAction::Grant {
            continue;
        }
        let grantees = permission
            .principals
            .iter()
            .map(|p| p.value.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        for granted in &permission.permissions {
            let mut membership = Vec::new();
            let (message, revoke) = match (granted.name.as_str(), &permission.securable) {
                ("IMPERSONATE ANY LOGIN", _) => (
                    format!(
                        "GRANT IMPERSONATE ANY LOGIN TO {grantees} lets {grantees} act as any login, sa and every sysadmin included: this is full control of the server. Remove the grant; give {grantees} only the permissions the task needs, or a module signed with a certificate."
                    ),
                    format!("REVOKE IMPERSONATE ANY LOGIN FROM {grantees};"),
                ),
                (granted_name @ ("IMPERSONATE" | "CONTROL"), Some(securable)) => {
                    let class = securable.class.as_deref().unwrap_or("");
                    let login = match class {
                        "USER" => false,
                        "LOGIN" => true,
                        _ => continue,
                    };
                    let target = securable.name.object().value.as_str();
                    let statement =
                        format!("GRANT {granted_name} ON {class}::{target} TO {grantees}");
                    // CONTROL on a principal implies IMPERSONATE on it (the permissions
                    // hierarchy): the same risk, said so.
                    let implied = if granted_name == "CONTROL" {
                        " (CONTROL implies IMPERSONATE)"
                    } else {
                        ""
                    };
                    let message = match privilege(model, target, login) {
                        Some(what) => {
                            membership = membership_path(model, target, login);
                            format!(
                                "{statement} lets {grantees} act as {target}{implied}, {what}. Remove the grant; give {grantees} only the permissions the task needs, or a module signed with a certificate."
                            )
                        }
                        None => format!(
                            "{statement} lets {grantees} act as {target}{implied}, with every permission {target} holds. Grant {grantees} only the permissions the task needs, or wrap the task in a module signed with a certificate."
                        ),
                    };
                    (
                        message,
                        format!("REVOKE {granted_name} ON {class}::{target} FROM {grantees};"),
                    )
                }
                _ => continue,
            };
            let mut diagnostic = walk::with_fix(
                walk::finding(&RULE.meta, stmt.file, stmt.statement.range, message),
                revoke,
            );
            diagnostic.related = membership;
            out.push(diagnostic);
        }
    }
}

/// The role memberships that make the impersonated principal privileged, as related
/// locations.
fn membership_path(model: &Model, name: &str, login: bool) -> Vec<Related> {
    let (principal, role, role_name) = if login {
        match model.server_principal(name) {
            Some(principal) => (principal, model.sysadmin(), "sysadmin"),
            None => return Vec::new(),
        }
    } else {
        match model.database_principal(name) {
            Some(principal) => (principal, model.db_owner(), "db_owner"),
            None => return Vec::new(),
        }
    };
    model
        .membership_path(principal, role)
        .unwrap_or_default()
        .into_iter()
        .map(|location| Related {
            location,
            message: format!("this membership makes {name} a member of {role_name}"),
        })
        .collect()
}

/// What impersonating `name` amounts to when it is a highly privileged principal.
fn privilege(model: &Model, name: &str, login: bool) -> Option<&'static str> {
    // `NT SERVICE\MSSQLSERVER`, `NT SERVICE\SQLSERVERAGENT`, … are the per-service SIDs
    // that SQL Server setup provisions as members of sysadmin; a login or a user mapped
    // to one is that much power whether or not the project says so.
    let service = name
        .get(..11)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("NT SERVICE\\"));
    if service {
        return Some(
            "a Windows service account, which SQL Server setup makes a member of sysadmin: this is full control of the server",
        );
    }
    if login {
        if name.eq_ignore_ascii_case("sa") {
            return Some("the server administrator: this is full control of the server");
        }
        let principal = model.server_principal(name)?;
        return model
            .is_sysadmin(principal)
            .then_some("a member of sysadmin: this is full control of the server");
    }
    if name.eq_ignore_ascii_case("dbo") {
        return Some("the owner of the database: this is full control of the database");
    }
    let principal = model.database_principal(name)?;
    if model.is_sysadmin(principal) {
        return Some("whose login is a member of sysadmin: this is full control of the server");
    }
    model
        .is_db_owner(principal)
        .then_some("a member of db_owner: this is full control of the database")
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::testing::{self, check};

    #[test]
    fn impersonating_an_ordinary_user_is_reported() {
        check(
            "CREATE USER loader WITHOUT LOGIN;\n\
             CREATE USER helpdesk WITHOUT LOGIN;\n\
             GO\n\
             GRANT IMPERSONATE ON USER::loader TO helpdesk; --! IMP002: GRANT IMPERSONATE ON USER::loader TO helpdesk lets helpdesk act as loader, with every permission loader holds. Grant helpdesk only the permissions the task needs, or wrap the task in a module signed with a certificate.\n\
             DENY IMPERSONATE ON USER::loader TO helpdesk;\n\
             REVOKE IMPERSONATE ON USER::loader FROM helpdesk;\n\
             GRANT VIEW DEFINITION ON USER::loader TO helpdesk;\n",
        );
    }

    #[test]
    fn impersonating_dbo_or_a_db_owner_member_is_reported_more_strongly() {
        check(
            "CREATE USER helper WITHOUT LOGIN;\n\
             CREATE USER admin WITHOUT LOGIN;\n\
             ALTER ROLE db_owner ADD MEMBER admin;\n\
             GO\n\
             GRANT IMPERSONATE ON USER::[DBO] TO helper; --! IMP002: GRANT IMPERSONATE ON USER::DBO TO helper lets helper act as DBO, the owner of the database: this is full control of the database. Remove the grant; give helper only the permissions the task needs, or a module signed with a certificate.\n\
             GRANT IMPERSONATE ON USER::admin TO helper; --! IMP002: GRANT IMPERSONATE ON USER::admin TO helper lets helper act as admin, a member of db_owner: this is full control of the database. Remove the grant; give helper only the permissions the task needs, or a module signed with a certificate.\n",
        );
    }

    #[test]
    fn the_finding_carries_the_membership_and_the_revoke() {
        let (workspace, _) = testing::load(
            "CREATE USER helper WITHOUT LOGIN;\n\
             CREATE USER admin WITHOUT LOGIN;\n\
             ALTER ROLE db_owner ADD MEMBER admin;\n\
             GRANT IMPERSONATE ON USER::admin TO helper;\n",
        );
        let findings = testing::findings(&workspace);
        let finding = findings
            .iter()
            .find(|d| d.code == crate::Code::Imp002)
            .expect("IMP002 is reported");
        assert_eq!(
            finding.fix.as_deref(),
            Some("REVOKE IMPERSONATE ON USER::admin FROM helper;")
        );
        let related: Vec<(usize, &str)> = finding
            .related
            .iter()
            .map(|r| {
                let file = workspace.files.get(r.location.file);
                (
                    file.line_index.line_of(r.location.range.start()) + 1,
                    r.message.as_str(),
                )
            })
            .collect();
        assert_eq!(
            related,
            [(3, "this membership makes admin a member of db_owner")]
        );
    }

    // CONTROL on a user "implies" IMPERSONATE on it, as on a login (GRANT Database
    // Principal Permissions, GRANT Server Principal Permissions: the tables of implied
    // permissions), so it is the same risk.
    // https://learn.microsoft.com/sql/t-sql/statements/grant-database-principal-permissions-transact-sql
    // https://learn.microsoft.com/sql/t-sql/statements/grant-server-principal-permissions-transact-sql
    #[test]
    fn control_on_a_user_or_login_implies_impersonate() {
        check(
            "CREATE USER loader WITHOUT LOGIN;\n\
             CREATE USER helpdesk WITHOUT LOGIN;\n\
             CREATE LOGIN boss WITH PASSWORD = 'y';\n\
             ALTER SERVER ROLE sysadmin ADD MEMBER boss;\n\
             GO\n\
             GRANT CONTROL ON USER::loader TO helpdesk; --! IMP002: GRANT CONTROL ON USER::loader TO helpdesk lets helpdesk act as loader (CONTROL implies IMPERSONATE), with every permission loader holds. Grant helpdesk only the permissions the task needs, or wrap the task in a module signed with a certificate.\n\
             GRANT CONTROL ON USER::dbo TO helpdesk; --! IMP002: GRANT CONTROL ON USER::dbo TO helpdesk lets helpdesk act as dbo (CONTROL implies IMPERSONATE), the owner of the database: this is full control of the database. Remove the grant; give helpdesk only the permissions the task needs, or a module signed with a certificate.\n\
             GRANT CONTROL ON LOGIN::sa TO boss; --! IMP002: GRANT CONTROL ON LOGIN::sa TO boss lets boss act as sa (CONTROL implies IMPERSONATE), the server administrator: this is full control of the server. Remove the grant; give boss only the permissions the task needs, or a module signed with a certificate.\n\
             GRANT CONTROL ON LOGIN::boss TO helpdesk; --! IMP002: GRANT CONTROL ON LOGIN::boss TO helpdesk lets helpdesk act as boss (CONTROL implies IMPERSONATE), a member of sysadmin: this is full control of the server. Remove the grant; give helpdesk only the permissions the task needs, or a module signed with a certificate.\n",
        );
    }

    /// CONTROL on anything but a principal implies no impersonation; a DENY or REVOKE of
    /// CONTROL grants nothing.
    #[test]
    fn control_on_other_securables_is_not_impersonation() {
        check(
            "CREATE USER helpdesk WITHOUT LOGIN;\n\
             CREATE TABLE dbo.t (id int);\n\
             GO\n\
             GRANT CONTROL ON dbo.t TO helpdesk;\n\
             GRANT CONTROL ON SCHEMA::dbo TO helpdesk;\n\
             DENY CONTROL ON USER::dbo TO helpdesk;\n\
             REVOKE CONTROL ON LOGIN::sa FROM helpdesk;\n",
        );
    }

    /// The per-service SIDs (`NT SERVICE\SQLSERVERAGENT`, …) are provisioned as members
    /// of sysadmin ("Configure Windows Service Accounts and Permissions": "the per-service
    /// SID … is provisioned … as a member of the sysadmin fixed server role").
    /// https://learn.microsoft.com/sql/database-engine/configure-windows/configure-windows-service-accounts-and-permissions
    #[test]
    fn impersonating_a_service_account_is_reported_more_strongly() {
        check(
            "CREATE LOGIN ops WITH PASSWORD = 'x';\n\
             GO\n\
             GRANT IMPERSONATE ON LOGIN::[NT SERVICE\\SQLSERVERAGENT] TO ops; --! IMP002: GRANT IMPERSONATE ON LOGIN::NT SERVICE\\SQLSERVERAGENT TO ops lets ops act as NT SERVICE\\SQLSERVERAGENT, a Windows service account, which SQL Server setup makes a member of sysadmin: this is full control of the server. Remove the grant; give ops only the permissions the task needs, or a module signed with a certificate.\n\
             GRANT CONTROL ON LOGIN::[nt service\\MSSQLSERVER] TO ops; --! IMP002: GRANT CONTROL ON LOGIN::nt service\\MSSQLSERVER TO ops lets ops act as nt service\\MSSQLSERVER (CONTROL implies IMPERSONATE), a Windows service account, which SQL Server setup makes a member of sysadmin: this is full control of the server. Remove the grant; give ops only the permissions the task needs, or a module signed with a certificate.\n\
             GRANT IMPERSONATE ON LOGIN::[NT AUTHORITY\\NETWORK SERVICE] TO ops; --! IMP002: GRANT IMPERSONATE ON LOGIN::NT AUTHORITY\\NETWORK SERVICE TO ops lets ops act as NT AUTHORITY\\NETWORK SERVICE, with every permission NT AUTHORITY\\NETWORK SERVICE holds. Grant ops only the permissions the task needs, or wrap the task in a module signed with a certificate.\n",
        );
    }

    #[test]
    fn impersonating_logins_is_reported() {
        check(
            "CREATE LOGIN ops WITH PASSWORD = 'x';\n\
             CREATE LOGIN boss WITH PASSWORD = 'y';\n\
             ALTER SERVER ROLE sysadmin ADD MEMBER boss;\n\
             GO\n\
             GRANT IMPERSONATE ON LOGIN::sa TO ops; --! IMP002: GRANT IMPERSONATE ON LOGIN::sa TO ops lets ops act as sa, the server administrator: this is full control of the server. Remove the grant; give ops only the permissions the task needs, or a module signed with a certificate.\n\
             GRANT IMPERSONATE ON LOGIN::boss TO ops; --! IMP002: GRANT IMPERSONATE ON LOGIN::boss TO ops lets ops act as boss, a member of sysadmin: this is full control of the server. Remove the grant; give ops only the permissions the task needs, or a module signed with a certificate.\n\
             GRANT IMPERSONATE ANY LOGIN TO ops; --! IMP002: GRANT IMPERSONATE ANY LOGIN TO ops lets ops act as any login, sa and every sysadmin included: this is full control of the server. Remove the grant; give ops only the permissions the task needs, or a module signed with a certificate.\n",
        );
    }
}
