//! Prints, for each project under a folder, how long building its model and running the
//! rules takes: the part of a run that an incremental analysis must redo after an edit.
//!
//! `cargo run --release -p analysis --example project_timing -- DIR`; with `RULES=1`,
//! each rule is also run alone and the slowest are listed. The parse is timed once more
//! on its own (every script, in parallel as loading does), to tell it from the rest of
//! loading.

use std::time::Instant;

use analysis::model::Model;
use analysis::project::LoadOptions;
use analysis::rules::{self, Context};
use rayon::prelude::*;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: project_timing DIR");
    let started = Instant::now();
    let workspace = analysis::load::load(&[dir.into()], &LoadOptions::default()).expect("loads");
    println!(
        "load: {:?} ({} files)",
        started.elapsed(),
        workspace.files.len()
    );
    let t = Instant::now();
    let statements: usize = workspace
        .scripts
        .keys()
        .collect::<Vec<_>>()
        .par_iter()
        .map(|&&id| {
            let text = &workspace.files.get(id).text;
            syntax::parse_script(text).0.statements.len()
        })
        .sum();
    println!(
        "parse alone, again: {:?} ({statements} statements)",
        t.elapsed()
    );
    // `REPEAT=N` builds each model N times more, so that a profiler sees the analysis
    // rather than the load.
    let repeat: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(0);
    for project in &workspace.projects {
        for _ in 0..repeat {
            let model = Model::build(&workspace, project);
            let context = Context::new(&workspace, project, &model);
            std::hint::black_box(rules::run(&context));
        }
        let t = Instant::now();
        let model = Model::build(&workspace, project);
        let built = t.elapsed();
        let t = Instant::now();
        let context = Context::new(&workspace, project, &model);
        let found = rules::run(&context);
        println!(
            "{:40} files {:5} model {:>10.2?} rules {:>10.2?} findings {}",
            project.name,
            project.files().len(),
            built,
            t.elapsed(),
            found.len()
        );
        if std::env::var_os("RULES").is_some() {
            let mut times: Vec<(std::time::Duration, analysis::Code)> = rules::all()
                .iter()
                .map(|rule| {
                    let t = Instant::now();
                    let mut out = Vec::new();
                    (rule.check)(&context, &mut out);
                    (t.elapsed(), rule.meta.code)
                })
                .collect();
            times.sort_by(|a, b| b.cmp(a));
            for (time, code) in times.iter().take(8) {
                println!("    {code} {time:>10.2?}");
            }
        }
    }
}
