//! Whole-program tests: fixture projects in, rendered output out.
//!
//! This library holds what the integration tests in `tests/tests/` share: the `.case`
//! format of `../shared/README.md` ([`case`]), running the program ([`Program`]),
//! reading and validating SARIF logs ([`sarif`]), and fixture folders ([`project`],
//! [`copy_dir`], [`disk_state`]).

pub mod case;
pub mod sarif;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace's root folder (the parent of this package).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The folder of this package's fixtures and case files.
pub fn package_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary folder holding `files` (path, bytes; folders are made as needed).
pub fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, bytes) in files {
        let path = dir.path().join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(path, bytes).expect("file written");
    }
    dir
}

/// Copies a folder's files and subfolders into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder");
    for entry in std::fs::read_dir(from).expect("the folder") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("a copy");
        }
    }
}

/// Every entry under `root`, with its bytes (`None` for a folder) and modification time:
/// equal before and after a run when the run wrote nothing there.
pub fn disk_state(
    root: &Path,
) -> std::collections::BTreeMap<PathBuf, (Option<Vec<u8>>, std::time::SystemTime)> {
    let mut out = std::collections::BTreeMap::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).expect("a folder") {
            let path = entry.expect("an entry").path();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            let modified = meta.modified().expect("a time");
            if meta.is_dir() {
                todo.push(path.clone());
                out.insert(path, (None, modified));
            } else {
                out.insert(path.clone(), (std::fs::read(&path).ok(), modified));
            }
        }
    }
    out
}

/// The program under test, by path (integration tests pass
/// `env!("CARGO_BIN_EXE_sqlwarden-under-test")`).
#[derive(Clone, Debug)]
pub struct Program {
    pub path: PathBuf,
}

/// What one run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Program {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Program { path: path.into() }
    }

    /// Runs the program with `args` in `cwd`, with colour and the user's environment
    /// variables that change output out of the way.
    pub fn run(&self, cwd: &Path, args: &[&str]) -> Run {
        self.run_with(cwd, args, None, &[])
    }

    /// Like [`Program::run`], with `stdin` as standard input (else none) and `env` set.
    pub fn run_with(
        &self,
        cwd: &Path,
        args: &[&str],
        stdin: Option<&str>,
        env: &[(&str, &str)],
    ) -> Run {
        use std::io::Write;
        let mut command = Command::new(&self.path);
        command
            .args(args)
            .current_dir(cwd)
            .env_remove("NO_COLOR")
            .env_remove("FORCE_COLOR")
            .env_remove("GITHUB_STEP_SUMMARY")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", self.path.display()));
        if let Some(mut input) = child.stdin.take() {
            // A program that stops reading early closes the pipe; that is its business.
            let _ = input.write_all(stdin.unwrap_or("").as_bytes());
        }
        let output: Output = child
            .wait_with_output()
            .unwrap_or_else(|error| panic!("cannot run {}: {error}", self.path.display()));
        Run {
            // A run killed by a signal has no code; -1 never equals an expected status.
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// The codes of the rules this build registers (from `sqlwarden rules`).
    pub fn registered_codes(&self) -> Vec<String> {
        let run = self.run(&workspace_root(), &["rules"]);
        assert_eq!(run.status, 0, "`sqlwarden rules` failed: {}", run.stderr);
        run.stdout
            .lines()
            .filter_map(|line| line.split_whitespace().next())
            .map(str::to_string)
            .collect()
    }
}
