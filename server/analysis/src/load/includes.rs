//! Finding the file that a `:r` line or a `.sqlproj` item names.
//!
//! Projects are written on Windows: paths use `\`, and their case need not match the
//! disk. On a case-sensitive file system a component that does not exist as written is
//! looked up among its folder's entries without case, so a project checked out on Linux
//! loads as it does in Visual Studio.

use std::path::{Component, Path, PathBuf};

/// Resolves `raw` (with `\` or `/` separators) against the folder `base`. `exists` says
/// whether a path is present even when the disk does not have it (an editor buffer).
/// Returns the path of an existing file, or `None`.
pub fn resolve(base: &Path, raw: &str, exists: &dyn Fn(&Path) -> bool) -> Option<PathBuf> {
    let found = locate(base, raw, exists)?;
    (exists(&found) || found.is_file()).then_some(found)
}

/// Resolves `raw` like [`resolve`], to an existing folder (a `.sqlproj`'s `OutputPath`).
pub fn resolve_dir(base: &Path, raw: &str) -> Option<PathBuf> {
    locate(base, raw, &|_| false).filter(|p| p.is_dir())
}

/// The path `raw` names below `base`, each component matched without case where the
/// disk does not hold it as written; `None` when some folder on the way is missing.
fn locate(base: &Path, raw: &str, exists: &dyn Fn(&Path) -> bool) -> Option<PathBuf> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let normalized = raw.replace('\\', "/");
    // A Windows drive or UNC path cannot name anything here as written.
    if is_foreign_absolute(&normalized) {
        return None;
    }
    let mut current = if normalized.starts_with('/') {
        PathBuf::from("/")
    } else {
        base.to_path_buf()
    };
    for part in normalized.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                current.pop();
            }
            name => {
                let exact = current.join(name);
                if exists(&exact) || exact.symlink_metadata().is_ok() {
                    current = exact;
                } else {
                    current = current.join(case_insensitive_entry(&current, name)?);
                }
            }
        }
    }
    Some(current)
}

/// The entry of `dir` whose name equals `name` without case; the first in sorted order
/// when several do.
fn case_insensitive_entry(dir: &Path, name: &str) -> Option<String> {
    let wanted = name.to_lowercase();
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.to_lowercase() == wanted)
        .collect();
    found.sort();
    found.into_iter().next()
}

/// True for a path that only means something on another machine: a Windows drive
/// (`C:\\…`) or a UNC share (`\\\\server\\…`).
pub fn is_foreign_absolute(raw: &str) -> bool {
    let normalized = raw.trim().replace('\\', "/");
    let bytes = normalized.as_bytes();
    normalized.starts_with("//") || (bytes.len() >= 2 && bytes[1] == b':')
}

/// Resolves a Windows absolute path from the machine the project was written on by the
/// longest tail of it that exists below `from` or one of its folders up to `root`: a
/// `:r C:\\src\\Db\\Scripts\\x.sql` in `Db/Scripts/post.sql` finds `Db/Scripts/x.sql`.
pub fn resolve_foreign(
    from: &Path,
    root: &Path,
    raw: &str,
    exists: &dyn Fn(&Path) -> bool,
) -> Option<PathBuf> {
    let normalized = raw.trim().replace('\\', "/");
    let parts: Vec<&str> = normalized
        .split('/')
        .filter(|p| !p.is_empty() && *p != "." && !p.ends_with(':'))
        .collect();
    if parts.contains(&"..") {
        return None;
    }
    let folders: Vec<&Path> = from
        .ancestors()
        .take_while(|a| a.starts_with(root))
        .collect();
    // The longest tail first: the more of the original path matches, the surer the match.
    for skip in 0..parts.len() {
        let tail = parts[skip..].join("/");
        for folder in &folders {
            if let Some(found) = resolve(folder, &tail, exists) {
                return Some(found);
            }
        }
    }
    None
}

/// `path` relative to `base` when it lies inside it, with `/` separators.
pub fn relative_slash(path: &Path, base: &Path) -> Option<String> {
    let rel = path.strip_prefix(base).ok()?;
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backslashes_dots_and_case() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("Scripts/Post")).unwrap();
        std::fs::write(root.join("Scripts/Post/Grants.sql"), "x").unwrap();
        let none = |_: &Path| false;
        let want = Some(root.join("Scripts/Post/Grants.sql"));
        assert_eq!(resolve(root, ".\\Scripts\\Post\\Grants.sql", &none), want);
        assert_eq!(resolve(root, "scripts/post/GRANTS.SQL", &none), want);
        assert_eq!(
            resolve(&root.join("Scripts/Post"), "..\\Post\\.\\grants.sql", &none),
            want
        );
        assert_eq!(resolve(root, "Scripts\\missing.sql", &none), None);
        assert_eq!(resolve(root, "C:\\Scripts\\Grants.sql", &none), None);
        // A folder is not a file.
        assert_eq!(resolve(root, "Scripts", &none), None);
    }

    #[test]
    fn windows_absolute_paths_by_their_longest_existing_tail() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("Db/Scripts")).unwrap();
        std::fs::write(root.join("Db/Scripts/x.sql"), "").unwrap();
        std::fs::write(root.join("x.sql"), "").unwrap();
        let none = |_: &Path| false;
        let from = root.join("Db/Scripts");
        assert!(is_foreign_absolute("C:\\src\\Db\\Scripts\\x.sql"));
        assert!(is_foreign_absolute("\\\\server\\share\\x.sql"));
        assert!(!is_foreign_absolute(".\\x.sql"));
        assert_eq!(
            resolve_foreign(&from, root, "C:\\src\\Db\\Scripts\\x.sql", &none),
            Some(root.join("Db/Scripts/x.sql"))
        );
        // Nothing above the project's root is searched.
        assert_eq!(
            resolve_foreign(&from, &from, "C:\\src\\y\\z.sql", &none),
            None
        );
        assert_eq!(resolve_foreign(&from, root, "C:\\..\\x.sql", &none), None);
    }

    #[test]
    fn buffers_count_as_files() {
        let dir = tempfile::tempdir().unwrap();
        let buffer = dir.path().join("new.sql");
        let exists = |p: &Path| p == buffer;
        assert_eq!(
            resolve(dir.path(), "new.sql", &exists),
            Some(buffer.clone())
        );
    }
}
