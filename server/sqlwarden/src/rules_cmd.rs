//! `sqlwarden rule CODE` and `sqlwarden rules`: the rules' documentation on the terminal.

use std::fmt::Write;

use analysis::Code;

/// The documentation of one rule, or an error for an unknown or unimplemented code.
pub fn rule(code: &str) -> Result<String, String> {
    let parsed = Code::parse(code)
        .ok_or_else(|| format!("`{code}` is not a rule code (`sqlwarden rules` lists them)"))?;
    let rule = analysis::rules::find(parsed)
        .ok_or_else(|| format!("{parsed} has no rule in this version of sqlwarden"))?;
    let meta = &rule.meta;
    let mut out = String::new();
    let _ = writeln!(out, "{} {} ({})", meta.code, meta.name, meta.severity);
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", meta.summary);
    let _ = writeln!(out);
    out.push_str(meta.doc.trim_end());
    out.push('\n');
    Ok(out)
}

/// One line per registered rule: code, name, default severity and summary, aligned.
pub fn rules() -> String {
    let rules = analysis::rules::all();
    let name_width = rules.iter().map(|r| r.meta.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in rules {
        let meta = &rule.meta;
        let _ = writeln!(
            out,
            "{:<6}  {:<name_width$}  {:<7}  {}",
            meta.code.as_str(),
            meta.name,
            meta.severity.as_str(),
            meta.summary
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_codes_are_errors() {
        assert!(rule("NOPE01").is_err_and(|e| e.contains("not a rule code")));
    }

    #[test]
    fn every_registered_rule_is_listed_and_documented() {
        let listing = rules();
        for registered in analysis::rules::all() {
            let code = registered.meta.code.as_str();
            assert!(
                listing.lines().any(|line| line.starts_with(code)),
                "{code} missing from the listing"
            );
            let doc = rule(&code.to_lowercase()).expect("documented");
            assert!(doc.starts_with(&format!("{code} {}", registered.meta.name)));
        }
    }
}
