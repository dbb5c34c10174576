//! Project loading: the only IO in sqlwarden.
//!
//! Bytes come in (UTF-8, UTF-8 with BOM, UTF-16 LE/BE with BOM); plain, deterministic
//! data comes out: the projects found under the given paths, their files in project
//! order, `.sqlproj` items and properties, SQLCMD variables, the `:r` graph, and every
//! file parsed and lowered once. After loading nothing reads the disk. The language
//! server overlays open buffers through [`LoadOptions::overlays`].

use std::collections::BTreeMap;
use std::path::PathBuf;

use syntax::ast::Script;

use crate::diagnostic::{Diagnostic, FileId, Location, SourceFiles};

/// What the caller adds to what is on disk.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// `--var NAME=VALUE`: SQLCMD variables that win over every other definition.
    pub variables: Vec<(String, String)>,
    /// Unsaved editor buffers by absolute path: read instead of the disk.
    pub overlays: BTreeMap<PathBuf, String>,
    /// `--default-schema`: wins over the config file and the `.sqlproj`.
    pub default_schema: Option<String>,
    /// `--config FILE`: use this file instead of searching upward for `sqlwarden.toml`.
    pub config: Option<PathBuf>,
}

/// Everything a run reads.
#[derive(Debug, Default)]
pub struct Workspace {
    pub files: SourceFiles,
    /// The parse of every SQL file, by file: `None` for `.sqlproj` and other non-SQL files.
    pub scripts: BTreeMap<FileId, ParsedFile>,
    pub projects: Vec<Project>,
    /// Problems found while loading (SQL004 unreadable input, SQL002 unknown variables).
    pub diagnostics: Vec<Diagnostic>,
    pub config: crate::config::Config,
}

/// One parsed and lowered file.
#[derive(Debug)]
pub struct ParsedFile {
    pub script: Script,
    pub errors: Vec<syntax::SyntaxError>,
}

/// A database project: one `.sqlproj`, or the loose scripts that no project claims.
#[derive(Debug, Default)]
pub struct Project {
    /// The project's name (the `.sqlproj` file stem, or the folder's name for loose scripts).
    pub name: String,
    pub root: PathBuf,
    /// The `.sqlproj` file, when there is one.
    pub project_file: Option<FileId>,
    /// The scripts to analyse, in the order state changes apply: pre-deployment scripts
    /// first, then the build items (the `.sqlproj` order, else sorted paths), then the
    /// post-deployment scripts. Files reached only through `:r`, and `None` items, are
    /// not listed here.
    pub scripts: Vec<ScriptFile>,
    /// `.sqlproj` properties the model reads (`DefaultSchema`, `Trustworthy`,
    /// `DBChainingOn`, `PermissionSet`, `DSP`), with the element's location.
    pub properties: BTreeMap<String, Property>,
    /// SQLCMD variables known before any `:setvar` runs: SSDT's built-ins, the
    /// `.sqlproj`'s `SqlCmdVariable` defaults, the config file, then `--var` (later wins).
    pub variables: BTreeMap<String, String>,
    /// The schema that one-part names resolve to (`dbo` unless configured).
    pub default_schema: String,
    /// `:r` targets: (including file, the `:r` statement's start offset) to the included
    /// file. A missing file or a cycle is absent here and reported as SQL004.
    pub includes: BTreeMap<(FileId, usize), FileId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScriptRole {
    PreDeploy,
    Build,
    PostDeploy,
}

#[derive(Clone, Copy, Debug)]
pub struct ScriptFile {
    pub file: FileId,
    pub role: ScriptRole,
}

#[derive(Clone, Debug)]
pub struct Property {
    pub value: String,
    pub location: Location,
}
