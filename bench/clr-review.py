#!/usr/bin/env python3
"""Runs `sqlwarden check` on the SQLCLR calibration corpus and compares its CLS findings
with the hand-made expectations.

Usage:
  bench/clr-review.py BINARY [--list bench/corpus-clr.txt] [--expected bench/clr-expected.tsv]
                      [--scratch DIR]

Each repository of the list is checked at its root folder (cloned into DIR/owner+name at
its pinned commit when missing; the clones are never committed). Every CLS finding is
printed; each is matched with the expectations file by repository, path, line and code:
`expected` rows must be found (a miss is listed), `doubtful-no` and `trap-no` rows must
not. Prints recall and precision over the expected rows, and the run time of each
repository.
"""
import argparse
import json
import os
import subprocess
import sys
import time


def clone(repo, commit, dest):
    if os.path.isdir(dest):
        return True
    url = f"https://github.com/{repo}"
    if subprocess.run(["git", "clone", "-q", url, dest]).returncode != 0:
        return False
    return subprocess.run(["git", "-C", dest, "checkout", "-q", commit]).returncode == 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--list", default=os.path.join(here, "corpus-clr.txt"))
    parser.add_argument("--expected", default=os.path.join(here, "clr-expected.tsv"))
    parser.add_argument("--scratch", default="/tmp/sqlwarden-clr-corpus")
    args = parser.parse_args()

    expected = []
    with open(args.expected, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            repo, path, line_no, code, status, *_ = line.rstrip("\n").split("\t")
            expected.append((repo, path, int(line_no), code, status))

    found = []
    for line in open(args.list, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        repo, commit, root = line.split()[:3]
        dest = os.path.join(args.scratch, repo.replace("/", "+"))
        if not clone(repo, commit, dest):
            print(f"== {repo}: could not clone", file=sys.stderr)
            continue
        folder = os.path.normpath(os.path.join(dest, root))
        started = time.time()
        run = subprocess.run(
            [args.binary, "check", folder, "--format", "json", "--exit-zero"],
            capture_output=True, text=True)
        took = time.time() - started
        try:
            findings = json.loads(run.stdout)["findings"]
        except (ValueError, KeyError):
            print(f"== {repo}: no JSON output (exit {run.returncode}): {run.stderr[:200]}")
            continue
        cls = [f for f in findings if f["code"].startswith("CLS")]
        print(f"== {repo} ({took:.1f} s): {len(cls)} CLS finding(s)")
        prefix = os.path.relpath(folder, dest)
        for f in cls:
            path = os.path.normpath(os.path.join(prefix, f["file"])).replace("\\", "/")
            print(f"  {f['code']} {path}:{f['start']['line']} {f['message'][:120]}")
            found.append((repo, path, f["start"]["line"], f["code"]))

    def matches(row, hit):
        return row[0] == hit[0] and row[1] == hit[1] and row[2] == hit[2] and row[3] == hit[3]

    want = [r for r in expected if r[4] == "expected"]
    missed = [r for r in want if not any(matches(r, h) for h in found)]
    traps = [r for r in expected if r[4] != "expected" and any(matches(r, h) for h in found)]
    unexpected = [h for h in found if not any(matches(r, h) for r in want)]
    print(f"\nexpected {len(want)}, found {len(want) - len(missed)}; "
          f"findings {len(found)}, not in the expectations {len(unexpected)}; traps hit {len(traps)}")
    for r in missed:
        print(f"  missed: {r[0]} {r[1]}:{r[2]} {r[3]}")
    for r in traps:
        print(f"  trap hit: {r[0]} {r[1]}:{r[2]} {r[3]} ({r[4]})")
    for h in unexpected:
        print(f"  not expected: {h[0]} {h[1]}:{h[2]} {h[3]}")


if __name__ == "__main__":
    main()
