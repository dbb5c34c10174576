#!/usr/bin/env bash
# Installing sqlwarden as users do, in CI:
#   wheel       the maturin wheel (`bindings = "bin"`) built, installed into a fresh virtual
#               environment, and its `sqlwarden` run;
#   pre-commit  `pre-commit try-repo` of this repository on a fixture repository, with both
#               hooks: each gets the file names and reports the findings in those files.
# usage: .ci/package.sh wheel|pre-commit VENV BIN
# VENV is CI's Python environment (packages are installed into it); BIN the release binary.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
what=$1 VENV=$2 BIN=$3
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

case $what in
wheel)
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check 'maturin>=1.5,<2'
    rm -rf "$TARGET/wheels"
    # The release profile is the one CI has just built, so cargo reuses it.
    "$VENV/bin/maturin" build --release --quiet --out "$TARGET/wheels"
    fresh=$TARGET/wheel-venv
    rm -rf "$fresh"
    python3 -m venv "$fresh"
    "$fresh/bin/python" -m pip install --quiet --disable-pip-version-check "$TARGET"/wheels/sqlwarden-*.whl
    version=$("$fresh/bin/sqlwarden" --version)
    echo "installed: $version"
    [ "$version" = "sqlwarden $(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)" ]
    # The installed binary checks the example project: status 1, the PRM002 among them.
    status=0
    out=$("$fresh/bin/sqlwarden" check examples/Payroll --output-format concise) || status=$?
    [ "$status" -eq 1 ] || { echo "expected status 1, got $status"; exit 1; }
    grep -q 'RaiseSalary.sql:9:12: error\[PRM002\]' <<<"$out"
    ;;
pre-commit)
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check pre-commit
    fixture=$TARGET/pre-commit-fixture
    rm -rf "$fixture"
    mkdir -p "$fixture/db/Procedures"
    cp -r examples/Payroll/. "$fixture/db/"
    cd "$fixture"
    git init --quiet
    git config user.email ci@example.invalid
    git config user.name ci
    git add .
    # The hook that uses an installed sqlwarden: the one under test here is the file
    # passing, not the build (the wheel step builds what the `sqlwarden` hook installs).
    export PATH=$(dirname "$BIN"):$PATH
    status=0
    out=$("$VENV/bin/pre-commit" try-repo "$ROOT" sqlwarden-system --files db/Procedures/RaiseSalary.sql 2>&1) || status=$?
    echo "$out"
    [ "$status" -eq 1 ] || { echo "expected the hook to fail (status 1), got $status"; exit 1; }
    grep -q 'db/Procedures/RaiseSalary.sql:9:12: error\[PRM002\]' <<<"$out"
    # Only the file given: nothing from Search.sql or the .sqlproj.
    if grep -q 'Search.sql\|Payroll.sqlproj' <<<"$out"; then
        echo "the hook reported files it was not given"
        exit 1
    fi
    # A clean file passes.
    out=$("$VENV/bin/pre-commit" try-repo "$ROOT" sqlwarden-system --files db/Tables/Salaries.sql 2>&1)
    echo "$out"
    grep -q 'Passed' <<<"$out"
    # The `sqlwarden` hook as users get it: pre-commit pip-installs this repository, which
    # maturin builds with cargo. Sharing CI's target folder keeps that to about two
    # minutes (the dependencies are built already); its environments live in target/.
    export CARGO_TARGET_DIR=$TARGET PRE_COMMIT_HOME=$TARGET/pre-commit-home
    status=0
    out=$("$VENV/bin/pre-commit" try-repo "$ROOT" sqlwarden --files db/Procedures/RaiseSalary.sql 2>&1) || status=$?
    echo "$out" | tail -n 5
    [ "$status" -eq 1 ] || { echo "expected the hook to fail (status 1), got $status"; exit 1; }
    grep -q 'db/Procedures/RaiseSalary.sql:9:12: error\[PRM002\]' <<<"$out"
    ;;
*)
    echo "usage: $0 wheel|pre-commit VENV BIN" >&2
    exit 2
    ;;
esac
