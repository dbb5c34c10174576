//! Lowering tests: each case is SQL and the rendered facts it must lower to (see
//! [`render`](super::render)); ranges appear as the text they cover.

use expect_test::{Expect, expect};

use crate::parse;

/// Lowers `sql` and compares the rendering, and the syntax errors, with `expected`.
fn check(sql: &str, expected: Expect) {
    let parsed = parse(sql);
    let mut actual = super::render::render(sql, &parsed.lower());
    for error in parsed.errors() {
        actual.push_str(&format!(
            "error {:?} «{}»\n",
            error.message,
            &sql[error.range.start..error.range.end]
        ));
    }
    expected.assert_eq(&actual);
}

#[test]
fn principals() {
    check(
        "CREATE USER [Bob] FOR LOGIN [BobLogin] WITH DEFAULT_SCHEMA = sales;
CREATE USER u2 WITHOUT LOGIN;
ALTER USER u3 WITH DEFAULT_SCHEMA = dbo;
CREATE ROLE r AUTHORIZATION dbo;
CREATE LOGIN l1 FROM WINDOWS;
CREATE LOGIN l2 WITH PASSWORD = 'p';
ALTER ROLE r ADD MEMBER u2;
ALTER SERVER ROLE sysadmin ADD MEMBER l1;
CREATE SCHEMA s AUTHORIZATION u2;
",
        expect![[r#"
            CreateUser Bob«[Bob]» source=login:BobLogin«[BobLogin]» schema=sales «CREATE USER [Bob] FOR LOGIN [BobLogin] WITH DEFAULT_SCHEM...»
            CreateUser u2 source=WithoutLogin schema=- «CREATE USER u2 WITHOUT LOGIN»
            AlterUser u3 source=Unchanged schema=dbo «ALTER USER u3 WITH DEFAULT_SCHEMA = dbo»
            CreateRole r owner=dbo application=false «CREATE ROLE r AUTHORIZATION dbo»
            CreateLogin l1 source=Windows «CREATE LOGIN l1 FROM WINDOWS»
            CreateLogin l2 source=Password «CREATE LOGIN l2 WITH PASSWORD = 'p'»
            RoleMembership r add u2 «ALTER ROLE r ADD MEMBER u2»
            RoleMembership sysadmin add l1 server «ALTER SERVER ROLE sysadmin ADD MEMBER l1»
            CreateSchema s owner=u2 «CREATE SCHEMA s AUTHORIZATION u2»
        "#]],
    );
}
