//! `sqlwarden.toml`: rule selection, severity overrides, per-path ignores, excluded
//! globs, SQLCMD variables, the default schema and the encoding of files that have no
//! byte-order mark and are not UTF-8. Found upward from the checked path;
//! command-line flags win over it.
//!
//! ```toml
//! select = ["PRM", "CLR001"]
//! ignore = ["PRM008"]
//! exclude = ["legacy/**"]
//! default-schema = "app"
//! encoding = "windows-1252"
//! clr-strict-security = false   # the target server's setting, when the project's differs
//!
//! [severity]
//! PRM007 = "warning"
//!
//! [per-file-ignores]
//! "migrations/**" = ["PRM005"]
//!
//! [variables]
//! Env = "dev"
//! ```
//!
//! A file that does not say what it means is an error naming the file, line and column:
//! an unknown key, a code that does not exist, a glob that does not parse.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Code, Diagnostic, Severity, SourceFile, SourceFiles};
use crate::load::LoadError;

/// The configuration file's name.
pub const FILE_NAME: &str = "sqlwarden.toml";

#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The file this came from, when one was found.
    pub path: Option<PathBuf>,
    /// Codes or prefixes to report; empty means all.
    pub select: Vec<String>,
    /// Codes or prefixes never to report.
    pub ignore: Vec<String>,
    pub severity: BTreeMap<Code, Severity>,
    /// Glob (relative to the config file's folder) to codes or prefixes ignored there.
    pub per_path_ignores: Vec<(String, Vec<String>)>,
    /// Globs of files to leave out of the run.
    pub exclude: Vec<String>,
    /// `--exclude` globs, relative to the folder the command was run in.
    pub command_line_exclude: Option<(PathBuf, Vec<String>)>,
    pub variables: BTreeMap<String, String>,
    pub default_schema: Option<String>,
    /// What a file without a byte-order mark that is not UTF-8 is read as.
    pub encoding: crate::load::decode::Fallback,
    /// The target server's `clr strict security`, when the configuration says: it wins
    /// over what the project implies (its `DSP`, its `sp_configure` calls).
    pub clr_strict_security: Option<bool>,
}

/// The file as written; spans let errors point at the offending value.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default, alias = "per-path-ignores")]
    per_file_ignores: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    variables: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    default_schema: Option<Spanned<String>>,
    #[serde(default)]
    encoding: Option<Spanned<String>>,
    #[serde(default)]
    clr_strict_security: Option<bool>,
}

impl Config {
    /// Looks for `sqlwarden.toml` in `start` and each folder above it; the default
    /// configuration when there is none.
    pub fn discover(start: &Path) -> Result<Config, LoadError> {
        for dir in start.ancestors() {
            let candidate = dir.join(FILE_NAME);
            if candidate.is_file() {
                return Config::load(&candidate);
            }
        }
        Ok(Config::default())
    }

    /// Reads a configuration file.
    pub fn load(path: &Path) -> Result<Config, LoadError> {
        let bytes = std::fs::read(path).map_err(|e| LoadError::Io {
            path: path.to_path_buf(),
            message: format!("cannot read the configuration file: {e}"),
        })?;
        let text = crate::load::decode::decode(&bytes).map_err(|e| LoadError::Io {
            path: path.to_path_buf(),
            message: format!("the configuration file {}", e.0),
        })?;
        let mut config = Config::parse(&text).map_err(|(offset, message)| {
            let (line, column) = line_col(&text, offset);
            LoadError::Config {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        })?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses a configuration's text; an error is a byte offset and a message.
    pub fn parse(text: &str) -> Result<Config, (usize, String)> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            (offset, e.message().trim().to_owned())
        })?;
        let selectors = |list: Vec<Spanned<String>>, key: &str| {
            list.into_iter()
                .map(|s| {
                    check_selector(s.get_ref())
                        .map(|()| s.get_ref().trim().to_owned())
                        .map_err(|m| (s.span().start, format!("`{key}`: {m}")))
                })
                .collect::<Result<Vec<String>, _>>()
        };
        let mut config = Config {
            select: selectors(raw.select, "select")?,
            ignore: selectors(raw.ignore, "ignore")?,
            variables: BTreeMap::new(),
            default_schema: raw.default_schema.map(|s| s.into_inner().trim().to_owned()),
            clr_strict_security: raw.clr_strict_security,
            ..Config::default()
        };
        if let Some(label) = raw.encoding {
            config.encoding = crate::load::decode::Fallback::from_label(label.get_ref())
                .map_err(|m| (label.span().start, format!("`encoding`: {m}")))?;
        }
        if config.default_schema.as_deref() == Some("") {
            return Err((0, "`default-schema` must not be empty".to_owned()));
        }
        // Prefixes first, so that an exact code overrides its group.
        let mut severities: Vec<_> = raw.severity.into_iter().collect();
        severities.sort_by_key(|(key, _)| Code::parse(key.get_ref()).is_some());
        for (key, value) in severities {
            check_selector(key.get_ref())
                .map_err(|m| (key.span().start, format!("`severity`: {m}")))?;
            let severity = Severity::parse(value.get_ref()).ok_or_else(|| {
                (
                    value.span().start,
                    format!(
                        "`severity`: `{}` is not a severity (expected \"error\", \"warning\" or \"note\")",
                        value.get_ref()
                    ),
                )
            })?;
            for code in Code::ALL.iter().filter(|c| c.matches(key.get_ref())) {
                config.severity.insert(*code, severity);
            }
        }
        for (glob, codes) in raw.per_file_ignores {
            check_glob(glob.get_ref()).map_err(|m| (glob.span().start, m))?;
            let codes = selectors(codes, "per-file-ignores")?;
            config.per_path_ignores.push((glob.into_inner(), codes));
        }
        for (name, value) in raw.variables {
            // sqlcmd substitutes text, so a number or a boolean stands for its digits.
            let text = match value.get_ref() {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                _ => {
                    return Err((
                        value.span().start,
                        format!("`variables`: `{name}` must be a string, a number or a boolean"),
                    ));
                }
            };
            config.variables.insert(name, text);
        }
        for glob in raw.exclude {
            check_glob(glob.get_ref()).map_err(|m| (glob.span().start, m))?;
            config.exclude.push(glob.into_inner());
        }
        Ok(config)
    }

    /// The folder that relative globs start from.
    pub fn base(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }

    /// True when this configuration's `exclude` globs leave `absolute` out.
    pub fn excludes(&self, absolute: &Path) -> bool {
        if let Some((base, globs)) = &self.command_line_exclude
            && let Some(rel) = crate::load::includes::relative_slash(absolute, base)
            && build_set(globs).is_some_and(|set| matches_path(&set, &rel))
        {
            return true;
        }
        let Some(base) = self.base() else {
            return false;
        };
        let Some(rel) = crate::load::includes::relative_slash(absolute, base) else {
            return false;
        };
        build_set(&self.exclude).is_some_and(|set| matches_path(&set, &rel))
    }

    /// True when the configuration reports `code` at all (select and ignore).
    pub fn selects(&self, code: Code) -> bool {
        (self.select.is_empty() || self.select.iter().any(|s| code.matches(s)))
            && !self.ignore.iter().any(|s| code.matches(s))
    }
}

/// A compiled configuration, for filtering many diagnostics.
struct Filter<'a> {
    config: &'a Config,
    per_path: Vec<(GlobSet, &'a [String])>,
}

/// Filters diagnostics by `select`, `ignore` and the per-path ignores, and applies the
/// severity overrides.
pub fn apply(
    config: &Config,
    files: &SourceFiles,
    diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let filter = Filter {
        config,
        per_path: config
            .per_path_ignores
            .iter()
            .filter_map(|(glob, codes)| {
                build_set(std::slice::from_ref(glob)).map(|set| (set, codes.as_slice()))
            })
            .collect(),
    };
    diagnostics
        .into_iter()
        .filter(|d| filter.keeps(d, files.get(d.location.file)))
        .map(|mut d| {
            if let Some(&severity) = config.severity.get(&d.code) {
                d.severity = severity;
            }
            d
        })
        .collect()
}

impl Filter<'_> {
    fn keeps(&self, diagnostic: &Diagnostic, file: &SourceFile) -> bool {
        if !self.config.selects(diagnostic.code) {
            return false;
        }
        if self.per_path.is_empty() {
            return true;
        }
        let rel = self
            .config
            .base()
            .and_then(|base| crate::load::includes::relative_slash(&file.absolute, base))
            .unwrap_or_else(|| file.path.to_string_lossy().replace('\\', "/"));
        !self.per_path.iter().any(|(set, codes)| {
            codes.iter().any(|c| diagnostic.code.matches(c)) && matches_path(set, &rel)
        })
    }
}

/// True when a glob set matches the path or one of its folders (so `legacy` leaves out
/// everything below `legacy/`).
fn matches_path(set: &GlobSet, rel: &str) -> bool {
    if set.is_match(rel) {
        return true;
    }
    let mut prefix = rel;
    while let Some(cut) = prefix.rfind('/') {
        prefix = &prefix[..cut];
        if set.is_match(prefix) {
            return true;
        }
    }
    false
}

fn glob(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(pattern.trim().trim_start_matches("./"))
        .literal_separator(false)
        .build()
}

fn build_set(patterns: &[String]) -> Option<GlobSet> {
    if patterns.is_empty() {
        return None;
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        builder.add(glob(pattern).ok()?);
    }
    builder.build().ok()
}

fn check_glob(pattern: &str) -> Result<(), String> {
    glob(pattern)
        .map(|_| ())
        .map_err(|e| format!("`{pattern}` is not a valid glob: {}", e.kind()))
}

/// Accepts a code (`PRM001`), a group or other prefix of codes (`PRM`, `PRM00`), or
/// `ALL`.
fn check_selector(selector: &str) -> Result<(), String> {
    if Code::ALL.iter().any(|c| c.matches(selector)) {
        Ok(())
    } else {
        Err(format!(
            "`{selector}` is neither a rule code nor a prefix of one (such as `PRM` or `PRM001`)"
        ))
    }
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{FileId, Location};
    use syntax::TextRange;

    fn error_of(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, text).unwrap();
        Config::load(&path).unwrap_err().to_string()
    }

    #[test]
    fn parses_every_key() {
        let config = Config::parse(
            r#"
select = ["PRM", "CLR001"]
ignore = ["prm008"]
exclude = ["legacy/**"]
default-schema = "app"
encoding = "windows-1251"

[severity]
PRM = "note"
PRM007 = "warning"

[per-file-ignores]
"migrations/**" = ["PRM005"]

[variables]
Env = "dev"
Port = 1433
"#,
        )
        .unwrap();
        assert_eq!(config.select, ["PRM", "CLR001"]);
        assert_eq!(config.ignore, ["prm008"]);
        assert_eq!(config.exclude, ["legacy/**"]);
        assert_eq!(config.default_schema.as_deref(), Some("app"));
        assert_eq!(config.encoding.name(), "windows-1251");
        // The exact code wins over its group, whatever the order in the file.
        assert_eq!(config.severity.get(&Code::Prm007), Some(&Severity::Warning));
        assert_eq!(config.severity.get(&Code::Prm001), Some(&Severity::Note));
        assert_eq!(config.severity.get(&Code::Clr001), None);
        assert_eq!(
            config.per_path_ignores,
            vec![("migrations/**".to_owned(), vec!["PRM005".to_owned()])]
        );
        assert_eq!(config.variables.get("Env").map(String::as_str), Some("dev"));
        assert_eq!(
            config.variables.get("Port").map(String::as_str),
            Some("1433")
        );
        assert!(config.selects(Code::Prm001));
        assert!(config.selects(Code::Clr001));
        assert!(!config.selects(Code::Clr002));
        assert!(!config.selects(Code::Prm008));
    }

    #[test]
    fn errors_name_the_file_line_and_column() {
        let err = error_of("select = [\"PRM\"]\nfoo = 1\n");
        assert!(err.contains("sqlwarden.toml:2:1:"), "{err}");
        assert!(err.contains("unknown field `foo`"), "{err}");

        let err = error_of("select = [\"PRM\", \"XYZ9\"]\n");
        assert!(err.contains("sqlwarden.toml:1:18:"), "{err}");
        assert!(err.contains("`XYZ9` is neither a rule code"), "{err}");

        let err = error_of("\n[severity]\nPRM001 = \"loud\"\n");
        assert!(err.contains("sqlwarden.toml:3:10:"), "{err}");
        assert!(err.contains("`loud` is not a severity"), "{err}");

        let err = error_of("[severity]\nPRM999 = \"note\"\n");
        assert!(err.contains("sqlwarden.toml:2:1:"), "{err}");

        let err = error_of("exclude = [\"a/[b\"]\n");
        assert!(err.contains("sqlwarden.toml:1:12:"), "{err}");
        assert!(err.contains("not a valid glob"), "{err}");

        let err = error_of("[per-file-ignores]\n\"x/**\" = [\"NOPE\"]\n");
        assert!(err.contains("sqlwarden.toml:2:11:"), "{err}");

        let err = error_of("[variables]\nok = 1433\nbad = [1]\n");
        assert!(err.contains("sqlwarden.toml:3:7:"), "{err}");
        assert!(err.contains("`bad` must be a string"), "{err}");

        let err = error_of("ignore = []\nencoding = \"ebcdic-42\"\n");
        assert!(err.contains("sqlwarden.toml:2:12:"), "{err}");
        assert!(
            err.contains("`encoding`: `ebcdic-42` is not an encoding label"),
            "{err}"
        );

        let err = error_of("select = \n");
        assert!(err.contains("sqlwarden.toml:1:"), "{err}");
    }

    #[test]
    fn discovered_upward() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "ignore = [\"SQL\"]\n").unwrap();
        let config = Config::discover(&nested).unwrap();
        assert_eq!(
            config.path.as_deref(),
            Some(dir.path().join(FILE_NAME).as_path())
        );
        assert_eq!(config.ignore, ["SQL"]);
        assert!(Config::discover(&tempfile::tempdir().unwrap().path().join("x")).is_ok());
    }

    fn diagnostic(file: FileId, code: Code) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: String::new(),
            location: Location {
                file,
                range: TextRange::new(0, 1),
            },
            related: Vec::new(),
            fix: None,
        }
    }

    #[test]
    fn apply_filters_and_overrides() {
        let mut files = SourceFiles::default();
        let base = PathBuf::from("/repo");
        let main = files.add(
            "app/main.sql".into(),
            base.join("app/main.sql"),
            String::new(),
        );
        let old = files.add(
            "migrations/2020/old.sql".into(),
            base.join("migrations/2020/old.sql"),
            String::new(),
        );
        let mut config = Config::parse(
            r#"
select = ["PRM", "CLR001"]
ignore = ["PRM008"]
[severity]
PRM007 = "note"
[per-file-ignores]
"migrations" = ["PRM005"]
"#,
        )
        .unwrap();
        config.path = Some(base.join(FILE_NAME));
        let input = vec![
            diagnostic(main, Code::Prm001),
            diagnostic(main, Code::Prm008),
            diagnostic(main, Code::Clr002),
            diagnostic(main, Code::Clr001),
            diagnostic(main, Code::Prm005),
            diagnostic(old, Code::Prm005),
            diagnostic(old, Code::Prm007),
        ];
        let out = apply(&config, &files, input);
        let summary: Vec<(FileId, Code, Severity)> = out
            .iter()
            .map(|d| (d.location.file, d.code, d.severity))
            .collect();
        assert_eq!(
            summary,
            vec![
                (main, Code::Prm001, Severity::Error),
                (main, Code::Clr001, Severity::Error),
                (main, Code::Prm005, Severity::Error),
                (old, Code::Prm007, Severity::Note),
            ]
        );
    }

    #[test]
    fn exclude_matches_files_and_folders_below_the_config() {
        let mut config = Config::parse("exclude = [\"legacy\", \"**/*.gen.sql\"]").unwrap();
        config.path = Some(PathBuf::from("/repo").join(FILE_NAME));
        assert!(config.excludes(Path::new("/repo/legacy/a/b.sql")));
        assert!(config.excludes(Path::new("/repo/x/y.gen.sql")));
        assert!(!config.excludes(Path::new("/repo/x/y.sql")));
        assert!(!config.excludes(Path::new("/elsewhere/legacy/a.sql")));
    }
}
