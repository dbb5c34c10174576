#!/usr/bin/env bash
# End-to-end test of the VS Code extension in a real VS Code: code-server, driven through
# Debian's Chromium with playwright-core (test/e2e.js). It packages the extension, installs
# the .vsix into a fresh profile whose settings point `sqlwarden.path` at the server binary,
# opens a copy of examples/Payroll, and checks the findings in the Problems panel, a hover
# and the "Add REVERT" quick fix. Screenshots and logs go to the artifacts folder; the exit
# status is non-zero on any failure.
#
# Installs what it lacks on a Debian machine: chromium (apt, when run as root), code-server
# (from the npm registry, into the cache folder) and the extension's npm dependencies.
#
# Environment:
#   SQLWARDEN_BIN            the server binary (default: target/release/sqlwarden)
#   SQLWARDEN_E2E_CACHE      where code-server is installed (default: ~/.cache/sqlwarden-vscode-e2e,
#                            or target/sqlwarden-vscode-e2e without a HOME)
#   SQLWARDEN_E2E_ARTIFACTS  screenshots and logs (default: target/e2e-artifacts/vscode)
#   SQLWARDEN_E2E_KEEP=1     keep the temporary workspace and profile
#   CHROMIUM                 the browser (default: /usr/bin/chromium)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
EXT=$(dirname "$HERE")
ROOT=$(cd "$EXT/../.." && pwd)
BIN=${SQLWARDEN_BIN:-$ROOT/target/release/sqlwarden}
CS_VERSION=${CS_VERSION:-4.100.3}
# code-server lives outside the work tree, so that a fresh clone (as in CI) finds it installed.
USER_CACHE=${XDG_CACHE_HOME:-${HOME:+$HOME/.cache}}
CACHE=${SQLWARDEN_E2E_CACHE:-${USER_CACHE:-$ROOT/target}/sqlwarden-vscode-e2e}
ARTIFACTS=${SQLWARDEN_E2E_ARTIFACTS:-$ROOT/target/e2e-artifacts/vscode}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
FIXTURE=$ROOT/examples/Payroll

START=$SECONDS
step() { printf '\n=== [%3ds] %s\n' $((SECONDS - START)) "$*"; }
fail() {
    printf 'e2e: FAIL: %s\n' "$*" >&2
    exit 1
}

case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || fail "the server binary $BIN does not exist (build it with cargo build --release -p sqlwarden, or set SQLWARDEN_BIN)"
"$BIN" server --help >/dev/null 2>&1 || fail "$BIN has no 'server' subcommand"
[ -d "$FIXTURE" ] || fail "the fixture project $FIXTURE is missing"

step "Chromium"
if [ ! -x "$CHROMIUM" ]; then
    [ "$(id -u)" = 0 ] || fail "$CHROMIUM is missing: apt-get install chromium (as root), or set CHROMIUM"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q chromium >/dev/null
fi
# (Debian's wrapper script complains on stderr about its own memory check; not ours.)
"$CHROMIUM" --version 2>/dev/null

step "code-server $CS_VERSION"
CS_DIR=$CACHE/code-server-$CS_VERSION
CS_VERSION=$CS_VERSION "$HERE/install-code-server.sh" "$CS_DIR"
CODE_SERVER=$CS_DIR/node_modules/.bin/code-server

step "the extension's npm dependencies"
cd "$EXT"
# `npm ci` again only when the lock file changed since the last one.
LOCK_HASH=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.sqlwarden-e2e-lock 2>/dev/null)" != "$LOCK_HASH" ]; then
    # No dependency needs its install script: esbuild's binary comes as an optional
    # dependency, and vsce's keytar (publishing only) would try to download a prebuilt.
    npm ci --ignore-scripts --no-audit --no-fund
    echo "$LOCK_HASH" > node_modules/.sqlwarden-e2e-lock
fi

step "the extension's unit tests"
npm test --silent

step "package the extension"
rm -f sqlwarden.vsix
npm run --silent package >/dev/null
[ -f sqlwarden.vsix ] || fail "npm run package wrote no sqlwarden.vsix"

step "a fresh profile and a copy of examples/Payroll"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sqlwarden-vscode-e2e.XXXXXX")
CS_PID=
cleanup() {
    local status=$?
    if [ -n "$CS_PID" ]; then
        # code-server was started in its own process group (setsid); end that group only.
        kill -TERM -- "-$CS_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$CS_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$CS_PID" 2>/dev/null || true
    fi
    if [ -d "$WORK" ]; then
        cp "$WORK/code-server.log" "$ARTIFACTS/" 2>/dev/null || true
        # The extension's output channel (server stderr and the protocol trace) and the
        # extension host's log.
        if [ -d "$WORK/data/logs" ]; then
            rm -rf "$ARTIFACTS/logs"
            cp -r "$WORK/data/logs" "$ARTIFACTS/logs"
        fi
        if [ "${SQLWARDEN_E2E_KEEP:-}" = 1 ]; then
            echo "e2e: kept $WORK"
        else
            rm -rf "$WORK"
        fi
    fi
    if [ $status = 0 ]; then
        printf '\ne2e: PASS in %ds (screenshots in %s)\n' $((SECONDS - START)) "$ARTIFACTS"
    else
        printf '\ne2e: FAILED after %ds; screenshots and logs in %s\n' $((SECONDS - START)) "$ARTIFACTS" >&2
    fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
WS=$WORK/Payroll
cp -r "$FIXTURE" "$WS"
mkdir -p "$WORK/data/User" "$WORK/extensions"
node -e '
const [file, bin] = process.argv.slice(1);
const settings = {
    "sqlwarden.path": bin,
    "sqlwarden.trace.server": "verbose",
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.welcomePage.walkthroughs.openOnInstall": false,
    "security.workspace.trust.enabled": false,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "extensions.ignoreRecommendations": true,
    "git.enabled": false,
    "editor.hover.delay": 300,
    "editor.minimap.enabled": false,
    "window.commandCenter": false,
    "chat.commandCenter.enabled": false,
    "workbench.colorTheme": "Default Dark Modern",
};
require("fs").writeFileSync(file, JSON.stringify(settings, null, 4) + "\n");
' "$WORK/data/User/settings.json" "$BIN"
CS_ARGS=(--user-data-dir "$WORK/data" --extensions-dir "$WORK/extensions")
"$CODE_SERVER" "${CS_ARGS[@]}" --install-extension "$EXT/sqlwarden.vsix" >"$WORK/install.log" 2>&1 ||
    { cat "$WORK/install.log"; fail "code-server could not install sqlwarden.vsix"; }
ls "$WORK/extensions" | grep -q '^sqlwarden\.sqlwarden-' || fail "sqlwarden.vsix is not among the installed extensions"

step "start code-server"
PORT=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
setsid "$CODE_SERVER" "${CS_ARGS[@]}" --auth none --bind-addr "127.0.0.1:$PORT" \
    --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
    "$WS" >"$WORK/code-server.log" 2>&1 </dev/null &
CS_PID=$!
for _ in $(seq 120); do
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    kill -0 "$CS_PID" 2>/dev/null || { cat "$WORK/code-server.log"; fail "code-server exited"; }
    sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || fail "code-server did not answer on port $PORT within 60 s"
echo "code-server on 127.0.0.1:$PORT"

step "drive VS Code through Chromium"
PORT=$PORT WS=$WS ARTIFACTS=$ARTIFACTS DATA=$WORK/data CHROMIUM=$CHROMIUM \
    node "$HERE/e2e.js"
