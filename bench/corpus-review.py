#!/usr/bin/env python3
"""Run `sqlwarden check` over the calibration corpus and count findings per repository and rule.

The corpus is a list of public repositories pinned to commits (bench/corpus.txt, one
`owner/name commit kind` per line). The clones live in a scratch folder outside this
repository and are never committed. With `--labels`, each finding is matched against the
review's verdicts (bench/corpus-labels.tsv) by a fingerprint that does not depend on line
numbers: repository, file, rule, message, the text of the finding's first line and of the
non-blank line before it. The output then gives, per rule, how many findings were judged
true and false, and the precision, overall and without IMP004, and the false ones by cause.
SQL001 (syntax errors) and notes are counted but not judged. A fingerprint may cover more
than one finding (identical lines in one file); the review gave those the same verdict.

Usage:
  bench/corpus-review.py BINARY [--list bench/corpus.txt] [--scratch DIR] [--mirror-root DIR]
                         [--labels bench/corpus-labels.tsv] [--out DIR] [--only OWNER/NAME]
                         [--dump FILE] [--timeout SECONDS]

  --scratch DIR      where the clones are (DIR/owner+name); missing ones are cloned
                     (default /tmp/sqlwarden-corpus)
  --mirror-root DIR  clone from DIR/owner+name/repo instead of https://github.com/owner/name
  --out DIR          keep each repository's JSON output as DIR/owner+name.json
  --dump FILE        write every finding as TSV (fingerprint, repo, code, severity, file,
                     line, verdict, message, line text) for reviewing and labelling
  --unlabelled       list the judged-rule findings that the labels file does not cover

The labels file is TSV: fingerprint, repo, code, file, line, verdict (true/false), cause,
reason. Lines starting with `#` are comments. The fingerprint is the key; verdict and cause
are counted; the rest is the record of the review.
"""

import argparse
import collections
import hashlib
import json
import os
import re
import subprocess
import sys
import time

NOT_JUDGED = {"SQL001"}


def read_list(path):
    repos = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) < 3:
                sys.exit(f"{path}: bad line: {raw.rstrip()}")
            repos.append((parts[0], parts[1], " ".join(parts[2:])))
    return repos


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def ensure_clone(scratch, mirror_root, repo, commit):
    """Return the path of a work tree of `repo` at `commit`, cloning it if needed."""
    name = repo.replace("/", "+")
    path = os.path.join(scratch, name)
    if os.path.isdir(os.path.join(path, ".git")):
        head = run(["git", "-C", path, "rev-parse", "HEAD"]).stdout.strip()
        if head == commit:
            return path
        run(["git", "-C", path, "fetch", "-q", "origin"])
    else:
        os.makedirs(scratch, exist_ok=True)
        src = (os.path.join(mirror_root, name, "repo") if mirror_root
               else f"https://github.com/{repo}")
        r = run(["git", "clone", "-q", "--no-checkout", src, path])
        if r.returncode != 0:
            sys.exit(f"clone of {repo} failed: {r.stderr.strip()}")
    # Snapshots may lack large blobs; check out what exists and go on.
    run(["git", "-C", path, "checkout", "-q", "-f", commit])
    head = run(["git", "-C", path, "rev-parse", "HEAD"]).stdout.strip()
    if head != commit:
        sys.exit(f"{repo}: commit {commit} not available (HEAD is {head})")
    return path


_ws = re.compile(r"\s+")


def line_text(root, rel, line, cache):
    """The finding's first line and the previous non-blank line, whitespace collapsed."""
    key = os.path.join(root, rel)
    if key not in cache:
        try:
            with open(key, "rb") as f:
                data = f.read()
            if data.startswith(b"\xef\xbb\xbf"):
                text = data[3:].decode("utf-8", "replace")
            elif data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
                text = data.decode("utf-16", "replace")
            else:
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    text = data.decode("cp1252", "replace")
            cache[key] = text.splitlines()
        except OSError:
            cache[key] = []
    lines = cache[key]
    if not 1 <= line <= len(lines):
        return "", ""
    prev = ""
    for i in range(line - 2, -1, -1):
        if lines[i].strip():
            prev = _ws.sub(" ", lines[i]).strip()
            break
    return _ws.sub(" ", lines[line - 1]).strip(), prev


def fingerprint(repo, f, text, prev):
    msg = re.sub(r"\bline \d+", "line N", f["message"])
    parts = [repo, f.get("file") or "", f["code"], msg, text, prev]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def read_labels(path):
    labels = {}
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            if raw.startswith("#") or not raw.strip():
                continue
            cols = raw.rstrip("\n").split("\t")
            if len(cols) < 6 or cols[5] not in ("true", "false"):
                sys.exit(f"{path}:{n}: expected fingerprint..verdict(true/false)")
            labels[cols[0]] = (cols[5], cols[6] if len(cols) > 6 else "")  # verdict, cause
    return labels


def table(rows, header):
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    out = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths))]
    out.append("  ".join("-" * w for w in widths))
    for r in rows:
        out.append("  ".join(str(c).rjust(w) if isinstance(c, (int, float)) else str(c).ljust(w)
                             for c, w in zip(r, widths)))
    return "\n".join(out)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("--list", default=os.path.join(here, "corpus.txt"))
    ap.add_argument("--scratch", default="/tmp/sqlwarden-corpus")
    ap.add_argument("--mirror-root")
    ap.add_argument("--labels")
    ap.add_argument("--out")
    ap.add_argument("--only", action="append")
    ap.add_argument("--dump")
    ap.add_argument("--unlabelled", action="store_true")
    ap.add_argument("--timeout", type=float, default=600)
    a = ap.parse_args()

    labels = read_labels(a.labels) if a.labels else {}
    repos = [r for r in read_list(a.list) if not a.only or r[0] in a.only]
    if a.out:
        os.makedirs(a.out, exist_ok=True)

    per_repo = []
    per_rule = collections.defaultdict(collections.Counter)
    per_cause = collections.Counter()
    dump = []
    unlabelled = []
    for repo, commit, kind in repos:
        path = ensure_clone(a.scratch, a.mirror_root, repo, commit)
        t0 = time.monotonic()
        try:
            r = run([a.binary, "check", path, "--format", "json"], timeout=a.timeout)
            rc, out, err = r.returncode, r.stdout, r.stderr
        except subprocess.TimeoutExpired:
            rc, out, err = "timeout", "", ""
        dt = time.monotonic() - t0
        try:
            doc = json.loads(out)
        except ValueError:
            doc = {"findings": [], "summary": {}}
            if rc != "timeout":
                rc = f"{rc} (no JSON: {err.strip()[:80]})"
        if a.out:
            with open(os.path.join(a.out, repo.replace("/", "+") + ".json"), "w") as f:
                f.write(out)
        cache = {}
        counts = collections.Counter()
        judged = collections.Counter()
        for f in doc["findings"]:
            code = f["code"]
            counts[code] += 1
            line = f["start"]["line"] if f.get("start") else 0
            text, prev = line_text(path, f.get("file") or "", line, cache) if f.get("file") else ("", "")
            fp = fingerprint(repo, f, text, prev)
            verdict, cause = labels.get(fp, (None, ""))
            c = per_rule[code]
            c["findings"] += 1
            c["sev:" + f["severity"]] += 1
            if code not in NOT_JUDGED and f["severity"] != "note":
                if verdict:
                    c[verdict] += 1
                    judged[verdict] += 1
                    if verdict == "false":
                        per_cause[(cause or "(no cause)", code)] += 1
                elif labels:
                    unlabelled.append((repo, code, f.get("file"), line, f["message"]))
            dump.append((fp, repo, code, f["severity"], f.get("file") or "", line,
                         verdict or "", f["message"].replace("\t", " "), text.replace("\t", " ")))
        per_repo.append((repo, kind, commit[:10], doc.get("summary", {}).get("files_checked", ""),
                         f"{dt:.2f}", rc, counts.get("SQL001", 0),
                         sum(1 for f in doc["findings"]
                             if f["code"] not in NOT_JUDGED and f["severity"] != "note"),
                         judged["true"], judged["false"]))

    print(table(per_repo, ["repository", "kind", "commit", "files", "secs", "exit", "SQL001",
                           "judged-rule findings", "true", "false"]))
    print()

    def rule_rows(skip):
        rows = []
        tot = collections.Counter()
        for code in sorted(per_rule):
            c = per_rule[code]
            if code in NOT_JUDGED or c["findings"] == c["sev:note"]:
                rows.append((code, c["findings"], "-", "-", "-", "-"))
                continue
            un = c["findings"] - c["true"] - c["false"]
            prec = f"{c['true'] / (c['true'] + c['false']):.2f}" if c["true"] + c["false"] else "-"
            rows.append((code, c["findings"], c["true"], c["false"], un, prec))
            if code not in skip:
                for k in ("findings", "true", "false"):
                    tot[k] += c[k]
        j = tot["true"] + tot["false"]
        return rows, tot, (f"{tot['true'] / j:.3f}" if j else "-")

    rows, tot, prec = rule_rows(set())
    print(table(rows, ["rule", "findings", "true", "false", "unlabelled", "precision"]))
    print(f"\nall judged rules: findings {tot['findings']}, true {tot['true']}, "
          f"false {tot['false']}, precision {prec}")
    _, tot, prec = rule_rows({"IMP004"})
    print(f"without IMP004:   findings {tot['findings']}, true {tot['true']}, "
          f"false {tot['false']}, precision {prec}")

    if per_cause:
        print("\nfalse findings by cause:")
        print(table([(cause, code, n) for (cause, code), n in per_cause.most_common()],
                    ["cause", "rule", "false"]))

    if a.dump:
        with open(a.dump, "w", encoding="utf-8") as f:
            f.write("fingerprint\trepo\tcode\tseverity\tfile\tline\tverdict\tmessage\tline_text\n")
            for row in dump:
                f.write("\t".join(str(x) for x in row) + "\n")
    if a.unlabelled and unlabelled:
        print(f"\n{len(unlabelled)} findings without a label:")
        for u in unlabelled:
            print("  " + " | ".join(str(x) for x in u))


if __name__ == "__main__":
    main()
