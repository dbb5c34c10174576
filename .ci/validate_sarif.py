#!/usr/bin/env python3
"""Validates the SARIF logs of a sqlwarden binary against the official SARIF 2.1.0 schema.

usage: validate_sarif.py BINARY SCHEMA [PATH...]

Each PATH is a folder of `.case` files (each case is written to a temporary folder, as
../shared/score-cases.py does), or a project folder checked as it is. Prints one line per
log and exits 1 when any log does not validate or the binary could not run (status 2).
"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

import jsonschema


def load_case_reader():
    """The case format's reader, from the contract's own script when it is there."""
    here = os.path.dirname(os.path.abspath(__file__))
    shared = os.environ.get("SQLWARDEN_SHARED") or os.path.join(here, "..", "..", "shared")
    script = os.path.join(shared, "score-cases.py")
    if not os.path.exists(script):
        return None
    spec = importlib.util.spec_from_file_location("score_cases", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check(binary, validator, folder, label):
    run = subprocess.run([binary, "check", folder, "--format", "sarif"],
                         capture_output=True, timeout=120)
    if run.returncode not in (0, 1):
        print(f"{label}: exit status {run.returncode}: {run.stderr.decode(errors='replace')[:300]}")
        return False
    log = json.loads(run.stdout)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    for error in errors[:10]:
        print(f"{label}: {'/'.join(map(str, error.path))}: {error.message[:200]}")
    if not errors:
        print(f"{label}: valid ({sum(len(r.get('results', [])) for r in log['runs'])} results)")
    return not errors


def main():
    binary, schema_path, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(schema_path) as f:
        validator = jsonschema.Draft4Validator(json.load(f), format_checker=jsonschema.FormatChecker())
    cases = load_case_reader()
    ok = True
    for path in paths:
        names = sorted(n for n in os.listdir(path) if n.endswith(".case"))
        if not names:
            ok &= check(binary, validator, path, path)
            continue
        if cases is None:
            print(f"{path}: skipped, ../shared/score-cases.py (the case reader) is absent")
            continue
        for name in names:
            with open(os.path.join(path, name)) as f:
                files, _, _ = cases.parse_case(f.read())
            with tempfile.TemporaryDirectory() as root:
                for file in files:
                    cases.write(root, file)
                ok &= check(binary, validator, root, name)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
