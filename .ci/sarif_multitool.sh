#!/usr/bin/env bash
# GitHub's own upload rules on the release binary's SARIF logs: the SARIF multitool
# (`@microsoft/sarif-multitool` from the npm registry, installed once into
# target/ci-npm) validates each log with `--rule-kind "Sarif;Gh"`. Its binary is called
# directly: the npm wrapper passes the arguments through a shell, which splits
# "Sarif;Gh" at the semicolon. Any error or warning fails the step, except SARIF2005
# (no `informationUri`) while the package declares no public address to put there.
# usage: .ci/sarif_multitool.sh BIN FOLDER...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
BIN=$1
shift
npm_dir=$ROOT/target/ci-npm
tool=$npm_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [ ! -x "$tool" ]; then
    mkdir -p "$npm_dir"
    npm install --prefix "$npm_dir" --no-audit --no-fund --silent @microsoft/sarif-multitool@5.7.0
    # npm no longer runs the package's install script that marks the binary executable.
    chmod u+x "$tool"
fi
out=$ROOT/target/ci-multitool
rm -rf "$out"
mkdir -p "$out"
failed=0
for folder in "$@"; do
    name=$(basename "$folder")
    (cd "$folder" && "$BIN" check . --quiet --output-format sarif --output "$out/$name.sarif" --exit-zero)
    "$tool" validate --rule-kind "Sarif;Gh" --output "$out/$name.validation.sarif" \
        "$out/$name.sarif" >"$out/$name.log" 2>&1 || true
    python3 - "$out/$name.sarif" "$out/$name.validation.sarif" "$name" <<'PY' || failed=1
import json, sys
log_path, validation_path, name = sys.argv[1:]
log = json.load(open(log_path))
has_uri = "informationUri" in log["runs"][0]["tool"]["driver"]
validation = json.load(open(validation_path))
counts, blocking = {"error": 0, "warning": 0}, []
for run in validation["runs"]:
    for result in run.get("results", []):
        level = result.get("level", "warning")
        if level not in counts:
            continue
        counts[level] += 1
        if result["ruleId"] == "SARIF2005" and not has_uri:
            continue
        blocking.append(f"{level} {result['ruleId']}: {result['message'].get('arguments')}")
print(f"{name}: {counts['error']} errors, {counts['warning']} warnings"
      + ("" if has_uri else " (SARIF2005 expected: no informationUri)"))
for line in blocking:
    print(f"  {line}")
sys.exit(1 if blocking else 0)
PY
done
exit $failed
