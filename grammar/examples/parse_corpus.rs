//! The parse benchmark: how much of a folder of T-SQL scripts the grammar parses cleanly,
//! and how fast.
//!
//! ```text
//! cargo run --release -p tree-sitter-sqlwarden --example parse_corpus -- DIR [--failures]
//! cargo run --release -p tree-sitter-sqlwarden --example parse_corpus -- --tree FILE...
//! ```
//!
//! Every `.sql` file under `DIR` is decoded (UTF-8, UTF-8 with BOM, UTF-16 LE/BE with BOM)
//! and parsed whole, single-threaded, exactly as the analyser parses it. The file is then
//! split into batches at its `GO` lines, and a batch is clean when no `ERROR` or `MISSING`
//! node starts inside it. A failing batch that holds SSMS template parameters
//! (`<name, type, default>`) is read again with them filled with their defaults, as the
//! analyser reads it (and as SSMS runs it); the report says how many batches that saved.
//! The report gives the files, the batches, the share of clean
//! batches and of clean files, and the throughput over the parse calls alone (decoding and
//! walking the tree are not timed). `--failures` lists each failing batch as
//! `file:line: text of the first error`, so failures can be grouped by construct.
//! `--tree FILE...` prints the S-expression of each file instead, one line per file, and
//! its errors on standard error.

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use tree_sitter::{Node, Parser, Tree};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [flag, files @ ..] if flag == "--tree" && !files.is_empty() => files
            .iter()
            .try_for_each(|file| print_tree(Path::new(file))),
        [dir] => run(Path::new(dir), false),
        [dir, flag] | [flag, dir] if flag == "--failures" => run(Path::new(dir), true),
        _ => {
            eprintln!("usage: parse_corpus DIR [--failures] | parse_corpus --tree FILE...");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("parse_corpus: {error}");
            ExitCode::from(2)
        }
    }
}

fn new_parser() -> Result<Parser, Box<dyn Error>> {
    let mut parser = Parser::new();
    parser.set_language(&tree_sitter_sqlwarden::LANGUAGE.into())?;
    Ok(parser)
}

fn print_tree(file: &Path) -> Result<(), Box<dyn Error>> {
    let text = read_sql(file)?;
    let mut parser = new_parser()?;
    let tree = parser
        .parse(&text, None)
        .ok_or_else(|| format!("{}: the parser returned no tree", file.display()))?;
    println!("{}", tree.root_node().to_sexp());
    for (offset, snippet) in errors(&tree, &text) {
        eprintln!("{}:{}: {snippet}", file.display(), line_of(&text, offset));
    }
    Ok(())
}

/// The tallies of one run.
#[derive(Default)]
struct Totals {
    files: usize,
    clean_files: usize,
    batches: usize,
    clean_batches: usize,
    /// Clean batches as the grammar alone reads them, templates unfilled.
    clean_alone: usize,
    /// Batches of SSMS templates that are clean once their parameters are filled.
    filled_batches: usize,
    bytes: usize,
    parse_time: Duration,
    /// CPU time of the parse calls, where the platform reports it (Linux).
    parse_cpu: Option<Duration>,
}

fn run(dir: &Path, show_failures: bool) -> Result<(), Box<dyn Error>> {
    let mut files = Vec::new();
    collect_sql_files(dir, &mut files)?;
    files.sort();
    let mut parser = new_parser()?;
    let mut totals = Totals::default();
    for file in &files {
        let text = read_sql(file)?;
        let cpu_before = thread_cpu_time();
        let started = Instant::now();
        let tree = parser
            .parse(&text, None)
            .ok_or_else(|| format!("{}: the parser returned no tree", file.display()))?;
        totals.parse_time += started.elapsed();
        totals.parse_cpu = match (cpu_before, thread_cpu_time(), totals.parse_cpu) {
            (Some(before), Some(after), Some(sum)) => Some(sum + after.saturating_sub(before)),
            (Some(before), Some(after), None) if totals.files == 0 => {
                Some(after.saturating_sub(before))
            }
            _ => None,
        };
        totals.bytes += text.len();

        let starts = batch_starts(&text);
        // The first error of each batch, if any, by batch index.
        let mut first_errors: Vec<Option<(usize, String)>> = vec![None; starts.len()];
        for (offset, snippet) in errors(&tree, &text) {
            let batch = batch_of(&starts, offset);
            if first_errors[batch].is_none() {
                first_errors[batch] = Some((offset, snippet));
            }
        }
        // The analyser reads a failing batch of an SSMS template with its parameters
        // filled with their defaults (as SSMS runs it): such a batch counts as read, and
        // apart, as one that the grammar alone fails.
        let failing_alone = first_errors.iter().filter(|error| error.is_some()).count();
        let mut filled: Option<String> = None;
        let mut any = false;
        for (batch, error) in first_errors.iter().enumerate() {
            if error.is_some() {
                let end = starts.get(batch + 1).copied().unwrap_or(text.len());
                let work = filled.get_or_insert_with(|| text.clone());
                any |= !tree_sitter_sqlwarden::templates::fill(work, starts[batch], end).is_empty();
            }
        }
        if let Some(filled) = filled.filter(|_| any) {
            let started = Instant::now();
            let tree = parser
                .parse(&filled, None)
                .ok_or_else(|| format!("{}: the parser returned no tree", file.display()))?;
            totals.parse_time += started.elapsed();
            let mut after: Vec<bool> = vec![false; starts.len()];
            for (offset, _) in errors(&tree, &filled) {
                after[batch_of(&starts, offset)] = true;
            }
            for (batch, error) in first_errors.iter_mut().enumerate() {
                if error.is_some() && !after[batch] {
                    *error = None;
                    totals.filled_batches += 1;
                }
            }
        }
        let failing = first_errors.iter().filter(|error| error.is_some()).count();
        totals.clean_alone += starts.len() - failing_alone;
        totals.files += 1;
        totals.batches += starts.len();
        totals.clean_batches += starts.len() - failing;
        if failing == 0 {
            totals.clean_files += 1;
        }
        if show_failures {
            let relative = file.strip_prefix(dir).unwrap_or(file);
            for (offset, snippet) in first_errors.into_iter().flatten() {
                println!(
                    "{}:{}: {snippet}",
                    relative.display(),
                    line_of(&text, offset)
                );
            }
        }
    }
    report(&totals);
    Ok(())
}

fn report(totals: &Totals) {
    let percent = |part: usize, whole: usize| {
        if whole == 0 {
            100.0
        } else {
            part as f64 * 100.0 / whole as f64
        }
    };
    let seconds = totals.parse_time.as_secs_f64();
    let megabytes = totals.bytes as f64 / 1_000_000.0;
    println!("files:         {}", totals.files);
    println!("batches:       {}", totals.batches);
    println!(
        "clean batches: {:.2}% ({} of {})",
        percent(totals.clean_batches, totals.batches),
        totals.clean_batches,
        totals.batches
    );
    println!(
        "  of which {} SSMS template batches read with their parameters filled \
         (grammar alone: {:.2}%, {} of {})",
        totals.filled_batches,
        percent(totals.clean_alone, totals.batches),
        totals.clean_alone,
        totals.batches
    );
    println!(
        "clean files:   {:.2}% ({} of {})",
        percent(totals.clean_files, totals.files),
        totals.clean_files,
        totals.files
    );
    println!(
        "throughput:    {:.1} MB/s ({megabytes:.1} MB in {seconds:.2} s of parsing, wall clock)",
        if seconds > 0.0 {
            megabytes / seconds
        } else {
            0.0
        }
    );
    // On a shared machine the wall clock also counts time the thread spent waiting for a
    // core; the CPU time of the parsing thread does not.
    if let Some(cpu) = totals.parse_cpu {
        let cpu_seconds = cpu.as_secs_f64();
        if cpu_seconds > 0.0 {
            println!(
                "cpu:           {:.1} MB/s ({cpu_seconds:.2} s of CPU time in the parser)",
                megabytes / cpu_seconds
            );
        }
    }
}

/// The CPU time the current thread has used, from `/proc/thread-self/schedstat` (Linux);
/// `None` elsewhere.
fn thread_cpu_time() -> Option<Duration> {
    let stat = fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanoseconds: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanoseconds))
}

/// Collects the `.sql` files under `dir`. Symbolic links to folders are followed at the top
/// level only, so a corpus can be a folder of links to clones without risking link loops.
fn collect_sql_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Box<dyn Error>> {
    collect_below(dir, out, true)
}

fn collect_below(dir: &Path, out: &mut Vec<PathBuf>, top: bool) -> Result<(), Box<dyn Error>> {
    let entries = fs::read_dir(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|error| format!("{}: {error}", dir.display()))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|error| format!("{}: {error}", path.display()))?;
        if kind.is_dir() || (top && kind.is_symlink() && path.is_dir()) {
            collect_below(&path, out, false)?;
        } else if path
            .extension()
            .is_some_and(|extension| extension.eq_ignore_ascii_case("sql"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads a script the way SQL Server tools do: a BOM decides the encoding, and text
/// without one is UTF-8 (invalid sequences become U+FFFD rather than failing the run).
fn read_sql(file: &Path) -> Result<String, Box<dyn Error>> {
    let bytes = fs::read(file).map_err(|error| format!("{}: {error}", file.display()))?;
    // `decode` sniffs the BOM first: UTF-8, UTF-16LE and UTF-16BE BOMs override the default
    // and are removed from the text.
    let (text, _, _) = encoding_rs::UTF_8.decode(&bytes);
    Ok(text.into_owned())
}

/// The index of the batch (by its start, from [`batch_starts`]) that holds `offset`.
fn batch_of(starts: &[usize], offset: usize) -> usize {
    starts
        .partition_point(|&start| start <= offset)
        .saturating_sub(1)
}

/// The byte offsets where batches start: the start of the text and the start of every line
/// after a `GO` line (`GO`, optionally a count, optionally a trailing `--` comment).
fn batch_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        offset += line.len();
        if is_go_line(line) && offset < text.len() {
            starts.push(offset);
        }
    }
    starts
}

fn is_go_line(line: &str) -> bool {
    let code = line.split("--").next().unwrap_or("").trim();
    let mut words = code.split_whitespace();
    let is_go = words
        .next()
        .is_some_and(|word| word.eq_ignore_ascii_case("go"));
    let count_ok = match words.next() {
        None => true,
        Some(count) => count.bytes().all(|byte| byte.is_ascii_digit()) && words.next().is_none(),
    };
    is_go && count_ok
}

/// Every `ERROR` and `MISSING` node, in document order, as its start offset and a short
/// single-line excerpt of its text.
///
/// A token the grammar hides (such as the word inside an `identifier`) can be MISSING:
/// the API never shows it, so its visible parent carries the error with no visible error
/// child. Such a parent counts as the error, or those batches would pass as clean.
fn errors(tree: &Tree, text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut stack: Vec<Node> = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            found.push((node.start_byte(), excerpt(&node, text)));
            continue;
        }
        if !node.has_error() {
            continue;
        }
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        if !children
            .iter()
            .any(|child| child.has_error() || child.is_error() || child.is_missing())
        {
            found.push((node.start_byte(), format!("MISSING inside {}", node.kind())));
            continue;
        }
        stack.extend(children.into_iter().rev());
    }
    found
}

fn excerpt(node: &Node, text: &str) -> String {
    if node.is_missing() {
        return format!("MISSING {}", node.kind());
    }
    let body = text.get(node.start_byte()..node.end_byte()).unwrap_or("");
    let flat: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    // A long error covers what recovery skipped; its end is usually where parsing failed,
    // so both ends are shown.
    let chars: Vec<char> = flat.chars().collect();
    if chars.len() <= 100 {
        return format!("ERROR {flat}");
    }
    let head: String = chars[..50].iter().collect();
    let tail: String = chars[chars.len() - 50..].iter().collect();
    format!("ERROR {head} … {tail}")
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&byte| byte == b'\n')
        .count()
        + 1
}
