//! Times the incremental analysis of one-character edits, without the protocol: the
//! reparse of the edited file on the caller's thread, and the job that rebuilds the
//! projects reaching it.
//!
//! `cargo run --release -p analysis --example edit_timing -- DIR FILE [EDITS]`

use std::time::Instant;

use analysis::host::Host;
use analysis::project::LoadOptions;
use syntax::TextRange;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: edit_timing DIR FILE [EDITS]");
    let file = args.next().expect("usage: edit_timing DIR FILE [EDITS]");
    let edits: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(40);
    let workspace = analysis::load::load(&[dir.into()], &LoadOptions::default()).expect("loads");
    let mut host = Host::new(workspace);
    let t = Instant::now();
    host.analyze();
    println!("first analysis: {:?}", t.elapsed());
    let path = std::fs::canonicalize(&file).expect("the file");
    let id = host
        .workspace()
        .files
        .find(&path)
        .expect("in the workspace");
    let middle = host.workspace().files.get(id).text.len() / 2;
    let at = host.workspace().files.get(id).text[middle..]
        .find('\n')
        .map_or(middle, |n| middle + n + 1);
    let (mut reparse, mut job, mut snapshot) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..edits {
        let edit = if i % 2 == 0 {
            (TextRange::new(at, at), " ".to_owned())
        } else {
            (TextRange::new(at, at + 1), String::new())
        };
        let t = Instant::now();
        host.edit(id, &[edit]);
        reparse.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        std::hint::black_box(host.job());
        snapshot.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        host.analyze();
        job.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    // The parts of the job: the model and the rules of each project that reaches the file.
    let (mut models, mut rules) = (Vec::new(), Vec::new());
    for _ in 0..edits.min(10) {
        for index in host.projects_of(id) {
            let workspace = host.workspace();
            let project = &workspace.projects[index];
            let t = Instant::now();
            let model = analysis::model::Model::build(workspace, project);
            models.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            let context = analysis::rules::Context::new(workspace, project, &model);
            std::hint::black_box(analysis::rules::run(&context));
            rules.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    // The costliest rules on that project.
    let mut per_rule: Vec<(f64, &str)> = Vec::new();
    if let Some(&index) = host.projects_of(id).first() {
        let workspace = host.workspace();
        let project = &workspace.projects[index];
        let model = analysis::model::Model::build(workspace, project);
        let context = analysis::rules::Context::new(workspace, project, &model);
        for rule in analysis::rules::all() {
            let t = Instant::now();
            let mut out = Vec::new();
            for _ in 0..5 {
                out.clear();
                (rule.check)(&context, &mut out);
            }
            per_rule.push((t.elapsed().as_secs_f64() * 200.0, rule.meta.code.as_str()));
        }
    }
    per_rule.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total: f64 = per_rule.iter().map(|(ms, _)| ms).sum();
    println!("every rule one after another: {total:.2} ms");
    for (ms, code) in per_rule.iter().take(5) {
        println!("  rule {code}: {ms:.2} ms");
    }
    for (name, mut list) in [
        ("edit + reparse", reparse),
        ("analysis job", job),
        ("  of which the snapshot", snapshot),
        ("  of which the model", models),
        ("  of which the rules", rules),
    ] {
        list.sort_by(f64::total_cmp);
        println!(
            "{name}: median {:.2} ms, max {:.2} ms",
            list[list.len() / 2],
            list[list.len() - 1]
        );
    }
}
