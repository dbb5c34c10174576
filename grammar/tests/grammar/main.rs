//! Tests of the generated grammar that need no Node and no tree-sitter CLI: the corpus runner
//! over `test/corpus/*.txt` and the half-written-code test that cuts sources at
//! pseudo-random points.

mod cuts;
mod format;
mod runner;
