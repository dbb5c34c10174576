//! Types a statement into a file one character at a time and prints, after each
//! keystroke, the findings of that file: a way to see which partial texts make findings
//! elsewhere in the file vanish.
//!
//! `cargo run --release -p analysis --example typing_stability -- DIR FILE OFFSET TEXT`

use analysis::host::Host;
use analysis::project::LoadOptions;
use syntax::TextRange;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, file, offset, text] = args.as_slice() else {
        eprintln!("usage: typing_stability DIR FILE OFFSET TEXT");
        std::process::exit(2);
    };
    let workspace = analysis::load::load(&[dir.into()], &LoadOptions::default()).expect("loads");
    let mut host = Host::new(workspace);
    host.analyze();
    let path = std::fs::canonicalize(file).expect("the file");
    let id = host
        .workspace()
        .files
        .find(&path)
        .expect("in the workspace");
    let mut at: usize = offset.parse().expect("a byte offset");
    let codes = |host: &Host| -> Vec<String> {
        host.diagnostics(id)
            .iter()
            .map(|d| d.code.to_string())
            .collect()
    };
    println!("before: {:?}", codes(&host));
    for ch in text.replace("\\n", "\n").chars() {
        host.edit(id, &[(TextRange::new(at, at), ch.to_string())]);
        at += ch.len_utf8();
        host.analyze();
        let text = &host.workspace().files.get(id).text;
        let typed = &text[..at];
        let line = typed.rsplit('\n').next().unwrap_or("");
        println!("{line:<50} {:?}", codes(&host));
    }
}
