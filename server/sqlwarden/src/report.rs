//! The findings of one run, prepared once for every output format: display paths
//! relative to the run's root, 1-based positions in Unicode code points, rule names and
//! fingerprints. Formats only arrange these values; none of them converts positions.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use analysis::{Code, Diagnostic, Location, Severity, SourceFiles};
use sha2::{Digest, Sha256};

/// A 1-based line and a 1-based column counted in Unicode code points, as SARIF's
/// default `columnKind` (`unicodeCodePoints`) and most people count them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// A range of one file, ready to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// The path with `/` separators: relative to the root when the file is inside it,
    /// else absolute.
    pub path: String,
    /// True when `path` is relative to the root.
    pub relative: bool,
    pub start: Position,
    /// The position just after the range (exclusive, as SARIF's `endColumn`).
    pub end: Position,
}

/// A related location, ready to print.
#[derive(Clone, Debug)]
pub struct RelatedPlace {
    pub place: Place,
    pub location: Location,
    pub message: String,
}

/// One finding with everything the formats need.
#[derive(Clone, Debug)]
pub struct Finding<'a> {
    pub diagnostic: &'a Diagnostic,
    /// The rule's kebab-case name; empty when no rule with this code is registered.
    pub name: &'static str,
    pub place: Place,
    pub related: Vec<RelatedPlace>,
    /// Stays the same when lines are added or removed elsewhere in the file.
    pub fingerprint: String,
}

impl Finding<'_> {
    pub fn code(&self) -> Code {
        self.diagnostic.code
    }

    pub fn severity(&self) -> Severity {
        self.diagnostic.severity
    }

    pub fn message(&self) -> &str {
        &self.diagnostic.message
    }
}

/// Counts for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Files with at least one finding.
    pub files_with_findings: usize,
    /// Files the run reports on: every file it read, or the files given alone.
    pub files_checked: usize,
}

/// The findings of one run, sorted as the analysis sorts them.
pub struct Report<'a> {
    pub files: &'a SourceFiles,
    /// The folder that relative paths start from (SARIF's `%SRCROOT%`).
    pub root: Option<PathBuf>,
    pub findings: Vec<Finding<'a>>,
    /// The program's arguments, for SARIF's `invocations` (empty in unit tests).
    pub command_line: Vec<String>,
    /// When the run started, in UTC (`YYYY-MM-DDTHH:MM:SS`), and the machine's name:
    /// JUnit's suites state both.
    pub timestamp: String,
    pub hostname: String,
    /// When only files given alone are reported on, how many: their projects' other
    /// files were read but are not "checked" in the summary's sense.
    pub files_in_scope: Option<usize>,
}

impl<'a> Report<'a> {
    /// Prepares `diagnostics` (already sorted) for output. `root` is the folder relative
    /// paths start from; files outside it keep their absolute path.
    pub fn new(
        files: &'a SourceFiles,
        diagnostics: &'a [Diagnostic],
        root: Option<PathBuf>,
    ) -> Self {
        let mut occurrences: HashMap<(Code, String, String), u32> = HashMap::new();
        let names: HashMap<Code, &'static str> = analysis::rules::all()
            .into_iter()
            .map(|rule| (rule.meta.code, rule.meta.name))
            .collect();
        let findings = diagnostics
            .iter()
            .map(|diagnostic| {
                let place = place(files, root.as_deref(), diagnostic.location);
                let related = diagnostic
                    .related
                    .iter()
                    .map(|related| RelatedPlace {
                        place: place_of(files, root.as_deref(), related.location),
                        location: related.location,
                        message: related.message.clone(),
                    })
                    .collect();
                let line_text = normalised_line_text(files, diagnostic.location);
                // The loader's path is relative to the folder that was checked, not to
                // the current folder, so a baseline keeps matching wherever it is run.
                let project_path = slash_path(&files.get(diagnostic.location.file).path);
                let key = (diagnostic.code, project_path, line_text);
                let occurrence = occurrences.entry(key.clone()).or_insert(0);
                let fingerprint = fingerprint(key.0, &key.1, &key.2, *occurrence);
                *occurrence += 1;
                Finding {
                    diagnostic,
                    name: names.get(&diagnostic.code).copied().unwrap_or(""),
                    place,
                    related,
                    fingerprint,
                }
            })
            .collect();
        Report {
            files,
            root,
            findings,
            command_line: Vec::new(),
            timestamp: "1970-01-01T00:00:00".to_owned(),
            hostname: "localhost".to_owned(),
            files_in_scope: None,
        }
    }

    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            files_checked: self.files_in_scope.unwrap_or(self.files.len()),
            ..Summary::default()
        };
        let mut seen = std::collections::BTreeSet::new();
        for finding in &self.findings {
            match finding.severity() {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Note => summary.notes += 1,
            }
            seen.insert(finding.diagnostic.location.file);
        }
        summary.files_with_findings = seen.len();
        summary
    }
}

/// `YYYY-MM-DDTHH:MM:SS` in UTC for a time since the Unix epoch (the proleptic Gregorian
/// calendar, by Howard Hinnant's `civil_from_days`).
pub fn utc_timestamp(time: std::time::SystemTime) -> String {
    let seconds = time
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (seconds / 86_400) as i64;
    let rest = seconds % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60
    )
}

/// Counts per rule, most frequent first (then by code), with the rule's name and the
/// severity its findings were reported at (the highest, when configured per path).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleCount {
    pub code: Code,
    pub name: &'static str,
    pub severity: Severity,
    pub count: usize,
}

impl Report<'_> {
    pub fn counts(&self) -> Vec<RuleCount> {
        let mut by_code: std::collections::BTreeMap<Code, RuleCount> = Default::default();
        for finding in &self.findings {
            let entry = by_code.entry(finding.code()).or_insert(RuleCount {
                code: finding.code(),
                name: finding.name,
                severity: finding.severity(),
                count: 0,
            });
            entry.count += 1;
            entry.severity = entry.severity.max(finding.severity());
        }
        let mut counts: Vec<RuleCount> = by_code.into_values().collect();
        counts.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.code.as_str().cmp(b.code.as_str()))
        });
        counts
    }

    /// The findings, most important first: by severity, then the security rules
    /// before the text rules (SQL), then by [`security_severity`], then in output order.
    pub fn by_importance(&self) -> Vec<&Finding<'_>> {
        let mut findings: Vec<&Finding<'_>> = self.findings.iter().collect();
        findings.sort_by(|a, b| {
            b.severity()
                .cmp(&a.severity())
                .then_with(|| is_text_rule(a.code()).cmp(&is_text_rule(b.code())))
                .then_with(|| {
                    let score = |f: &Finding<'_>| security_severity(f.code()).unwrap_or(0.0);
                    score(b).total_cmp(&score(a))
                })
        });
        findings
    }
}

/// True for the rules about the text itself (parse errors, variables, suppressions,
/// unreadable files) rather than about security.
pub fn is_text_rule(code: Code) -> bool {
    code.group() == "SQL"
}

/// GitHub code scanning's `security-severity` for a rule (0.1 to 10: 9.0 and up is
/// critical, 7.0 high, 4.0 medium, below that low), calibrated per rule by what an
/// attacker or a mistake gains: injection with elevated rights scores highest, needless
/// elevation and privilege management high or medium, findings that only mean a
/// deployment or a call will fail (a missing permission, an unresolved name) low. The
/// text rules (SQL) are not security alerts and have none. A rule not listed here (one
/// added later) scores by its default severity.
pub fn security_severity(code: Code) -> Option<f64> {
    if is_text_rule(code) {
        return None;
    }
    Some(match code.as_str() {
        "IMP004" => 9.1,
        "IMP001" => 8.4,
        "IMP009" => 8.1,
        "CLR004" => 7.5,
        "CLR003" => 7.5,
        "CLR001" => 7.2,
        "PRM009" => 7.2,
        "IMP005" => 6.5,
        "IMP002" => 6.5,
        "PRM008" => 6.5,
        "CLR005" => 6.5,
        "IMP007" => 6.0,
        "IMP008" => 6.0,
        "IMP003" => 5.5,
        "CLR002" => 5.5,
        "PRM005" => 5.3,
        "PRM010" => 5.3,
        "IMP006" => 5.0,
        "PRM011" => 4.5,
        "PRM007" => 4.0,
        "CLR011" => 3.5,
        "CLR006" => 3.5,
        "PRM001" | "PRM002" | "PRM003" | "PRM004" => 3.0,
        "CLR008" => 3.0,
        "CLR010" => 2.0,
        "PRM006" | "CLR007" => 2.0,
        // The C# of SQLCLR assemblies: needless trust and impersonation left in force are
        // security findings; code that SQL Server refuses to load or run fails a deployment.
        "CLS008" | "CLS010" => 5.5,
        "CLS012" => 4.5,
        "CLS009" | "CLS011" => 3.0,
        "CLS001" | "CLS002" | "CLS003" | "CLS004" | "CLS005" | "CLS006" | "CLS007" => 2.0,
        _ => {
            return Some(match analysis::rules::find(code).map(|r| r.meta.severity) {
                Some(Severity::Error) => 7.0,
                Some(Severity::Warning) => 5.0,
                _ => 2.0,
            });
        }
    })
}

/// The CWE entries that fit a rule, where one does: CWE-89 for SQL injection, CWE-250
/// for needless elevation (execution with unnecessary privileges), CWE-269 for privilege
/// management, CWE-732 for grants to everyone, CWE-284 for the guest user, CWE-271 for
/// impersonation never reverted, CWE-829 for an assembly loaded from outside the project.
pub fn cwes(code: Code) -> &'static [u32] {
    match code.as_str() {
        "IMP004" | "IMP009" => &[89, 250],
        "IMP001" | "CLR003" | "CLR001" | "CLR002" | "IMP007" | "IMP008" => &[250],
        "PRM007" | "PRM008" | "PRM009" | "PRM011" | "IMP002" | "IMP005" | "CLR005" => &[269],
        "CLR004" => &[693],
        "PRM005" => &[732],
        "PRM010" => &[284],
        "IMP003" => &[271],
        "IMP006" => &[477, 269],
        "CLR011" => &[829],
        "CLS008" | "CLS012" => &[250],
        "CLS010" => &[271],
        _ => &[],
    }
}

fn place(files: &SourceFiles, root: Option<&Path>, location: Location) -> Place {
    place_of(files, root, location)
}

/// Converts a location to a printable place. A range that ends at the very start of a
/// line (after a line break) is shown as ending at the end of the line before, so that a
/// statement's trailing newline does not make it look one line longer.
pub fn place_of(files: &SourceFiles, root: Option<&Path>, location: Location) -> Place {
    let file = files.get(location.file);
    let text = file.text.as_str();
    let start = location.range.start().min(text.len());
    let mut end = location.range.end().clamp(start, text.len());
    while end > start && matches!(text.as_bytes().get(end - 1), Some(b'\n' | b'\r')) {
        end -= 1;
    }
    let to_position = |offset: usize| {
        let lc = file.line_index.chars(offset, text);
        Position {
            line: lc.line + 1,
            column: lc.col + 1,
        }
    };
    let (path, relative) = display_path(root, &file.absolute, &file.path);
    Place {
        path,
        relative,
        start: to_position(start),
        end: to_position(end),
    }
}

/// The path people see: relative to `root` when the file is inside it, else absolute
/// (or as the loader gave it). Separators are always `/`.
pub fn display_path(root: Option<&Path>, absolute: &Path, given: &Path) -> (String, bool) {
    if let Some(root) = root
        && let Ok(relative) = absolute.strip_prefix(root)
        && !relative.as_os_str().is_empty()
    {
        return (slash_path(relative), true);
    }
    if absolute.is_absolute() {
        (slash_path(absolute), false)
    } else {
        (slash_path(given), given.is_relative())
    }
}

/// A path with `/` separators and without `.` components.
fn slash_path(path: &Path) -> String {
    let mut out = String::new();
    for component in path.components() {
        let part = match component {
            Component::RootDir => {
                out.push('/');
                continue;
            }
            Component::CurDir => continue,
            Component::Prefix(prefix) => prefix.as_os_str().to_string_lossy(),
            Component::ParentDir => "..".into(),
            Component::Normal(part) => part.to_string_lossy(),
        };
        if !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        out.push_str(&part);
    }
    out
}

/// The text of the lines a finding starts on, with runs of whitespace collapsed and
/// letters lower-cased, so that re-indenting or re-casing keywords keeps the fingerprint.
fn normalised_line_text(files: &SourceFiles, location: Location) -> String {
    let file = files.get(location.file);
    let text = file.text.as_str();
    let line = file
        .line_index
        .line_of(location.range.start().min(text.len()));
    let range = file.line_index.line_range(line, text);
    let line_text = text.get(range.as_range()).unwrap_or("");
    line_text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A fingerprint from the code, the file (relative to the checked folder), the
/// normalised text of the offending line and the occurrence of that triple in the file:
/// never from line numbers, so that findings keep their identity when lines move.
fn fingerprint(code: Code, path: &str, line_text: &str, occurrence: u32) -> String {
    let mut hasher = Sha256::new();
    for part in [code.as_str(), path, line_text, &occurrence.to_string()] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    let digest = hasher.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use analysis::{FileId, Related};
    use syntax::TextRange;

    /// Two files and three findings: the fixture every format's unit tests render.
    pub(crate) fn sample() -> (SourceFiles, Vec<Diagnostic>) {
        let mut files = SourceFiles::default();
        let procs = files.add(
            PathBuf::from("procs.sql"),
            PathBuf::from("/proj/procs.sql"),
            "CREATE PROCEDURE dbo.quote AS\nBEGIN\n    EXEC pricing.current_price;\nEND\n"
                .to_string(),
        );
        let security = files.add(
            PathBuf::from("security.sql"),
            PathBuf::from("/proj/security.sql"),
            "CREATE ROLE sales_app;\r\nGRANT EXECUTE ON dbo.quote TO sales_app;\r\n-- é, 𝄞: \"x\"\r\nGRANT SELECT ON t TO public;\r\n"
                .to_string(),
        );
        let exec = "CREATE PROCEDURE dbo.quote AS\nBEGIN\n    EXEC ".len();
        let grant_line = "CREATE ROLE sales_app;\r\n".len();
        let public_line = "CREATE ROLE sales_app;\r\nGRANT EXECUTE ON dbo.quote TO sales_app;\r\n-- é, 𝄞: \"x\"\r\n".len();
        let diagnostics = vec![
            Diagnostic {
                code: Code::Prm001,
                severity: Severity::Error,
                message: "sales_app may execute dbo.quote, which calls pricing.current_price across a broken ownership chain".into(),
                location: Location {
                    file: procs,
                    range: TextRange::new(exec, exec + "pricing.current_price".len()),
                },
                related: vec![Related {
                    location: Location {
                        file: security,
                        range: TextRange::new(grant_line, grant_line + 40),
                    },
                    message: "the grant that lets sales_app execute dbo.quote".into(),
                }],
                fix: Some("GRANT EXECUTE ON pricing.current_price TO sales_app;".into()),
            },
            Diagnostic {
                code: Code::Prm005,
                severity: Severity::Warning,
                message: "SELECT on t, granted to public: every user, 100% of them, gets it,\nand guests too".into(),
                location: Location {
                    file: security,
                    range: TextRange::new(public_line, public_line + "GRANT SELECT ON t TO public;\r\n".len()),
                },
                related: vec![],
                fix: None,
            },
            Diagnostic {
                code: Code::Sql003,
                severity: Severity::Note,
                message: "this suppression suppressed nothing".into(),
                location: Location {
                    file: FileId(1),
                    range: TextRange::new(public_line - 15, public_line - 2),
                },
                related: vec![],
                fix: None,
            },
        ];
        (files, diagnostics)
    }

    #[test]
    fn positions_are_one_based_code_points_and_trailing_newlines_are_trimmed() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/proj")));
        let chain = &report.findings[0].place;
        assert_eq!(chain.path, "procs.sql");
        assert!(chain.relative);
        assert_eq!(
            chain.start,
            Position {
                line: 3,
                column: 10
            }
        );
        assert_eq!(
            chain.end,
            Position {
                line: 3,
                column: 31
            }
        );
        // The range covers the line break; the place ends at the line's end instead.
        let public = &report.findings[1].place;
        assert_eq!((public.start.line, public.end.line), (4, 4));
        assert_eq!(public.end.column, 29);
        // `é` and `𝄞` are one code point each, though two and four bytes long.
        let note = &report.findings[2].place;
        assert_eq!(note.start, Position { line: 3, column: 4 });
        assert_eq!(
            note.end,
            Position {
                line: 3,
                column: 13
            }
        );
    }

    #[test]
    fn files_outside_the_root_keep_absolute_paths() {
        let (files, diagnostics) = sample();
        let report = Report::new(&files, &diagnostics, Some(PathBuf::from("/elsewhere")));
        assert_eq!(report.findings[0].place.path, "/proj/procs.sql");
        assert!(!report.findings[0].place.relative);
    }

    #[test]
    fn fingerprints_survive_moved_lines_and_tell_repeats_apart() {
        let text = "GRANT SELECT ON t TO public;\nGRANT SELECT ON t TO public;\n";
        let shifted = format!(
            "-- a new first line\n\n{}",
            text.replace("GRANT SELECT", "grant   SELECT")
        );
        let before = fingerprints_of_selects(text);
        assert_eq!(before.len(), 2);
        assert_ne!(before[0], before[1]);
        assert_eq!(before, fingerprints_of_selects(&shifted));
    }

    /// The fingerprints of a PRM005 finding at each `SELECT` of a file `a.sql`.
    fn fingerprints_of_selects(text: &str) -> Vec<String> {
        let mut files = SourceFiles::default();
        let file = files.add(
            PathBuf::from("a.sql"),
            PathBuf::from("/p/a.sql"),
            text.to_string(),
        );
        let diagnostics: Vec<Diagnostic> = text
            .match_indices("SELECT")
            .map(|(at, _)| Diagnostic {
                code: Code::Prm005,
                severity: Severity::Warning,
                message: "m".into(),
                location: Location {
                    file,
                    range: TextRange::new(at, at + 6),
                },
                related: vec![],
                fix: None,
            })
            .collect();
        Report::new(&files, &diagnostics, Some(PathBuf::from("/p")))
            .findings
            .iter()
            .map(|f| f.fingerprint.clone())
            .collect()
    }

    mod fingerprint_laws {
        use proptest::prelude::*;

        use super::fingerprints_of_selects;

        fn grants(tables: &[String]) -> Vec<String> {
            tables
                .iter()
                .map(|t| format!("GRANT SELECT ON dbo.{t} TO public;"))
                .collect()
        }

        proptest! {
            /// Lines added anywhere (blank lines, comments, other statements) and
            /// indentation or line ends changed leave every finding its fingerprint,
            /// repeats included: a baseline still hides the same findings.
            #[test]
            fn fingerprints_stay_when_lines_move(
                tables in prop::collection::vec("[a-c]{1,2}", 1..8),
                inserted in prop::collection::vec(
                    (0usize..10, prop_oneof![
                        Just(String::new()),
                        "-- [a-z ]{0,12}",
                        Just("CREATE TABLE dbo.x (id int);".to_owned()),
                    ]),
                    0..8,
                ),
                indent in "[ \t]{0,4}",
                crlf in any::<bool>(),
            ) {
                let lines = grants(&tables);
                let before = fingerprints_of_selects(&(lines.join("\n") + "\n"));
                let mut moved: Vec<String> = lines.iter().map(|l| format!("{indent}{l}")).collect();
                for (at, line) in &inserted {
                    let at = (*at).min(moved.len());
                    moved.insert(at, line.clone());
                }
                let end = if crlf { "\r\n" } else { "\n" };
                let after = fingerprints_of_selects(&(moved.join(end) + end));
                prop_assert_eq!(before, after);
            }

            /// Changing what one finding's line says changes that finding's fingerprint
            /// and no other's, when the lines are all different.
            #[test]
            fn a_changed_line_changes_only_its_own_fingerprint(
                tables in prop::collection::btree_set("[a-z]{1,6}", 2..8),
                pick in any::<prop::sample::Index>(),
            ) {
                let tables: Vec<String> = tables.into_iter().collect();
                let lines = grants(&tables);
                let before = fingerprints_of_selects(&(lines.join("\n") + "\n"));
                let which = pick.index(lines.len());
                let mut changed = lines.clone();
                changed[which] = format!("GRANT SELECT ON dbo.{}_renamed TO public;", tables[which]);
                let after = fingerprints_of_selects(&(changed.join("\n") + "\n"));
                for (i, (b, a)) in before.iter().zip(&after).enumerate() {
                    if i == which {
                        prop_assert_ne!(b, a);
                    } else {
                        prop_assert_eq!(b, a);
                    }
                }
            }
        }
    }

    /// Every registered security rule has a score in GitHub's range, and the order of
    /// importance puts injection first among them.
    #[test]
    fn every_security_rule_is_scored() {
        for rule in analysis::rules::all() {
            let code = rule.meta.code;
            match security_severity(code) {
                None => assert!(is_text_rule(code), "{code} has no score"),
                Some(score) => assert!((0.1..=10.0).contains(&score), "{code}: {score}"),
            }
        }
        let top = analysis::rules::all()
            .into_iter()
            .filter_map(|r| security_severity(r.meta.code).map(|s| (s, r.meta.code)))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, code)| code);
        assert_eq!(top, Some(Code::Imp004));
    }

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        let at = |s: u64| utc_timestamp(std::time::UNIX_EPOCH + std::time::Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00");
        // 2024-02-29 12:34:56 UTC, a leap day.
        assert_eq!(at(1_709_210_096), "2024-02-29T12:34:56");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00");
    }

    #[test]
    fn display_paths_use_slashes_and_drop_dot_components() {
        let (path, relative) = display_path(
            Some(Path::new("/r")),
            Path::new("/r/./a/b.sql"),
            Path::new("x"),
        );
        assert_eq!((path.as_str(), relative), ("a/b.sql", true));
    }
}
