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
    /// Files the run read.
    pub files_checked: usize,
}

/// The findings of one run, sorted as the analysis sorts them.
pub struct Report<'a> {
    pub files: &'a SourceFiles,
    /// The folder that relative paths start from (SARIF's `%SRCROOT%`).
    pub root: Option<PathBuf>,
    pub findings: Vec<Finding<'a>>,
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
        }
    }

    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            files_checked: self.files.len(),
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

fn place(files: &SourceFiles, root: Option<&Path>, location: Location) -> Place {
    place_of(files, root, location)
}

/// Converts a location to a printable place. A range that ends at the very start of a
/// line (after a line break) is shown as ending at the end of the line before, so that a
/// statement's trailing newline does not make it look one line longer.
pub fn place_of(files: &SourceFiles, root: Option<&Path>, location: Location) -> Place {
    let file = files.get(location.file);
    let text = file.text.as_str();
    let start = location.range.start.min(text.len());
    let mut end = location.range.end.clamp(start, text.len());
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
        .line_of(location.range.start.min(text.len()));
    let range = file.line_index.line_range(line, text);
    let line_text = text.get(range.start..range.end).unwrap_or("");
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
        let prints = |text: &str| {
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
                .collect::<Vec<_>>()
        };
        let before = prints(text);
        assert_eq!(before.len(), 2);
        assert_ne!(before[0], before[1]);
        assert_eq!(before, prints(&shifted));
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
