#!/usr/bin/env python3
"""Validates the JUnit XML of a sqlwarden binary against a published JUnit XSD.

usage: validate_junit.py BINARY XSD [FOLDER...]

Each FOLDER is checked as it is (`sqlwarden check FOLDER --output-format junit`), and once
more a folder without findings, whose report is one passed case. Prints one line per
report and exits 1 when any report does not validate or the binary could not run.
"""
import subprocess
import sys
import tempfile

import xmlschema


def validate(schema, binary, folder, label):
    run = subprocess.run([binary, "check", folder, "--output-format", "junit"],
                         capture_output=True, timeout=300)
    if run.returncode not in (0, 1):
        print(f"{label}: exit status {run.returncode}: {run.stderr.decode(errors='replace')[:300]}")
        return False
    errors = list(schema.iter_errors(run.stdout.decode()))
    for error in errors[:5]:
        print(f"{label}: {str(error)[:300]}")
    if not errors:
        print(f"{label}: valid ({run.stdout.count(b'<testcase ')} test cases)")
    return not errors


def main():
    binary, xsd, folders = sys.argv[1], sys.argv[2], sys.argv[3:]
    schema = xmlschema.XMLSchema(xsd)
    ok = True
    for folder in folders:
        ok &= validate(schema, binary, folder, folder)
    with tempfile.TemporaryDirectory() as clean:
        with open(f"{clean}/a.sql", "w") as f:
            f.write("CREATE TABLE dbo.t (id int);\n")
        ok &= validate(schema, binary, clean, "a folder without findings")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
