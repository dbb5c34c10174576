//! Walking a folder for `.sqlproj` and `.sql` files.
//!
//! Build output (`bin/`, `obj/`) and hidden folders (`.git`) are skipped. Symbolic links
//! are not followed into folders, and a linked file counts only when it points inside
//! the folder walked, so a link cannot pull files from outside the project into it.
//! Results are sorted by path so that every run sees the same order.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// The files under a folder.
#[derive(Debug, Default)]
pub struct Walk {
    /// `.sqlproj` files, sorted.
    pub projects: Vec<PathBuf>,
    /// Every other file, sorted (the loader picks `.sql` files, or what an item's
    /// wildcard names).
    pub files: Vec<PathBuf>,
}

/// True for a folder the walk never enters.
pub fn skipped_dir(name: &str) -> bool {
    name.eq_ignore_ascii_case("bin") || name.eq_ignore_ascii_case("obj") || name.starts_with('.')
}

/// Walks `root` (an absolute, canonical folder). `excluded` leaves out files and whole
/// folders (the configuration's `exclude` globs).
pub fn walk(root: &Path, excluded: &dyn Fn(&Path) -> bool) -> Walk {
    let mut out = Walk::default();
    let entries = WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_dir()
                    && (skipped_dir(&e.file_name().to_string_lossy()) || excluded(e.path())))
        });
    for entry in entries.filter_map(Result::ok) {
        let path = if entry.path_is_symlink() {
            match std::fs::canonicalize(entry.path()) {
                Ok(target) if target.starts_with(root) && target.is_file() => target,
                _ => continue,
            }
        } else if entry.file_type().is_file() {
            entry.path().to_path_buf()
        } else {
            continue;
        };
        if excluded(&path) {
            continue;
        }
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
        let walk = walk(&root, &|p| p == legacy);
        let rel = |v: &[PathBuf]| -> Vec<String> {
            v.iter()
                .map(|p| crate::load::includes::relative_slash(p, &root).unwrap())
                .collect()
        };
        assert_eq!(rel(&walk.projects), ["Db/Db.sqlproj"]);
        assert_eq!(rel(&walk.files), ["a/z.sql", "a.sql", "b.sql"]);
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
        let walk = walk(&root, &|_| false);
        assert_eq!(walk.files, vec![root.join("inside.sql")]);
    }
}
