//! Tests of the generated grammar that need no Node and no tree-sitter CLI: the corpus runner
//! over `test/corpus/*.txt`, the half-written-code test that cuts sources at pseudo-random
//! points, and the junk test that checks an error stays inside its batch.

mod cuts;
mod format;
mod junk;
mod runner;
