#!/bin/sh
# Measures `sqlwarden check` on a folder of T-SQL scripts against parsing alone and against
# sqruff, and prints a table with the wall time, CPU time, MB/s and peak memory of each, and
# the ratios that issue 3 sets targets for:
#   - sqruff / sqlwarden check (target: at least 10x),
#   - sqlwarden check / parse only (target: at most 1.5x).
#
#   bench/check-bench.sh CORPUS_DIR [--no-build] [--runs N] [--jobs N]
#
#   --no-build  use the binaries already in target/release (or $SQLWARDEN and $PARSE_CORPUS)
#   --runs N    run each tool N times and keep the run with the shortest wall time (default 1)
#   --jobs N    threads/processes each tool may use (default: nproc, i.e. every core)
#
# What it needs, and where it gets it:
#   - cargo (to build), python3 with the venv module (for sqruff and the helpers below);
#   - GNU time at /usr/bin/time (Debian package `time`): installed with apt-get when the script
#     runs as root, else the script stops and says so;
#   - sqruff from PyPI, installed into a venv under target/bench/ ($SQRUFF_VERSION, default
#     0.44.0; set SQRUFF=/path/to/sqruff to use another one).
#
# The three commands, all given the same files (every *.sql below CORPUS_DIR):
#   sqlwarden check CORPUS_DIR --format json --exit-zero     (rayon, RAYON_NUM_THREADS=jobs)
#   parse only: the grammar's parse_corpus example, which decodes and parses every file exactly
#     as the analyser does. It is single-threaded, so the files are split into `jobs` shards of
#     about equal size and one process runs per shard, all at once: that is parsing alone on
#     every core. (Its clean-batch walk is extra work, so this overstates parse time a little;
#     the CPU seconds inside the parse calls alone are printed too.)
#   sqruff lint --dialect tsql -f json CORPUS_DIR    (rayon as well, RAYON_NUM_THREADS=jobs;
#     sqruff has no parallelism flag and lints files in parallel by default), with its
#     large-file and parse-size limits lifted so that it reads every file; once more with its
#     defaults, for reference.
# All three read a copy of CORPUS_DIR under target/bench/corpus whose UTF-16 files are
# re-encoded as UTF-8 (sqruff panics on them otherwise).
# MB/s is the bytes of the .sql files (in that copy) divided by the wall time. CPU time is user +
# system; on a shared machine it is the steadier figure, since the wall clock also counts time
# spent waiting for a core (the load average is printed before and after).
set -eu

usage() {
    echo "usage: bench/check-bench.sh CORPUS_DIR [--no-build] [--runs N] [--jobs N]" >&2
    exit 2
}

corpus=""
build=1
runs=1
jobs=$(nproc)
while [ $# -gt 0 ]; do
    case "$1" in
    --no-build) build=0 ;;
    --runs) [ $# -ge 2 ] || usage; runs=$2; shift ;;
    --jobs) [ $# -ge 2 ] || usage; jobs=$2; shift ;;
    -h | --help) usage ;;
    -*) echo "check-bench: unknown option $1" >&2; usage ;;
    *) [ -z "$corpus" ] || usage; corpus=$1 ;;
    esac
    shift
done
[ -n "$corpus" ] || usage
[ -d "$corpus" ] || { echo "check-bench: $corpus is not a folder" >&2; exit 2; }
corpus=$(cd "$corpus" && pwd)
case "$runs" in '' | *[!0-9]* | 0) echo "check-bench: --runs needs a positive number" >&2; exit 2 ;; esac
case "$jobs" in '' | *[!0-9]* | 0) echo "check-bench: --jobs needs a positive number" >&2; exit 2 ;; esac

cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/target/bench"
mkdir -p "$work"
# The scratch copy below is deleted and rebuilt on every run: never take it as the input.
case "$corpus/" in
"$work"/*) echo "check-bench: CORPUS_DIR must not lie inside $work" >&2; exit 2 ;;
esac

# GNU time: its -v report gives the peak resident set size, which the shell's `time` does not.
if ! /usr/bin/time -v true >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "check-bench: installing GNU time (Debian package \`time\`)" >&2
        apt-get install -y -qq time >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null && apt-get install -y -qq time >/dev/null; }
    else
        echo "check-bench: GNU time is required at /usr/bin/time: apt-get install time" >&2
        exit 2
    fi
fi
command -v python3 >/dev/null 2>&1 ||
    { echo "check-bench: python3 is required" >&2; exit 2; }

sqlwarden=${SQLWARDEN:-$root/target/release/sqlwarden}
parse_corpus=${PARSE_CORPUS:-$root/target/release/examples/parse_corpus}
if [ "$build" = 1 ]; then
    echo "check-bench: building (release)" >&2
    cargo build --quiet --release -p sqlwarden
    cargo build --quiet --release -p tree-sitter-sqlwarden --example parse_corpus
fi
for binary in "$sqlwarden" "$parse_corpus"; do
    [ -x "$binary" ] || { echo "check-bench: $binary is missing (build it or drop --no-build)" >&2; exit 2; }
done

sqruff=${SQRUFF:-}
if [ -z "$sqruff" ]; then
    version=${SQRUFF_VERSION:-0.44.0}
    venv="$work/sqruff-venv"
    sqruff="$venv/bin/sqruff"
    if ! "$sqruff" --version 2>/dev/null | grep -qx "sqruff $version"; then
        echo "check-bench: installing sqruff $version from PyPI into $venv" >&2
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check "sqruff==$version"
    fi
fi

# sqruff stops with a panic at the first file that is not UTF-8, and SQL Server Management
# Studio saves UTF-16. So every command reads a copy of the corpus in which each UTF-16 `.sql`
# file (by its byte order mark) is re-encoded as UTF-8 with a BOM, which sqlwarden reads the
# same way; every other file is copied as it is. The parse-only shards are copies of those
# `.sql` files, dealt largest first to the lightest shard, so that each process gets about the
# same number of bytes.
copy="$work/corpus"
shards="$work/parse-shards"
rm -rf "$copy" "$shards"
python3 - "$corpus" "$copy" "$shards" "$jobs" <<'EOF'
import codecs, os, shutil, sys
corpus, copy, shards, jobs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
shutil.copytree(corpus, copy, symlinks=True)
files, transcoded = [], 0
for folder, _, names in os.walk(copy):
    for name in names:
        path = os.path.join(folder, name)
        if not name.lower().endswith(".sql") or os.path.islink(path):
            continue
        with open(path, "rb") as handle:
            raw = handle.read()
        for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
            if raw.startswith(bom):
                text = raw[len(bom):].decode(encoding, errors="replace")
                with open(path, "wb") as handle:
                    handle.write(codecs.BOM_UTF8 + text.encode("utf-8"))
                transcoded += 1
                break
        files.append((os.path.getsize(path), path))
loads = [0] * jobs
for size, path in sorted(files, reverse=True):
    shard = loads.index(min(loads))
    loads[shard] += size
    target = os.path.join(shards, str(shard), os.path.relpath(path, copy))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copyfile(path, target)
for shard in range(jobs):
    os.makedirs(os.path.join(shards, str(shard)), exist_ok=True)
print(f"check-bench: {transcoded} UTF-16 file(s) re-encoded as UTF-8 for sqruff", file=sys.stderr)
EOF

files=$(find "$copy" -type f -iname '*.sql' | wc -l)
bytes=$(find "$copy" -type f -iname '*.sql' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')

export RAYON_NUM_THREADS="$jobs"

# measure NAME COMMAND...: runs COMMAND $runs times under GNU time and appends the fastest
# run to $results as "name wall cpu peak_kb exit_status". Standard output of the last run is
# kept in $work/NAME.out for a look afterwards.
results="$work/results.txt"
: >"$results"
: >"$work/warnings.txt"
measure() {
    name=$1
    shift
    best=""
    i=0
    while [ "$i" -lt "$runs" ]; do
        i=$((i + 1))
        /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" || true
        line=$(awk -F': ' '
            /Elapsed \(wall clock\)/ {
                n = split($2, part, ":"); wall = 0
                for (k = 1; k <= n; k++) wall = wall * 60 + part[k]
            }
            /User time \(seconds\)/ { cpu += $2 }
            /System time \(seconds\)/ { cpu += $2 }
            /Maximum resident set size/ { peak = $2 }
            /Exit status/ { status = $2 }
            END { printf "%.2f %.2f %d %d\n", wall, cpu, peak, status }
        ' "$work/$name.time")
        if [ -z "$best" ] || [ "$(echo "$line $best" | awk '{ print ($1 < $5) }')" = 1 ]; then
            best=$line
        fi
    done
    echo "$name $best" >>"$results"
    # A panic (Rust's message on standard error) means the figures are not those of a full run.
    if grep -q "panicked" "$work/$name.err"; then
        echo "warning: $name panicked (see target/bench/$name.err): its figures are not a full run" >>"$work/warnings.txt"
    fi
}

echo "check-bench: $files files, $bytes bytes, $jobs jobs, best of $runs run(s)" >&2
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

measure check "$sqlwarden" check "$copy" --format json --exit-zero

# One process per shard, all at once; GNU time sums their CPU time and reports the largest
# peak among them.
parse_script='for shard in "$0"/[0-9]*/; do shard=${shard%/}; "$1" "$shard" >"$shard.out" & done; wait'
measure parse sh -c "$parse_script" "$shards" "$parse_corpus"
parse_calls_cpu=$(cat "$shards"/*.out 2>/dev/null |
    awk '/^cpu:/ { sub(/.*\(/, ""); s += $1 } END { printf "%.2f", s + 0 }')

# sqruff's defaults skip every file over 20,000 bytes (large_file_skip_byte_limit) and give
# up on a file whose tree passes 100,000 nodes (max_parse_nodes): on the calibration corpus
# that leaves most of the bytes unlinted. The measured run lifts both limits so that sqruff
# reads the same text as sqlwarden; a second run with its defaults is shown for reference.
printf '[sqruff]\nlarge_file_skip_byte_limit = 0\nmax_parse_nodes = 1000000000\n' >"$work/sqruff.cfg"
measure sqruff "$sqruff" lint --config "$work/sqruff.cfg" --dialect tsql -f json "$copy"
measure sqruff-defaults "$sqruff" lint --dialect tsql -f json "$copy"

load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# The table and the ratios.
awk -v bytes="$bytes" -v files="$files" -v jobs="$jobs" -v runs="$runs" \
    -v calls="$parse_calls_cpu" -v before="$load_before" -v after="$load_after" \
    -v cpus="$(nproc)" -v model="$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')" \
    -v memory="$(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)" '
    {
        wall[$1] = $2; cpu[$1] = $3; peak[$1] = $4; status[$1] = $5
    }
    END {
        mb = bytes / 1e6
        label["check"] = "sqlwarden check (json)"
        label["parse"] = "parse only (" jobs " shards)"
        label["sqruff"] = "sqruff lint --dialect tsql"
        label["sqruff-defaults"] = "  (sqruff, default limits)"
        printf "machine: %d cpus (%s), %s memory; load average %s before, %s after\n",
            cpus, model, memory, before, after
        printf "corpus:  %d .sql files, %.1f MB; %d jobs; best of %d run(s)\n\n",
            files, mb, jobs, runs
        printf "%-28s %8s %8s %9s %10s %7s\n", "", "wall s", "cpu s", "MB/s", "peak MB", "exit"
        n = split("check parse sqruff sqruff-defaults", order, " ")
        for (k = 1; k <= n; k++) {
            t = order[k]
            if (!(t in wall)) continue
            printf "%-28s %8.2f %8.2f %9.2f %10.1f %7d\n", label[t], wall[t], cpu[t],
                (wall[t] > 0 ? mb / wall[t] : 0), peak[t] / 1024, status[t]
        }
        printf "\n"
        if (wall["check"] > 0 && cpu["check"] > 0) {
            printf "sqruff / sqlwarden check:     %6.1fx wall  %6.1fx cpu   (target >= 10x)\n",
                wall["sqruff"] / wall["check"], cpu["sqruff"] / cpu["check"]
        }
        if (wall["parse"] > 0 && cpu["parse"] > 0) {
            printf "sqlwarden check / parse only: %6.2fx wall  %6.2fx cpu   (target <= 1.5x)\n",
                wall["check"] / wall["parse"], cpu["check"] / cpu["parse"]
        }
        if (calls > 0) {
            printf "check cpu / cpu inside the parse calls alone (%.2f s): %.2fx\n",
                calls, cpu["check"] / calls
        }
    }
' "$results"
cat "$work/warnings.txt"
