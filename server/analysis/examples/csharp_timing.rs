//! Prints what the C# pass costs beside the C# parse it reads: for every folder given,
//! the time to parse and lower its `.cs` files (once, as loading does), and the time of
//! the CLS rules on each project (tying the assemblies to their source, analysing the
//! code, and judging it), best of `REPEAT` runs (default 5). The target: the CLS
//! rules cost no more than the parse.
//!
//! `cargo run --release -p analysis --example csharp_timing -- DIR…`

use std::time::{Duration, Instant};

use analysis::model::Model;
use analysis::project::LoadOptions;
use analysis::rules::{self, Context};

fn best(repeat: usize, mut f: impl FnMut()) -> Duration {
    (0..repeat.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let repeat: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let (mut total_parse, mut total_cls, mut total_bytes) = (Duration::ZERO, Duration::ZERO, 0);
    for dir in std::env::args().skip(1) {
        let workspace =
            analysis::load::load(&[dir.clone().into()], &LoadOptions::default()).expect("loads");
        let texts: Vec<&str> = workspace
            .csharp
            .keys()
            .map(|&f| workspace.files.get(f).text.as_str())
            .collect();
        let bytes: usize = texts.iter().map(|t| t.len()).sum();
        let parse = best(repeat, || {
            for text in &texts {
                std::hint::black_box(syntax::csharp::parse_csharp(text));
            }
        });
        let cls_rules: Vec<_> = rules::all()
            .into_iter()
            .filter(|r| r.meta.code.group() == "CLS")
            .collect();
        let mut cls = Duration::ZERO;
        let mut found = 0;
        for project in &workspace.projects {
            let model = Model::build(&workspace, project);
            cls += best(repeat, || {
                let context = Context::new(&workspace, project, &model);
                let mut out = Vec::new();
                for rule in &cls_rules {
                    (rule.check)(&context, &mut out);
                }
                found = out.len();
                std::hint::black_box(out);
            });
        }
        println!(
            "{dir}: {} .cs files, {} KB: parse {parse:.2?}, CLS rules {cls:.2?} ({:.2}× the parse), {found} findings in the last project",
            texts.len(),
            bytes / 1024,
            cls.as_secs_f64() / parse.as_secs_f64().max(1e-9)
        );
        total_parse += parse;
        total_cls += cls;
        total_bytes += bytes;
    }
    println!(
        "all: {} KB of C#: parse {total_parse:.2?}, CLS rules {total_cls:.2?} ({:.2}× the parse)",
        total_bytes / 1024,
        total_cls.as_secs_f64() / total_parse.as_secs_f64().max(1e-9)
    );
}
