//! Every registered rule is documented with the catalogue's sections, and the SQL
//! example in its documentation triggers it.

use crate::model::Model;
use crate::rules::{self, Context};

use super::testing;

fn example(doc: &str) -> Option<&str> {
    let start = doc.find("```sql\n")? + "```sql\n".len();
    let len = doc[start..].find("```")?;
    Some(&doc[start..start + len])
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
        let sql = example(rule.meta.doc).unwrap_or_default();
        let (workspace, _) = testing::load(sql);
        let mut diagnostics = Vec::new();
        for project in &workspace.projects {
            let model = Model::build(&workspace, project);
            let context = Context {
                workspace: &workspace,
                project,
                model: &model,
            };
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
