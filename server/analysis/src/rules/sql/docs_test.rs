//! Every registered rule is documented with the catalogue's sections, and the SQL
//! example in its documentation triggers it.

use crate::model::Model;
use crate::rules::{self, Context};

use super::testing;

fn block<'a>(doc: &'a str, fence: &str) -> Option<&'a str> {
    let start = doc.find(fence)? + fence.len();
    let len = doc[start..].find("```")?;
    Some(&doc[start..start + len])
}

fn example(doc: &str) -> Option<&str> {
    block(doc, "```sql\n")
}

/// The example as a fixture: the SQL alone, or for the CLS rules the SQL in `test.sql`
/// and the C# block as the source of the assembly it creates: `src/Example.cs`, built by
/// a C# project (`src/NAME.csproj`) named after the `CREATE ASSEMBLY`.
fn fixture(doc: &str) -> String {
    let sql = example(doc).unwrap_or_default();
    match block(doc, "```csharp\n") {
        Some(cs) => {
            let assembly = sql
                .split("CREATE ASSEMBLY ")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .unwrap_or("Example");
            format!(
                "=== file: test.sql\n{sql}=== file: src/{assembly}.csproj\n<Project Sdk=\"Microsoft.NET.Sdk\"></Project>\n=== file: src/Example.cs\n{cs}"
            )
        }
        None => sql.to_owned(),
    }
}

#[test]
fn every_rule_has_the_documentation_sections() {
    for rule in rules::all() {
        let meta = &rule.meta;
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## How to fix",
            "## References",
        ] {
            assert!(
                meta.doc.contains(section),
                "{} lacks the section {section:?}",
                meta.code
            );
        }
        assert!(
            meta.doc.contains("https://learn.microsoft.com/"),
            "{} cites no SQL Server documentation",
            meta.code
        );
        assert!(
            !meta.name.is_empty()
                && meta
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}'s name {:?} is not kebab-case",
            meta.code,
            meta.name
        );
        assert!(
            !meta.summary.is_empty() && !meta.summary.contains('\n'),
            "{}'s summary must be one line",
            meta.code
        );
        assert!(
            example(meta.doc).is_some(),
            "{} has no ```sql example",
            meta.code
        );
    }
}

#[test]
fn every_rule_example_triggers_its_rule() {
    for rule in rules::all() {
        let code = rule.meta.code;
        let sql = fixture(rule.meta.doc);
        let (workspace, _) = testing::load(&sql);
        let mut diagnostics = Vec::new();
        for project in &workspace.projects {
            let model = Model::build(&workspace, project);
            let context = Context::new(&workspace, project, &model);
            (rule.check)(&context, &mut diagnostics);
        }
        // SQL002 and SQL004 come from loading, SQL003 from applying suppressions.
        diagnostics.extend(workspace.diagnostics.iter().cloned());
        let diagnostics = crate::suppression::apply(&workspace, diagnostics);
        assert!(
            diagnostics.iter().any(|d| d.code == code),
            "the documented example of {code} does not trigger it:\n{sql}\nfindings: {diagnostics:#?}"
        );
    }
}

/// The catalogue's names and default severities for the CLR, IMP and SQL groups
/// (`rules.md`): codes are API, so a rename or a severity change must be deliberate.
#[test]
fn clr_imp_and_sql_rules_match_the_catalogue() {
    use crate::diagnostic::{Code, Severity};
    let catalogue: &[(Code, &str, Severity)] = &[
        (Code::Clr001, "unsafe-assembly", Severity::Warning),
        (Code::Clr002, "external-access-assembly", Severity::Warning),
        (Code::Clr003, "trustworthy-database", Severity::Warning),
        (
            Code::Clr004,
            "clr-strict-security-disabled",
            Severity::Warning,
        ),
        (
            Code::Clr005,
            "assembly-permission-to-person",
            Severity::Warning,
        ),
        (Code::Clr006, "trusted-assembly-list", Severity::Note),
        (Code::Clr007, "unresolved-assembly", Severity::Error),
        (Code::Clr008, "no-trust-path", Severity::Note),
        (Code::Clr010, "clr-enabled", Severity::Note),
        (Code::Clr011, "assembly-from-path", Severity::Note),
        (
            Code::Imp001,
            "owner-context-in-trustworthy-database",
            Severity::Warning,
        ),
        (Code::Imp002, "impersonate-permission", Severity::Warning),
        (Code::Imp003, "missing-revert", Severity::Warning),
        (Code::Imp004, "elevated-dynamic-sql", Severity::Error),
        (
            Code::Imp005,
            "cross-database-ownership-chaining",
            Severity::Warning,
        ),
        (Code::Imp006, "setuser", Severity::Warning),
        (
            Code::Imp007,
            "external-access-under-impersonation",
            Severity::Warning,
        ),
        (Code::Imp008, "execute-as-login", Severity::Warning),
        (
            Code::Imp009,
            "elevated-dynamic-sql-from-stored-data",
            Severity::Warning,
        ),
        (Code::Sql001, "syntax-error", Severity::Error),
        (Code::Sql002, "unknown-sqlcmd-variable", Severity::Warning),
        (Code::Sql003, "unused-suppression", Severity::Note),
        (Code::Sql004, "unreadable-input", Severity::Error),
    ];
    let registered: Vec<_> = rules::all()
        .into_iter()
        .filter(|rule| matches!(rule.meta.code.group(), "CLR" | "IMP" | "SQL"))
        .map(|rule| (rule.meta.code, rule.meta.name, rule.meta.severity))
        .collect();
    assert_eq!(registered, catalogue);
}
