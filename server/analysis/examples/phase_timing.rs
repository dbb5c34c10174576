//! Times the phases of one `check` of a folder or project, without the output: loading
//! (discovery, decoding and parsing, in parallel), then the model, the rules and the
//! finalising of the findings (suppressions and configuration). The parse is timed once
//! more on its own, to tell it from the rest of loading.
//!
//! `cargo run --release -p analysis --example phase_timing -- PATH`

use std::time::Instant;

use analysis::host::Host;
use analysis::project::LoadOptions;
use rayon::prelude::*;

fn main() {
    let path = std::env::args().nth(1).expect("usage: phase_timing PATH");
    let t = Instant::now();
    let workspace = analysis::load::load(&[path.into()], &LoadOptions::default()).expect("loads");
    println!("load (parse included): {:>8.1} ms", ms(t));
    // The parse alone, again: every script of the workspace, in parallel as loading does.
    let t = Instant::now();
    let texts: Vec<&str> = workspace
        .scripts
        .keys()
        .map(|&id| workspace.files.get(id).text.as_str())
        .collect();
    let statements: usize = texts
        .par_iter()
        .map(|text| syntax::parse_script(text).0.statements.len())
        .sum();
    println!(
        "parse alone, again:    {:>8.1} ms ({statements} statements)",
        ms(t)
    );
    for project in &workspace.projects {
        let t = Instant::now();
        let model = analysis::model::Model::build(&workspace, project);
        println!("model:                 {:>8.1} ms", ms(t));
        let t = Instant::now();
        let context = analysis::rules::Context::new(&workspace, project, &model);
        let found = analysis::rules::run(&context);
        println!(
            "rules:                 {:>8.1} ms ({} raw findings)",
            ms(t),
            found.len()
        );
    }
    let mut host = Host::new(workspace);
    let t = Instant::now();
    host.analyze();
    println!("host.analyze (all):    {:>8.1} ms", ms(t));
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}
