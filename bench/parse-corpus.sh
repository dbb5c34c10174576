#!/bin/sh
# Measures the grammar on a folder of T-SQL scripts: files, batches, % clean batches,
# % clean files and single-threaded MB/s. Pass --failures to list every failing batch.
#   bench/parse-corpus.sh DIR [--failures]
set -eu
cd "$(dirname "$0")/.."
exec cargo run --quiet --release -p tree-sitter-sqlwarden --example parse_corpus -- "$@"
