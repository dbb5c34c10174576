//! The incremental analysis (the language server's `Host`) against a run from scratch:
//! after any sequence of edits, the findings it shows equal those of loading the final
//! texts afresh and analysing them once, as `sqlwarden check` does. Property-tested on a
//! copy of the README's Payroll project plus a SQLCLR assembly with its C#.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use analysis::host::{Edited, Host};
use analysis::project::LoadOptions;
use proptest::prelude::*;
use syntax::TextRange;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder");
    for entry in std::fs::read_dir(from).expect("the example") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("a copy");
        }
    }
}

/// Payroll, and beside it loose scripts with a CLR assembly and its C#.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a folder");
    let payroll = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/Payroll");
    copy_dir(&payroll, &dir.path().join("Payroll"));
    let clr = dir.path().join("clr");
    std::fs::create_dir_all(&clr).expect("a folder");
    std::fs::write(
        clr.join("clr.sql"),
        "CREATE ASSEMBLY Counters FROM 0x4D5A WITH PERMISSION_SET = SAFE;\nGO\n\
         CREATE FUNCTION dbo.NextId () RETURNS bigint AS EXTERNAL NAME Counters.[Counters.Ids].Next;\nGO\n\
         GRANT EXECUTE ON dbo.NextId TO public;\nGO\n",
    )
    .expect("written");
    std::fs::write(
        clr.join("Ids.cs"),
        "namespace Counters {\n  public static class Ids {\n    private static long last;\n\
         public static long Next() { lock (typeof(Ids)) { return ++last; } }\n  }\n}\n",
    )
    .expect("written");
    dir
}

/// What a finding is, for comparing two runs: file, range, code, severity, message.
fn shown(host: &Host) -> Vec<String> {
    host.all_diagnostics()
        .iter()
        .map(|d| {
            format!(
                "{} {}..{} {} {:?} {}",
                host.workspace().files.get(d.location.file).path.display(),
                d.location.range.start(),
                d.location.range.end(),
                d.code,
                d.severity,
                d.message
            )
        })
        .collect()
}

fn fresh(root: &Path, overlays: &BTreeMap<PathBuf, String>) -> Vec<String> {
    let options = LoadOptions {
        overlays: overlays.clone(),
        ..LoadOptions::default()
    };
    let workspace = analysis::load::load(&[root.to_path_buf()], &options).expect("loads");
    let mut host = Host::new(workspace);
    host.analyze();
    shown(&host)
}

/// What a user types: statements that change grants, owners and execution contexts,
/// C# that changes what the assembly does, and the characters that break parsing.
fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\nGRANT SELECT ON hr.Salaries TO payroll_clerk;\n".to_owned()),
        Just("\nREVOKE EXECUTE ON hr.RaiseSalary TO payroll_clerk;\n".to_owned()),
        Just("\nALTER AUTHORIZATION ON SCHEMA::hr TO dbo;\n".to_owned()),
        Just(" WITH EXECUTE AS OWNER ".to_owned()),
        Just("\nGO\n".to_owned()),
        Just("'".to_owned()),
        Just("/*".to_owned()),
        Just("(".to_owned()),
        Just(" static int n; ".to_owned()),
        Just(" readonly ".to_owned()),
        Just(" ~Ids() { } ".to_owned()),
        Just(" System.IO.File.Delete(\"x\"); ".to_owned()),
        Just("é𝄞".to_owned()),
        "[a-z ;]{1,5}",
        Just(String::new()),
    ]
}

fn floor(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn findings_after_edits_equal_a_fresh_run(
        edits in proptest::collection::vec((0usize..64, 0.0f64..1.0, 0usize..30, typed()), 1..8),
        analyse_between in any::<bool>(),
    ) {
        let dir = project();
        let root = std::fs::canonicalize(dir.path()).expect("a folder");
        let workspace = analysis::load::load(std::slice::from_ref(&root), &LoadOptions::default()).expect("loads");
        let mut host = Host::new(workspace);
        host.analyze();
        let files: Vec<_> = host
            .workspace()
            .files
            .iter()
            .filter(|(_, f)| {
                let p = f.path.to_string_lossy();
                p.ends_with(".sql") || p.ends_with(".cs")
            })
            .map(|(id, _)| id)
            .collect();
        let mut overlays = BTreeMap::new();
        for (which, at, len, replacement) in &edits {
            let file = files[which % files.len()];
            let text = host.workspace().files.get(file).text.clone();
            let start = floor(&text, (*at * text.len() as f64) as usize);
            let end = floor(&text, start + len);
            let outcome = host.edit(file, &[(TextRange::new(start, end), replacement.clone())]);
            // An edit of the SQLCMD lines asks the server for a reload: not this test's.
            prop_assume!(outcome == Edited::Updated);
            let source = host.workspace().files.get(file);
            overlays.insert(source.absolute.clone(), source.text.clone());
            if analyse_between {
                host.analyze();
            }
        }
        host.analyze();
        prop_assert_eq!(shown(&host), fresh(&root, &overlays));
    }
}
