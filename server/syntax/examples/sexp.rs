//! Prints the tree-sitter tree of the text on standard input as an S-expression, for
//! debugging the lowering: `cargo run -p syntax --example sexp [-- --lower] < file.sql`.

use std::io::Read;

fn main() {
    let mut text = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("cannot read standard input: {error}");
        std::process::exit(2);
    }
    let parsed = syntax::parse(&text);
    if std::env::args().any(|arg| arg == "--lower") {
        println!("{:#?}", parsed.lower());
    } else {
        println!("{}", parsed.to_sexp_with_text(&text));
    }
    for error in parsed.errors() {
        println!("error {:?}: {}", error.range, error.message);
    }
}
