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

use sha2::{Digest, Sha512};
use syntax::ast::{AssemblySource, PermissionSet};

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
Reports an assembly that `clr strict security` (on by default since SQL Server 2017)
would refuse: one made by `CREATE ASSEMBLY`, the one the `.sqlproj` builds from its C#
sources (`Compile` items), or a `.dll` that a `<Reference>` deploys with the project. It
is refused when the database is not TRUSTWORTHY, no asymmetric key or certificate is
created from the assembly with a login that holds `UNSAFE ASSEMBLY`, and no
`sp_add_trusted_assembly` names it (by the SHA2_512 of the assembly's bits when the
project holds them, else by a `@description` that names the assembly). A key is created
from the assembly when it is made `FROM ASSEMBLY` it, `FROM EXECUTABLE FILE` naming the
assembly's file (compared by file name: `CREATE ASSEMBLY … FROM 'path'`, the build's
`<AssemblyName>.dll`, the referenced `.dll`), or, for an asymmetric key, `FROM FILE`
naming the `<AssemblyOriginatorKeyFile>` that signs the project's build. Signing the
build (`<SignAssembly>`) is not by itself a trust path: the key and its login must exist
on the server. When the project targets SQL Server 2016 or earlier (its `DSP`) or turns
strict security off, SAFE assemblies, and referenced `.dll`s whose set is not stated,
are not reported. What a referenced `.dacpac` holds is not read, so it is not judged.

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
        // Without strict security only a set that is not SAFE needs trust; a referenced
        // `.dll` that does not state its set may well be SAFE, so it is not judged then.
        if !strict
            && assembly
                .permission_set
                .as_ref()
                .is_none_or(|set| *set == PermissionSet::Safe)
        {
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

/// A key or certificate made from the assembly (`FROM ASSEMBLY`, `FROM EXECUTABLE FILE`
/// naming the assembly's file, or the strong-name key file that signs the project's
/// build: [`crate::model::Key::from_assembly`]), with a login created from it that holds
/// the server permission the assembly needs.
fn signed_and_trusted(model: &Model, id: AssemblyId, assembly: &Assembly, strict: bool) -> bool {
    let keys = model.keys_from_assembly(id);
    let accepted: &[&str] = if strict || assembly.permission_set == Some(PermissionSet::Unsafe) {
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

/// An `sp_add_trusted_assembly` entry for the assembly.
fn on_trusted_list(model: &Model, assembly: &Assembly) -> bool {
    let hashes: Vec<String> = assembly
        .sources()
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

    // Does a SAFE assembly that the project builds need a trust path? "clr strict security
    // treats SAFE and EXTERNAL_ACCESS assemblies as if they're marked UNSAFE", and "we
    // recommend that you sign all assemblies by a certificate or asymmetric key, with a
    // corresponding login that has been granted UNSAFE ASSEMBLY permission in the master
    // database" (Server configuration: clr strict security): yes, the assembly SSDT
    // builds and deploys from the project's C# needs a trust path even when SAFE, and
    // `<SignAssembly>` alone is none, since the key and its login must exist on the
    // server.
    #[test]
    fn the_assembly_the_project_builds_needs_a_trust_path() {
        check(
            "=== file: Db.sqlproj\n\
             <Project Sdk=\"Microsoft.Build.Sql\"><PropertyGroup>\n\
             <AssemblyName>Geo.Clr</AssemblyName> --! CLR008: Assembly 'Geo.Clr' has no trust path, so clr strict security (on by default since SQL Server 2017) refuses it: the database is not TRUSTWORTHY, no certificate or asymmetric key created from it has a login that holds UNSAFE ASSEMBLY, and no sp_add_trusted_assembly names it. Sign it with a certificate or asymmetric key, create a login from that key and GRANT UNSAFE ASSEMBLY to it.\n\
             <PermissionSet>SAFE</PermissionSet><SignAssembly>True</SignAssembly>\n\
             </PropertyGroup><ItemGroup><Compile Include=\"F.cs\" /></ItemGroup></Project>\n\
             === file: F.cs\n\
             class F {}\n",
        );
    }

    // The key is matched to the assembly by the file it is made from, not by its name:
    // `FROM EXECUTABLE FILE` naming the build's output (`<AssemblyName>.dll`), in any
    // folder and case, is a trust path; a key named like the assembly but made from
    // another file is not.
    #[test]
    fn a_key_from_the_builds_executable_file_is_a_trust_path() {
        let project = "=== file: Db.sqlproj\n\
             <Project Sdk=\"Microsoft.Build.Sql\"><PropertyGroup><AssemblyName>Geo.Clr</AssemblyName></PropertyGroup> MARK\n\
             <ItemGroup><Compile Include=\"F.cs\" /></ItemGroup></Project>\n\
             === file: F.cs\n\
             class F {}\n\
             === file: master.sql\n";
        check(&format!(
            "{}CREATE ASYMMETRIC KEY GeoKey FROM EXECUTABLE FILE = N'C:\\SQLCLR\\geo.clr.DLL';\n\
             CREATE LOGIN GeoLogin FROM ASYMMETRIC KEY GeoKey;\n\
             GRANT UNSAFE ASSEMBLY TO GeoLogin;\n",
            project.replace(" MARK", "")
        ));
        check(&format!(
            "{}CREATE ASYMMETRIC KEY [Geo.Clr] FROM EXECUTABLE FILE = N'C:\\SQLCLR\\Geo.Other.dll';\n\
             CREATE LOGIN GeoLogin FROM ASYMMETRIC KEY [Geo.Clr];\n\
             GRANT UNSAFE ASSEMBLY TO GeoLogin;\n",
            project.replace("MARK", "--! CLR008")
        ));
    }

    // `CREATE ASYMMETRIC KEY … FROM FILE` loads a strong-name key file: the one in
    // `<AssemblyOriginatorKeyFile>` signs the build when `<SignAssembly>` is true.
    #[test]
    fn a_key_from_the_strong_name_file_that_signs_the_build_is_a_trust_path() {
        let fixture = |sign: &str, mark: &str| {
            format!(
                "=== file: Db.sqlproj\n\
                 <Project Sdk=\"Microsoft.Build.Sql\"><PropertyGroup><AssemblyName>Geo</AssemblyName> {mark}\n\
                 <SignAssembly>{sign}</SignAssembly><AssemblyOriginatorKeyFile>Keys\\Geo.snk</AssemblyOriginatorKeyFile></PropertyGroup>\n\
                 <ItemGroup><Compile Include=\"F.cs\" /></ItemGroup></Project>\n\
                 === file: F.cs\n\
                 class F {{}}\n\
                 === file: master.sql\n\
                 CREATE ASYMMETRIC KEY GeoKey FROM FILE = 'C:\\keys\\Geo.snk';\n\
                 CREATE LOGIN GeoLogin FROM ASYMMETRIC KEY GeoKey;\n\
                 GRANT UNSAFE ASSEMBLY TO GeoLogin;\n"
            )
        };
        check(&fixture("true", ""));
        check(&fixture("false", "--! CLR008"));
    }

    // A `CREATE ASSEMBLY … FROM 'path'` and a key `FROM EXECUTABLE FILE` of the same file.
    #[test]
    fn a_key_from_the_created_assemblys_file_is_a_trust_path() {
        check(
            "CREATE ASSEMBLY Io FROM 'C:\\build\\Io.dll' WITH PERMISSION_SET = SAFE; --! CLR011\n\
             CREATE ASSEMBLY Bits FROM 0x4D5A WITH PERMISSION_SET = SAFE; --! CLR008\n\
             CREATE ASYMMETRIC KEY IoKey FROM EXECUTABLE FILE = 'D:\\deploy\\IO.dll';\n\
             CREATE ASYMMETRIC KEY BitsKey FROM EXECUTABLE FILE = 'D:\\deploy\\Bits.dll';\n\
             CREATE LOGIN IoLogin FROM ASYMMETRIC KEY IoKey;\n\
             CREATE LOGIN BitsLogin FROM ASYMMETRIC KEY BitsKey;\n\
             GRANT UNSAFE ASSEMBLY TO IoLogin, BitsLogin;\n",
        );
    }

    // A referenced `.dll` is deployed with the project, so it needs a trust path under
    // strict security whatever its set; without strict security, one whose set is not
    // stated is not judged (it may be SAFE), one stated UNSAFE is. What a `.dacpac` holds
    // is not read, so it makes no assembly to judge.
    #[test]
    fn referenced_dlls_are_judged_and_dacpacs_are_not() {
        check(
            "=== file: Db.sqlproj\n\
             <Project xmlns=\"http://schemas.microsoft.com/developer/msbuild/2003\"><ItemGroup>\n\
             <Reference Include=\"Mailer\"><HintPath>lib\\Mailer.dll</HintPath></Reference> --! CLR008\n\
             <Reference Include=\"Signed\"><HintPath>lib\\Signed.dll</HintPath></Reference>\n\
             <ArtifactReference Include=\"lib\\Shared.dacpac\" />\n\
             <Build Include=\"master.sql\" />\n\
             </ItemGroup></Project>\n\
             === file: master.sql\n\
             CREATE CERTIFICATE SignedCert FROM EXECUTABLE FILE = 'C:\\clr\\Signed.dll';\n\
             CREATE LOGIN SignedLogin FROM CERTIFICATE SignedCert;\n\
             GRANT UNSAFE ASSEMBLY TO SignedLogin;\n",
        );
        check(
            "=== file: Db.sqlproj\n\
             <Project xmlns=\"http://schemas.microsoft.com/developer/msbuild/2003\"><PropertyGroup>\n\
             <DSP>Microsoft.Data.Tools.Schema.Sql.Sql130DatabaseSchemaProvider</DSP>\n\
             </PropertyGroup><ItemGroup>\n\
             <Reference Include=\"Mailer\"><HintPath>lib\\Mailer.dll</HintPath></Reference>\n\
             <Reference Include=\"Io\"><HintPath>lib\\Io.dll</HintPath> --! CLR008\n\
             <SqlPermissionSet>UNSAFE</SqlPermissionSet></Reference> --! CLR001\n\
             </ItemGroup></Project>\n",
        );
    }

    // Before SQL Server 2017 the project's SAFE build needs no trust; UNSAFE does.
    #[test]
    fn before_sql_server_2017_the_safe_build_needs_no_trust() {
        let fixture = |set: &str, mark: &str| {
            format!(
                "=== file: Db.sqlproj\n\
                 <Project Sdk=\"Microsoft.Build.Sql\"><PropertyGroup>\n\
                 <DSP>Microsoft.Data.Tools.Schema.Sql.Sql130DatabaseSchemaProvider</DSP>\n\
                 <AssemblyName>Geo</AssemblyName> {mark}\n\
                 <PermissionSet>{set}</PermissionSet>\n\
                 </PropertyGroup><ItemGroup><Compile Include=\"F.cs\" /></ItemGroup></Project>\n\
                 === file: F.cs\n\
                 class F {{}}\n"
            )
        };
        check(&fixture("SAFE", ""));
        check(&fixture("EXTERNAL_ACCESS", "--! CLR008").replace(
            "<PermissionSet>EXTERNAL_ACCESS</PermissionSet>",
            "<PermissionSet>EXTERNAL_ACCESS</PermissionSet> --! CLR002",
        ));
    }

    // `<Trustworthy>True</Trustworthy>` is a trust path for the build too (CLR003 reports
    // the property itself).
    #[test]
    fn a_trustworthy_project_trusts_its_build() {
        check(
            "=== file: Db.sqlproj\n\
             <Project Sdk=\"Microsoft.Build.Sql\"><PropertyGroup>\n\
             <Trustworthy>True</Trustworthy> --! CLR003\n\
             </PropertyGroup><ItemGroup><Compile Include=\"F.cs\" /></ItemGroup></Project>\n\
             === file: F.cs\n\
             class F {}\n",
        );
    }
}
