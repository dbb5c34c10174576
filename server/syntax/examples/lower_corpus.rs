//! Parses and lowers every `.sql` file under a folder, reporting files, statements,
//! references, error regions, time spent, and any file whose lowering panicked:
//! `cargo run --release -p syntax --example lower_corpus -- FOLDER [--others]`
//! (`--others` prints the first words of every statement lowered as `Other`;
//! `--cuts` also lowers each file cut at a few points, as half-written code).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn main() {
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: lower_corpus FOLDER");
        std::process::exit(2);
    };
    let others = std::env::args().any(|arg| arg == "--others");
    let cuts = std::env::args().any(|arg| arg == "--cuts");
    let mut files = Vec::new();
    collect(Path::new(&root), &mut files);
    files.sort();
    let (mut bytes, mut statements, mut references, mut errors) = (0, 0, 0, 0);
    let (mut parse_time, mut lower_time) = (Duration::ZERO, Duration::ZERO);
    for file in &files {
        let Ok(raw) = std::fs::read(file) else {
            eprintln!("{}: cannot read", file.display());
            continue;
        };
        let text = decode(&raw);
        bytes += text.len();
        let outcome = std::panic::catch_unwind(|| {
            let start = Instant::now();
            let parsed = syntax::parse(&text);
            let parsed_at = start.elapsed();
            let script = parsed.lower();
            let lowered_at = start.elapsed();
            let errors = parsed.errors().len();
            (parsed_at, lowered_at - parsed_at, script, errors)
        });
        match outcome {
            Ok((p, l, script, e)) => {
                parse_time += p;
                lower_time += l;
                errors += e;
                let mut stack: Vec<&syntax::ast::Statement> = script.statements.iter().collect();
                while let Some(statement) = stack.pop() {
                    statements += 1;
                    if others && matches!(statement.kind, syntax::ast::StatementKind::Other) {
                        let words: Vec<&str> = text
                            .get(statement.range.as_range())
                            .unwrap_or("")
                            .split_whitespace()
                            .take(2)
                            .collect();
                        println!("OTHER {}", words.join(" ").to_uppercase());
                    }
                    references += statement.references.len();
                    if let syntax::ast::StatementKind::CreateObject(object) = &statement.kind
                        && let Some(module) = &object.module
                    {
                        stack.extend(module.body.iter());
                    }
                }
            }
            Err(_) => println!("PANIC {}", file.display()),
        }
        if cuts {
            for step in 1..8 {
                let mut cut = text.len() * step / 8;
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                let prefix = &text[..cut];
                let outcome = std::panic::catch_unwind(|| {
                    let parsed = syntax::parse(prefix);
                    (parsed.lower(), parsed.errors())
                });
                if outcome.is_err() {
                    println!("PANIC {} cut at {cut}", file.display());
                }
            }
        }
    }
    let mb = bytes as f64 / 1e6;
    println!(
        "files {} MB {mb:.1} statements {statements} references {references} error regions {errors}",
        files.len()
    );
    println!(
        "parse {:.2}s ({:.1} MB/s), lower {:.2}s ({:.1} MB/s)",
        parse_time.as_secs_f64(),
        mb / parse_time.as_secs_f64(),
        lower_time.as_secs_f64(),
        mb / lower_time.as_secs_f64()
    );
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("sql"))
        {
            out.push(path);
        }
    }
}

/// UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else lossily as UTF-8.
fn decode(raw: &[u8]) -> String {
    let utf16 = |bytes: &[u8], little: bool| {
        let units = bytes.chunks_exact(2).map(|pair| {
            if little {
                u16::from_le_bytes([pair[0], pair[1]])
            } else {
                u16::from_be_bytes([pair[0], pair[1]])
            }
        });
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    };
    match raw {
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false),
        _ => String::from_utf8_lossy(raw).into_owned(),
    }
}
