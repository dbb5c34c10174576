//! Diagnostics: what the rules report, independent of any output format.

use std::fmt;
use std::path::{Path, PathBuf};

use syntax::{LineIndex, TextRange};

/// How serious a finding is (see the catalogue's severities).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text.to_ascii_lowercase().as_str() {
            "note" | "info" => Some(Severity::Note),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($($variant:ident = $text:literal,)*) => {
        /// A rule's stable code. Codes are declared, never derived from type names, so
        /// renaming a type cannot change what users suppress or configure.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }

            /// The code for its text, in any case.
            pub fn parse(text: &str) -> Option<Code> {
                let upper = text.trim().to_ascii_uppercase();
                Code::ALL.iter().copied().find(|code| code.as_str() == upper)
            }
        }
    };
}

codes! {
    Clr001 = "CLR001", Clr002 = "CLR002", Clr003 = "CLR003", Clr004 = "CLR004",
    Clr005 = "CLR005", Clr006 = "CLR006", Clr007 = "CLR007", Clr008 = "CLR008",
    Clr010 = "CLR010", Clr011 = "CLR011",
    Cls001 = "CLS001", Cls002 = "CLS002", Cls003 = "CLS003", Cls004 = "CLS004",
    Cls005 = "CLS005", Cls006 = "CLS006", Cls007 = "CLS007", Cls008 = "CLS008",
    Cls009 = "CLS009", Cls010 = "CLS010", Cls011 = "CLS011", Cls012 = "CLS012",
    Prm001 = "PRM001", Prm002 = "PRM002", Prm003 = "PRM003", Prm004 = "PRM004",
    Prm005 = "PRM005", Prm006 = "PRM006", Prm007 = "PRM007", Prm008 = "PRM008",
    Prm009 = "PRM009", Prm010 = "PRM010", Prm011 = "PRM011",
    Imp001 = "IMP001", Imp002 = "IMP002", Imp003 = "IMP003", Imp004 = "IMP004",
    Imp005 = "IMP005", Imp006 = "IMP006", Imp007 = "IMP007", Imp008 = "IMP008",
    Imp009 = "IMP009",
    Sql001 = "SQL001", Sql002 = "SQL002", Sql003 = "SQL003", Sql004 = "SQL004",
}

impl Code {
    /// The group prefix (`PRM`, `CLR`, …) that configuration and suppressions may name.
    pub fn group(self) -> &'static str {
        &self.as_str()[..3]
    }

    /// True when `selector` (a code or a prefix such as `PRM` or `PRM00`) selects this code.
    pub fn matches(self, selector: &str) -> bool {
        let selector = selector.trim().to_ascii_uppercase();
        !selector.is_empty() && (selector == "ALL" || self.as_str().starts_with(&selector))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Index of a file in [`SourceFiles`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A place in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub file: FileId,
    pub range: TextRange,
}

/// A further place that tells part of a finding's story: the grant, the module, the
/// owner, the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// One sentence or two naming the principals and objects involved.
    pub message: String,
    pub location: Location,
    pub related: Vec<Related>,
    /// How to fix it, when there is a concrete suggestion (`GRANT EXECUTE ON … TO …`).
    pub fix: Option<String>,
}

/// Every file a run read (scripts, included files, `.sqlproj` files), with its decoded
/// text, so that output formats can show code frames and convert positions.
///
/// Each file is shared (`Arc`), so that a copy of the whole set (a language server's
/// snapshot for a worker thread) costs a pointer per file, and replacing one file's text
/// ([`SourceFiles::set_text`]) leaves every other file untouched.
#[derive(Clone, Debug, Default)]
pub struct SourceFiles {
    files: Vec<std::sync::Arc<SourceFile>>,
    /// Files by absolute path, so that adding thousands of files stays linear.
    by_absolute: std::collections::HashMap<PathBuf, FileId>,
}

#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path as users should see it: relative to the folder the run was asked about
    /// when the file is inside it, else as given.
    pub path: PathBuf,
    /// The absolute path on disk (or the client's URI path for an unsaved buffer).
    pub absolute: PathBuf,
    pub text: String,
    pub line_index: LineIndex,
}

impl SourceFiles {
    pub fn add(&mut self, path: PathBuf, absolute: PathBuf, text: String) -> FileId {
        if let Some(id) = self.find(&absolute) {
            return id;
        }
        let line_index = LineIndex::new(&text);
        let id = FileId(self.files.len() as u32);
        self.by_absolute.insert(absolute.clone(), id);
        self.files.push(std::sync::Arc::new(SourceFile {
            path,
            absolute,
            text,
            line_index,
        }));
        id
    }

    /// Replaces a file's text (an editor's change, or the file changed on disk); its id,
    /// paths and every other file stay as they are.
    pub fn set_text(&mut self, id: FileId, text: String) {
        let old = &self.files[id.0 as usize];
        let line_index = LineIndex::new(&text);
        self.files[id.0 as usize] = std::sync::Arc::new(SourceFile {
            path: old.path.clone(),
            absolute: old.absolute.clone(),
            text,
            line_index,
        });
    }

    pub fn find(&self, absolute: &Path) -> Option<FileId> {
        self.by_absolute.get(absolute).copied()
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), &**f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Sorts diagnostics deterministically: by file path, position, code, then message.
pub fn sort(diagnostics: &mut [Diagnostic], files: &SourceFiles) {
    diagnostics.sort_by(|a, b| {
        let pa = &files.get(a.location.file).path;
        let pb = &files.get(b.location.file).path;
        pa.cmp(pb)
            .then(a.location.range.start().cmp(&b.location.range.start()))
            .then(a.code.cmp(&b.code))
            .then(a.message.cmp(&b.message))
    });
}
