//! Walking a folder for `.sqlproj` and `.sql` files.
//!
//! Build output (`bin/`, `obj/`) and hidden folders (`.git`) are skipped. Symbolic links
//! are not followed into folders, and a linked file counts only when it points inside
//! the folder walked, so a link cannot pull files from outside the project into it.
//! Results are sorted by path so that every run sees the same order. What `.gitignore`
//! leaves out is skipped in a folder walk (not in an SDK-style project's default items,
//! which MSBuild globs without it).

use std::path::{Path, PathBuf};

/// The files under a folder.
#[derive(Debug, Default)]
pub struct Walk {
    /// `.sqlproj` files, sorted.
    pub projects: Vec<PathBuf>,
    /// Every other file, sorted (the loader picks `.sql` files, or what an item's
    /// wildcard names).
    pub files: Vec<PathBuf>,
    /// What could not be walked, sorted: a folder that cannot be listed, a `.sql` link
    /// that cannot be followed (a loop, or a missing target) or that leads outside the
    /// folder walked; with the reason, for SQL004.
    pub problems: Vec<(PathBuf, String)>,
}

/// True for a folder the walk never enters.
pub fn skipped_dir(name: &str) -> bool {
    name.eq_ignore_ascii_case("bin") || name.eq_ignore_ascii_case("obj") || name.starts_with('.')
}

/// Walks `root` (an absolute, canonical folder). `excluded` leaves out files and whole
/// folders (the configuration's `exclude` globs). With `gitignore`, what `.gitignore`,
/// `.ignore` and git's own excludes leave out is left out too, as git and ruff do, in
/// or out of a git repository; the `ignore` crate reads those files and walks in
/// parallel.
pub fn walk(root: &Path, gitignore: bool, excluded: &(dyn Fn(&Path) -> bool + Sync)) -> Walk {
    let found = std::sync::Mutex::new(Vec::new());
    let problems = std::sync::Mutex::new(Vec::new());
    let problem = |path: &Path, why: String| {
        if let Ok(mut problems) = problems.lock() {
            problems.push((path.to_path_buf(), why));
        }
    };
    ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .git_ignore(gitignore)
        .git_exclude(gitignore)
        .git_global(gitignore)
        .ignore(gitignore)
        .parents(gitignore)
        .require_git(false)
        .follow_links(false)
        .build_parallel()
        .run(|| {
            let found = &found;
            let problem = &problem;
            Box::new(move |entry| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(error) => {
                        if let Some((path, why)) = walk_error(&error)
                            && !path.as_os_str().is_empty()
                        {
                            problem(&path, why);
                        }
                        return ignore::WalkState::Continue;
                    }
                };
                if entry.depth() > 0
                    && entry.file_type().is_some_and(|t| t.is_dir())
                    && (skipped_dir(&entry.file_name().to_string_lossy()) || excluded(entry.path()))
                {
                    return ignore::WalkState::Skip;
                }
                let path = if entry.path_is_symlink() {
                    let is_sql = has_extension(entry.path(), "sql");
                    match std::fs::canonicalize(entry.path()) {
                        Ok(target) if target.starts_with(root) && target.is_file() => target,
                        Ok(target) if is_sql && target.is_file() => {
                            let why = format!(
                                "is a link to {}, outside the folder checked: it is not read",
                                target.display()
                            );
                            problem(entry.path(), why);
                            return ignore::WalkState::Continue;
                        }
                        Err(error) if is_sql => {
                            problem(
                                entry.path(),
                                format!("is a link that cannot be followed: {error}"),
                            );
                            return ignore::WalkState::Continue;
                        }
                        _ => return ignore::WalkState::Continue,
                    }
                } else if entry.file_type().is_some_and(|t| t.is_file()) {
                    entry.path().to_path_buf()
                } else {
                    return ignore::WalkState::Continue;
                };
                if !excluded(&path)
                    && let Ok(mut found) = found.lock()
                {
                    found.push(path);
                }
                ignore::WalkState::Continue
            })
        });
    let mut out = Walk {
        problems: problems.into_inner().unwrap_or_default(),
        ..Walk::default()
    };
    out.problems.sort();
    out.problems.dedup_by(|a, b| a.0 == b.0);
    let found: Vec<PathBuf> = found.into_inner().unwrap_or_default();
    for path in found {
        if has_extension(&path, "sqlproj") {
            out.projects.push(path);
        } else {
            out.files.push(path);
        }
    }
    out.projects.sort();
    out.projects.dedup();
    out.files.sort();
    out.files.dedup();
    out
}

/// The path and reason of a walk error worth reporting: a folder that cannot be read.
/// A folder link loop (`up -> ..`) is not one: links to folders are never followed, and
/// what the loop would reach is walked anyway.
fn walk_error(error: &ignore::Error) -> Option<(PathBuf, String)> {
    match error {
        ignore::Error::WithPath { path, err } => {
            walk_error(err).map(|(_, why)| (path.clone(), why))
        }
        ignore::Error::WithDepth { err, .. } => walk_error(err),
        ignore::Error::Io(io) => Some((PathBuf::new(), format!("cannot be read: {io}"))),
        ignore::Error::Loop { .. } => None,
        // `.gitignore` files that cannot be parsed and the like: the walk goes on.
        _ => None,
    }
}

/// The folder a search for a file's project stops at: the nearest folder at or above
/// `start` that holds `.git` or the configuration file, else `fallback` (the current
/// folder) when `start` is inside it, else `start` itself.
pub fn workspace_root(start: &Path, fallback: &Path) -> PathBuf {
    for dir in start.ancestors() {
        if dir.join(".git").exists() || dir.join(crate::config::FILE_NAME).is_file() {
            return dir.to_path_buf();
        }
    }
    if start.starts_with(fallback) {
        fallback.to_path_buf()
    } else {
        start.to_path_buf()
    }
}

/// The `.sqlproj` files directly in `folder`, sorted.
pub fn projects_in(folder: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| has_extension(path, "sqlproj") && path.is_file())
        .collect();
    found.sort();
    found
}

/// True when the file's extension is `ext`, in any case.
pub fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension()
        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_build_output_and_hidden_folders_and_sorts() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        for file in [
            "b.sql",
            "a/z.sql",
            "a.sql",
            "Db/Db.sqlproj",
            "bin/Debug/x.sql",
            "Db/obj/y.sql",
            "Db/BIN/z.sql",
            ".git/w.sql",
            "legacy/old.sql",
        ] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let legacy = root.join("legacy");
        let walk = walk(&root, true, &|p| p == legacy);
        let rel = |v: &[PathBuf]| -> Vec<String> {
            v.iter()
                .map(|p| crate::load::includes::relative_slash(p, &root).unwrap())
                .collect()
        };
        assert_eq!(rel(&walk.projects), ["Db/Db.sqlproj"]);
        assert_eq!(rel(&walk.files), ["a/z.sql", "a.sql", "b.sql"]);
    }

    #[test]
    fn gitignored_files_are_skipped_unless_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        for file in ["keep.sql", "generated/out.sql", "scratch.sql"] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        std::fs::write(root.join(".gitignore"), "generated/\nscratch.sql\n").unwrap();
        let names = |walk: Walk| -> Vec<String> {
            walk.files
                .iter()
                .filter(|p| has_extension(p, "sql"))
                .map(|p| crate::load::includes::relative_slash(p, &root).unwrap())
                .collect()
        };
        assert_eq!(names(walk(&root, true, &|_| false)), ["keep.sql"]);
        assert_eq!(
            names(walk(&root, false, &|_| false)),
            ["generated/out.sql", "keep.sql", "scratch.sql"]
        );
    }

    #[test]
    fn the_owner_search_stops_at_the_workspace_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir_all(root.join("repo/.git")).unwrap();
        std::fs::create_dir_all(root.join("repo/db/procs")).unwrap();
        let start = root.join("repo/db/procs");
        assert_eq!(workspace_root(&start, &root), root.join("repo"));
        let plain = root.join("plain/sub");
        std::fs::create_dir_all(&plain).unwrap();
        assert_eq!(
            workspace_root(&plain, &root.join("plain")),
            root.join("plain")
        );
        assert_eq!(workspace_root(&plain, &root.join("elsewhere")), plain);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_do_not_leave_the_folder() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.sql"), "").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::write(root.join("inside.sql"), "").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.sql"), root.join("link.sql"))
            .unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("linkdir")).unwrap();
        std::os::unix::fs::symlink(root.join("inside.sql"), root.join("alias.sql")).unwrap();
        let walk = walk(&root, true, &|_| false);
        assert_eq!(walk.files, vec![root.join("inside.sql")]);
    }
}
