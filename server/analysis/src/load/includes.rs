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
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let normalized = raw.replace('\\', "/");
    // A Windows drive or UNC path cannot name anything here.
    let bytes = normalized.as_bytes();
    if normalized.starts_with("//") || (bytes.len() >= 2 && bytes[1] == b':') {
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
    (exists(&current) || current.is_file()).then_some(current)
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
