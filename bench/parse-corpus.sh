#!/bin/sh
# Measures the grammar on a folder of T-SQL scripts: files, batches, % clean batches,
# % clean files and single-threaded MB/s (wall clock, and CPU time where the platform
# reports it). Pass --failures to list every failing batch as file:line: first error.
#   bench/parse-corpus.sh DIR [--failures]
# DIR is taken relative to the current directory, so the script does not change it.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
exec cargo run --quiet --release --manifest-path "$root/Cargo.toml" \
    -p tree-sitter-sqlwarden --example parse_corpus -- "$@"
