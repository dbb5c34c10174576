//! Generates the parser from `grammar.js` at build time and compiles it.
//!
//! The generated `parser.c` is about 27 MB, so it is never committed. Generation runs
//! the grammar's JavaScript in the QuickJS runtime of `tree-sitter-generate`, so the
//! build needs only the Rust toolchain and a C compiler. QuickJS's module loader
//! resolves only relative paths, so the pinned base grammar's sources are staged beside
//! ours in `OUT_DIR` and `grammar.js` imports them as `./base/grammar.js`.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The exact base version; it must match the `=` requirement in Cargo.toml.
const BASE_PACKAGE: &str = "tree-sitter-mssql";
const BASE_VERSION: &str = "0.2.3";

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    let stage = out_dir.join("grammar");
    let src = out_dir.join("src");

    println!("cargo:rerun-if-changed=grammar.js");
    println!("cargo:rerun-if-changed=src/scanner.c");
    println!("cargo:rerun-if-env-changed=SQLWARDEN_BASE_GRAMMAR_DIR");

    let base = base_grammar_dir(&manifest_dir);
    if stage.exists() {
        fs::remove_dir_all(&stage).expect("clear the staging folder");
    }
    fs::create_dir_all(&stage).expect("create the staging folder");
    copy_tree(&base.join("grammar"), &stage.join("base").join("grammar"));
    fs::copy(
        base.join("grammar.js"),
        stage.join("base").join("grammar.js"),
    )
    .expect("stage the base grammar.js");
    fs::copy(manifest_dir.join("grammar.js"), stage.join("grammar.js")).expect("stage grammar.js");
    // `tree-sitter-generate` reads the grammar's version from tree-sitter.json.
    fs::write(
        stage.join("tree-sitter.json"),
        format!(
            "{{\"grammars\":[{{\"name\":\"tsql\",\"scope\":\"source.tsql\",\"path\":\".\"}}],\
             \"metadata\":{{\"version\":\"{}\"}}}}",
            env::var("CARGO_PKG_VERSION").expect("CARGO_PKG_VERSION")
        ),
    )
    .expect("write tree-sitter.json");

    let mut diagnostics = Vec::new();
    let generated = tree_sitter_generate::generate_parser_in_directory(
        &stage,
        Some(&src),
        Some(stage.join("grammar.js")),
        // ABI 15, the newest that tree-sitter 0.27 reads.
        15,
        None,
        Some("native"),
        true,
        tree_sitter_generate::OptLevel::default(),
        &mut diagnostics,
    );
    for diagnostic in &diagnostics {
        println!("cargo:warning=grammar: {diagnostic:?}");
    }
    if let Err(error) = generated {
        panic!("generating the parser from grammar.js failed: {error}");
    }

    let mut build = cc::Build::new();
    build
        .std("c11")
        .include(&src)
        .file(src.join("parser.c"))
        .file(manifest_dir.join("src").join("scanner.c"))
        // The generated tables trip harmless warnings that would drown real ones.
        .flag_if_supported("-Wno-unused-parameter")
        .flag_if_supported("-Wno-unused-but-set-variable")
        .flag_if_supported("-Wno-trigraphs");
    build.compile("tree-sitter-tsql");
}

/// Finds the unpacked sources of the pinned base crate.
///
/// Cargo has already downloaded it as a build dependency; its folder is in the
/// registry's source cache. `SQLWARDEN_BASE_GRAMMAR_DIR` overrides the search (for
/// vendored or offline builds), and `cargo metadata` is the last resort.
fn base_grammar_dir(manifest_dir: &Path) -> PathBuf {
    if let Some(dir) = env::var_os("SQLWARDEN_BASE_GRAMMAR_DIR") {
        return PathBuf::from(dir);
    }
    let folder = format!("{BASE_PACKAGE}-{BASE_VERSION}");
    let cargo_home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    if let Some(registry) = cargo_home.map(|home| home.join("registry").join("src"))
        && let Ok(indexes) = fs::read_dir(&registry)
    {
        let mut candidates: Vec<PathBuf> = indexes
            .filter_map(Result::ok)
            .map(|entry| entry.path().join(&folder))
            .filter(|path| path.join("grammar.js").is_file())
            .collect();
        candidates.sort();
        if let Some(found) = candidates.into_iter().next() {
            return found;
        }
    }
    from_cargo_metadata(manifest_dir).unwrap_or_else(|| {
        panic!(
            "cannot find the sources of {BASE_PACKAGE} {BASE_VERSION}; \
             set SQLWARDEN_BASE_GRAMMAR_DIR to its unpacked folder"
        )
    })
}

fn from_cargo_metadata(manifest_dir: &Path) -> Option<PathBuf> {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(manifest_dir)
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    // The manifest path of the base package appears as ".../tree-sitter-mssql-0.2.3/Cargo.toml".
    let marker = format!("{BASE_PACKAGE}-{BASE_VERSION}");
    text.split('"')
        .filter(|piece| piece.ends_with("Cargo.toml") && piece.contains(&marker))
        .map(|manifest| PathBuf::from(manifest.replace("\\\\", "\\")))
        .filter_map(|manifest| manifest.parent().map(Path::to_path_buf))
        .find(|dir| dir.join("grammar.js").is_file())
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create a staging folder");
    for entry in fs::read_dir(from).expect("read the base grammar folder") {
        let entry = entry.expect("read a base grammar entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy a base grammar file");
        }
    }
}
