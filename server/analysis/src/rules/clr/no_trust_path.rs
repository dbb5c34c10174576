//! CLR008 no-trust-path: an assembly that `clr strict security` would refuse, because
//! nothing in the project trusts it.
//!
//! The trust paths are those of SQL Server 2017 and later: a TRUSTWORTHY database, a
//! certificate or asymmetric key created from the assembly with a login that holds
//! `UNSAFE ASSEMBLY`, or an `sp_add_trusted_assembly` entry (matched by the SHA2_512 of
//! the assembly's bits when the project holds them, else by a `@description` that names
//! the assembly). When the project targets a version before SQL Server 2017 or turns
//! strict security off, only EXTERNAL_ACCESS and UNSAFE assemblies still need a trust
//! path.

use std::path::Path;

use sha2::{Digest, Sha512};
use syntax::ast::{AssemblySource, KeySource, PermissionSet};

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::{Assembly, AssemblyId, Model};
use crate::rule::RuleMeta;
use crate::rules::walk;
use crate::rules::{Context, Rule};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: Code::Clr008,
        name: "no-trust-path",
        severity: Severity::Note,
        summary: "An assembly that clr strict security would refuse: nothing trusts it",
        doc: r#"## What it does
Reports a `CREATE ASSEMBLY` that `clr strict security` (on by default since SQL Server
2017) would refuse: the database is not TRUSTWORTHY, no asymmetric key or certificate is
created from the assembly with a login that holds `UNSAFE ASSEMBLY`, and no
`sp_add_trusted_assembly` names it (by the SHA2_512 of the assembly's bits when the
project holds them, else by a `@description` that names the assembly). When the project
targets SQL Server 2016 or earlier (its `DSP`) or turns strict security off, SAFE
assemblies are not reported.

## Why is this bad?
Under strict security the server treats every assembly as UNSAFE: `CREATE ASSEMBLY`
fails with error 10343 unless one of those trust paths exists. The deployment works only
on servers where someone trusted the assembly by hand, or where strict security is off.

## Example
```sql
CREATE ASSEMBLY GeoLib FROM 0x4D5A900003000000 WITH PERMISSION_SET = SAFE;
```

## How to fix
Sign the assembly with an asymmetric key or certificate, create that key and a login from
it in `master`, and `GRANT UNSAFE ASSEMBLY` to the login. Where signing is impossible, add
the assembly's hash with `sys.sp_add_trusted_assembly`. Do not make the database
TRUSTWORTHY for this.

## References
- [Server configuration: clr strict security](https://learn.microsoft.com/sql/database-engine/configure-windows/clr-strict-security)
- [sys.sp_add_trusted_assembly](https://learn.microsoft.com/sql/relational-databases/system-stored-procedures/sys-sp-add-trusted-assembly-transact-sql)
- [CREATE ASSEMBLY](https://learn.microsoft.com/sql/t-sql/statements/create-assembly-transact-sql)
"#,
    },
    check,
};

fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    if model.options().trustworthy.on {
        return;
    }
    let strict = strict_security(context);
    for (id, assembly) in model.assemblies() {
        if !strict && assembly.permission_set == PermissionSet::Safe {
            continue;
        }
        if signed_and_trusted(model, id, assembly, strict)
            || on_trusted_list(model, assembly)
            || syntax::names::is_placeholder(&assembly.name)
        {
            continue;
        }
        let condition = if strict {
            "clr strict security (on by default since SQL Server 2017) refuses it"
        } else {
            "the server refuses a non-SAFE assembly that nothing trusts"
        };
        out.push(walk::finding(
            &RULE.meta,
            assembly.location.file,
            assembly.location.range,
            format!(
                "Assembly '{}' has no trust path, so {condition}: the database is not TRUSTWORTHY, no certificate or asymmetric key created from it has a login that holds UNSAFE ASSEMBLY, and no sp_add_trusted_assembly names it. Sign it with a certificate or asymmetric key, create a login from that key and GRANT UNSAFE ASSEMBLY to it.",
                assembly.name
            ),
        ));
    }
}

/// Whether `clr strict security` is on in the final state: on unless the project targets
/// a version before SQL Server 2017 (its `DSP`), which has no such option, or the
/// project's last top-level `sp_configure` of it sets 0.
pub(crate) fn strict_security(context: &Context<'_>) -> bool {
    // The configuration describes the target server, and wins.
    if let Some(on) = context.workspace.config.clr_strict_security {
        return on;
    }
    if let Some(dsp) = context.project.properties.get("DSP")
        && target_version(&dsp.value).is_some_and(|version| version < 140)
    {
        return false;
    }
    let mut on = true;
    for stmt in walk::statements(context) {
        if stmt.module.is_some() {
            continue;
        }
        if let Some(call) = walk::sp_configure(stmt.statement)
            && call.option == "clr strict security"
            && let Some(value) = call.value
        {
            on = value != 0;
        }
    }
    on
}

/// The SQL Server version number a `DSP` names (`…Sql130DatabaseSchemaProvider` is 130),
/// when it names one.
fn target_version(dsp: &str) -> Option<u32> {
    let at = dsp.rfind(".Sql").map(|i| i + ".Sql".len())?;
    let digits: String = dsp[at..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// A key or certificate made from the assembly (`FROM ASSEMBLY`, or `FROM [EXECUTABLE]
/// FILE` naming the assembly's file), with a login created from it that holds the
/// server permission the assembly needs.
fn signed_and_trusted(model: &Model, id: AssemblyId, assembly: &Assembly, strict: bool) -> bool {
    let mut keys = model.keys_from_assembly(id);
    keys.extend(
        model
            .keys()
            .filter(|(_, key)| match &key.source {
                KeySource::File(path) | KeySource::ExecutableFile(path) => {
                    file_stem(path).eq_ignore_ascii_case(&assembly.name)
                }
                _ => false,
            })
            .map(|(key, _)| key),
    );
    let accepted: &[&str] = if strict || assembly.permission_set == PermissionSet::Unsafe {
        &["UNSAFE ASSEMBLY", "CONTROL SERVER"]
    } else {
        &[
            "UNSAFE ASSEMBLY",
            "EXTERNAL ACCESS ASSEMBLY",
            "CONTROL SERVER",
        ]
    };
    keys.into_iter().any(|key| {
        model.logins_from_key(key).into_iter().any(|login| {
            model
                .server_grants_of(login)
                .iter()
                .any(|grant| accepted.contains(&grant.permission.as_str()))
        })
    })
}

fn file_stem(path: &str) -> &str {
    let name = path.rsplit(['\\', '/']).next().unwrap_or(path);
    Path::new(name)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or(name)
}

/// An `sp_add_trusted_assembly` entry for the assembly.
fn on_trusted_list(model: &Model, assembly: &Assembly) -> bool {
    let hashes: Vec<String> = assembly
        .sources
        .iter()
        .filter_map(|source| match source {
            AssemblySource::Bits(hex, _) => decode_hex(hex),
            _ => None,
        })
        .map(|bits| {
            Sha512::digest(&bits)
                .iter()
                .map(|byte| format!("{byte:02X}"))
                .collect()
        })
        .collect();
    model.trusted_assemblies().iter().any(|entry| {
        let by_hash = entry
            .hash
            .as_ref()
            .is_some_and(|hash| hashes.iter().any(|h| h.eq_ignore_ascii_case(hash)));
        let by_name = hashes.is_empty()
            && entry
                .description
                .as_deref()
                .is_some_and(|description| names(description, &assembly.name));
        by_hash || by_name
    })
}

/// Whether a trusted-assembly description names the assembly: its canonical name starts
/// with the simple name (`pointudt, version=…`), or the name stands in it as a word.
fn names(description: &str, assembly: &str) -> bool {
    let simple = description.split(',').next().unwrap_or("").trim();
    if simple.eq_ignore_ascii_case(assembly) {
        return true;
    }
    description
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .any(|word| word.eq_ignore_ascii_case(assembly))
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = hex.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| {
            let text = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(text, 16).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rules::sql::testing::check;

    #[test]
    fn a_template_parameter_assembly_is_not_judged() {
        check(
            "CREATE ASSEMBLY <assembly_name, sysname, sample> FROM 0x4D5A WITH PERMISSION_SET = UNSAFE; --! CLR001\n\
             GO\n",
        );
    }

    #[test]
    fn an_assembly_that_nothing_trusts_is_reported_at_its_name() {
        check(
            "CREATE ASSEMBLY GeoLib FROM 0x4D5A900003000000 WITH PERMISSION_SET = SAFE; --! CLR008: Assembly 'GeoLib' has no trust path, so clr strict security (on by default since SQL Server 2017) refuses it: the database is not TRUSTWORTHY, no certificate or asymmetric key created from it has a login that holds UNSAFE ASSEMBLY, and no sp_add_trusted_assembly names it. Sign it with a certificate or asymmetric key, create a login from that key and GRANT UNSAFE ASSEMBLY to it.\n",
        );
    }

    #[test]
    fn a_signing_key_with_a_login_that_holds_unsafe_assembly_is_a_trust_path() {
        check(
            "CREATE ASSEMBLY GeoLib FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
             GO\n\
             CREATE ASYMMETRIC KEY geo_key FROM ASSEMBLY GeoLib;\n\
             CREATE LOGIN geo_signer FROM ASYMMETRIC KEY geo_key;\n\
             GRANT UNSAFE ASSEMBLY TO geo_signer;\n",
        );
    }

    #[test]
    fn a_signing_key_whose_login_lost_the_permission_is_not() {
        check(
            "CREATE ASSEMBLY GeoLib FROM 0x4D5A WITH PERMISSION_SET = SAFE; --! CLR008\n\
             GO\n\
             CREATE ASYMMETRIC KEY geo_key FROM ASSEMBLY GeoLib;\n\
             CREATE LOGIN geo_signer FROM ASYMMETRIC KEY geo_key;\n\
             GRANT UNSAFE ASSEMBLY TO geo_signer;\n\
             REVOKE UNSAFE ASSEMBLY FROM geo_signer;\n",
        );
    }

    #[test]
    fn trustworthy_is_a_trust_path() {
        check(
            "ALTER DATABASE CURRENT SET TRUSTWORTHY ON; --! CLR003\n\
             CREATE ASSEMBLY GeoLib FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n",
        );
    }

    #[test]
    fn the_trusted_list_matches_by_hash_of_the_bits() {
        // SHA2_512 of the two bytes 0x4D 0x5A ("MZ").
        let hash = {
            use sha2::{Digest, Sha512};
            Sha512::digest(b"MZ")
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect::<String>()
        };
        check(&format!(
            "CREATE ASSEMBLY GeoLib FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
             EXEC sys.sp_add_trusted_assembly 0x{hash}, N'geolib, version=1.0.0.0'; --! CLR006\n\
             CREATE ASSEMBLY Other FROM 0x4D5A00 WITH PERMISSION_SET = SAFE; --! CLR008\n"
        ));
    }

    #[test]
    fn the_trusted_list_matches_by_description_when_the_bits_are_elsewhere() {
        check(
            "CREATE ASSEMBLY GeoLib FROM 'C:\\drop\\GeoLib.dll' WITH PERMISSION_SET = SAFE; --! CLR011\n\
             EXEC sp_add_trusted_assembly @hash = 0xABCD, @description = N'GeoLib, version=1.0.0.0, culture=neutral'; --! CLR006\n",
        );
    }

    #[test]
    fn before_sql_server_2017_safe_assemblies_need_no_trust() {
        check(
            "=== file: Db.sqlproj\n\
             <Project Sdk=\"Microsoft.Build.Sql\"><PropertyGroup>\n\
             <DSP>Microsoft.Data.Tools.Schema.Sql.Sql130DatabaseSchemaProvider</DSP>\n\
             </PropertyGroup></Project>\n\
             === file: clr.sql\n\
             CREATE ASSEMBLY GeoLib FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
             CREATE ASSEMBLY Io FROM 0x4D5A WITH PERMISSION_SET = UNSAFE; --! CLR001 | CLR008\n",
        );
        check(
            "=== file: Db.sqlproj\n\
             <Project Sdk=\"Microsoft.Build.Sql\"><PropertyGroup>\n\
             <DSP>Microsoft.Data.Tools.Schema.Sql.Sql160DatabaseSchemaProvider</DSP>\n\
             </PropertyGroup></Project>\n\
             === file: clr.sql\n\
             CREATE ASSEMBLY GeoLib FROM 0x4D5A WITH PERMISSION_SET = SAFE; --! CLR008\n",
        );
    }

    #[test]
    fn with_strict_security_off_only_safe_assemblies_need_no_trust() {
        check(
            "EXEC sp_configure 'clr strict security', 0; --! CLR004\n\
             CREATE ASSEMBLY GeoLib FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
             CREATE ASSEMBLY Io FROM 0x4D5A WITH PERMISSION_SET = UNSAFE; --! CLR001 | CLR008\n",
        );
    }
}
