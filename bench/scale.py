#!/usr/bin/env python3
"""Scale benchmark: `sqlwarden check` on synthetic projects of 1k, 10k and 100k objects and
on one script of about 50 MB, each under GNU time, printing wall and CPU seconds, MB/s and
peak resident memory, and the ratios the hardening issue sets targets for.

Usage: bench/scale.py [--binary target/release/sqlwarden] [--scratch DIR]
                      [--sizes 1000,10000,100000] [--script-mb 50] [--corpus DIR]
                      [--runs N]

The projects are written by bench/synthetic-project.py into the scratch folder (default
target/bench/scale), once; the single script holds the same statements, all in one file.
--corpus DIR also checks a folder of real scripts (the calibration corpus), so that the
single script's MB/s can be compared with real code measured in the same run.
--runs N keeps each command's fastest of N runs (default 1).

Targets (issue 10): from 10k to 100k objects at most 11 times the time; at most 400 MB
for 100k objects; the single script at no less than half the corpus's MB/s, in at most
20 times its size in memory.
"""
import argparse
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def size_of(path):
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            if name.lower().endswith(".sql"):
                total += os.path.getsize(os.path.join(folder, name))
    return total


def timed(binary, path, runs):
    """(wall s, cpu s, peak MB, exit status) of the fastest of `runs` checks of `path`."""
    best = None
    for _ in range(runs):
        out = subprocess.run(
            ["/usr/bin/time", "-v", binary, "check", str(path), "--format", "json",
             "--exit-zero", "--output", os.devnull],
            capture_output=True, text=True)
        report = out.stderr

        def field(name):
            match = re.search(rf"{re.escape(name)}: (.*)", report)
            return match.group(1).strip() if match else "0"

        clock = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
        parts = [float(p) for p in clock.split(":")]
        wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
        cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
        peak = int(field("Maximum resident set size (kbytes)")) / 1024
        result = (wall, cpu, peak, out.returncode)
        if best is None or result[0] < best[0]:
            best = result
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=str(ROOT / "target/release/sqlwarden"))
    ap.add_argument("--scratch", default=str(ROOT / "target/bench/scale"))
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--script-mb", type=float, default=50)
    ap.add_argument("--corpus")
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    scratch = pathlib.Path(args.scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    generator = ROOT / "bench/synthetic-project.py"
    rows = []
    sizes = [int(n) for n in args.sizes.split(",") if n]
    for n in sizes:
        folder = scratch / f"objects-{n}"
        if not folder.exists():
            subprocess.run([sys.executable, str(generator), str(n), str(folder)], check=True,
                           stdout=subprocess.DEVNULL)
        rows.append((f"{n} objects", folder))
    if args.script_mb > 0:
        # About 200 bytes an object: the number of objects that fills the script.
        n = int(args.script_mb * 1024 * 1024 / 206)
        folder = scratch / f"script-{args.script_mb:g}mb"
        if not folder.exists():
            subprocess.run([sys.executable, str(generator), str(n), str(folder),
                            "--per-file", str(n)], check=True, stdout=subprocess.DEVNULL)
        rows.append((f"one {args.script_mb:g} MB script", folder))
    if args.corpus:
        rows.append(("corpus", pathlib.Path(args.corpus)))

    print(f"binary: {args.binary}; machine: {os.cpu_count()} cores; load before: "
          f"{os.getloadavg()[0]:.2f}")
    print(f"| {'input':<22} | {'MB':>6} | {'wall s':>7} | {'cpu s':>7} | {'MB/s':>6} | "
          f"{'peak MB':>8} | {'peak/size':>9} | status |")
    print(f"|{'-' * 24}|{'-' * 8}|{'-' * 9}|{'-' * 9}|{'-' * 8}|{'-' * 10}|{'-' * 11}|--------|")
    figures = {}
    for name, path in rows:
        mb = size_of(path) / 1e6
        wall, cpu, peak, status = timed(args.binary, path, args.runs)
        figures[name] = (mb, wall, cpu, peak)
        print(f"| {name:<22} | {mb:6.1f} | {wall:7.2f} | {cpu:7.2f} | {mb / wall:6.2f} | "
              f"{peak:8.1f} | {peak / mb:8.1f}x | {status:>6} |")
    print(f"load after: {os.getloadavg()[0]:.2f}")
    if "10000 objects" in figures and "100000 objects" in figures:
        small, big = figures["10000 objects"], figures["100000 objects"]
        print(f"10k -> 100k objects: {big[1] / small[1]:.2f}x wall, {big[2] / small[2]:.2f}x cpu "
              f"(target <= 11x); peak {big[3]:.0f} MB (target <= 400 MB)")
    script = next((k for k in figures if k.startswith("one ")), None)
    if script and "corpus" in figures:
        s, c = figures[script], figures["corpus"]
        print(f"script {s[0] / s[1]:.2f} MB/s vs corpus {c[0] / c[1]:.2f} MB/s: "
              f"{(s[0] / s[1]) / (c[0] / c[1]):.2f} (target >= 0.5); "
              f"memory {s[3] / s[0]:.1f}x its size (target <= 20x)")


if __name__ == "__main__":
    main()
