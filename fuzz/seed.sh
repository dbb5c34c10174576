#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets from the project's own tests: every script
# and C# file of the test cases, the grammar's corpus inputs, the recovery scripts and the
# example project, one file each. The corpora stay out of the repository (fuzz/corpus is
# ignored). Usage: fuzz/seed.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$(cd .. && pwd)
mkdir -p corpus/parse corpus/csharp
python3 - "$ROOT" <<'PY'
import hashlib, os, re, sys
root = sys.argv[1]
def put(target, text):
    data = text.encode("utf-8")
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join("corpus", target, name), "wb") as f:
        f.write(data)
count = {"parse": 0, "csharp": 0}
# The whole-program cases: each `=== file:` block, by its extension.
for folder in ["tests/cases", "../shared/examples", "../shared/examples-model", "../shared/examples-clr"]:
    path = os.path.join(root, folder)
    if not os.path.isdir(path):
        continue
    for name in sorted(os.listdir(path)):
        if not name.endswith(".case"):
            continue
        text = open(os.path.join(path, name), encoding="utf-8").read()
        parts = re.split(r"^=== file: (.*)$", text, flags=re.M)
        for i in range(1, len(parts), 2):
            body = re.sub(r"\s*--!expect \S+", "", parts[i + 1].split("\n=== forbid")[0])
            target = "csharp" if parts[i].strip().lower().endswith(".cs") else "parse"
            put(target, body)
            count[target] += 1
# The grammar's corpus: the input of each case (before its `---` line).
corpus = os.path.join(root, "grammar/test/corpus")
for name in sorted(os.listdir(corpus)):
    text = open(os.path.join(corpus, name), encoding="utf-8").read()
    for block in re.split(r"^=+\n.*\n=+\n", text, flags=re.M):
        source = block.split("\n---\n")[0]
        if source.strip():
            put("parse", source)
            count["parse"] += 1
# Scripts of the tests and the example project.
for folder in ["server/syntax/tests/scripts", "examples"]:
    for dirpath, _, files in os.walk(os.path.join(root, folder)):
        for name in files:
            if name.endswith(".sql"):
                put("parse", open(os.path.join(dirpath, name), encoding="utf-8", errors="replace").read())
                count["parse"] += 1
print(f"seeds: parse {count['parse']}, csharp {count['csharp']}")
PY
