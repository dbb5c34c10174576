#!/usr/bin/env bash
# Installs code-server (VS Code in the browser) from the npm registry into DEST, so that the
# end-to-end test can run a real VS Code without downloading anything from outside the
# package registries. Prints nothing but progress; DEST/node_modules/.bin/code-server is the
# result. A finished install is marked with DEST/.complete and is not redone.
#
# Usage: install-code-server.sh DEST
#
# Why not a plain `npm install code-server`: its postinstall downloads ripgrep from GitHub,
# which cannot be reached here, and npm then rolls the whole install back. So the package is
# installed without scripts, and the steps of its postinstall are done here by hand, with
# ripgrep taken from Debian.
set -euo pipefail

DEST=${1:?usage: install-code-server.sh DEST}
# 4.100.3 (VS Code 1.100.3) is the last release whose engines.node is 20, Debian 12's node.
CS_VERSION=${CS_VERSION:-4.100.3}

if [ -f "$DEST/.complete" ] && [ "$(cat "$DEST/.complete")" = "$CS_VERSION" ]; then
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# node-gyp is run through npx by the native modules' install scripts; without this npx
# asks for confirmation and, with no terminal, fails.
export npm_config_yes=true
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# Native modules (node-pty, kerberos, spdlog, native-keymap, @parcel/watcher, argon2) are
# compiled from source, because their prebuilt binaries come from GitHub too.
NEED=(build-essential pkg-config python3 libx11-dev libxkbfile-dev libsecret-1-dev libkrb5-dev ripgrep)
MISSING=()
for p in "${NEED[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || MISSING+=("$p")
done
if [ ${#MISSING[@]} -gt 0 ]; then
    echo "install-code-server: apt-get install ${MISSING[*]}"
    apt-get update -q >/dev/null
    apt-get install -y -q "${MISSING[@]}" >/dev/null
fi

rm -rf "$DEST"
mkdir -p "$DEST"
cd "$DEST"
echo '{"name":"code-server-host","private":true}' > package.json

echo "install-code-server: code-server@$CS_VERSION from the npm registry"
npm install --ignore-scripts --no-save "code-server@$CS_VERSION" >/dev/null
# The native modules are rebuilt by name, which leaves alone the packages whose scripts
# download something (@vscode/ripgrep) or build only for Windows. npm 11 warns that their
# scripts are "not covered by allowScripts" but runs them; should a later npm skip them,
# the check of the built files below says so.
rebuild() { npm rebuild "$@" >/dev/null; }
# argon2's install script tries a prebuilt binary first and falls back to a local compile.
rebuild argon2

echo "install-code-server: VS Code's own dependencies and native modules"
cd node_modules/code-server/lib/vscode
npm install --omit=dev --ignore-scripts >/dev/null
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
rebuild kerberos native-watchdog node-pty @parcel/watcher @vscode/deviceid @vscode/spdlog
# The rest of code-server's postinstall: links it expects to find at run time.
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
(cd extensions && npm install --omit=dev >/dev/null)

cd "$DEST"
for f in node_modules/argon2/lib/binding/napi-v3/argon2.node \
    node_modules/code-server/lib/vscode/node_modules/{node-pty/build/Release/pty.node,@vscode/spdlog/build/Release/spdlog.node,native-watchdog/build/Release/watchdog.node}; do
    [ -f "$f" ] || { echo "install-code-server: $f was not built" >&2; exit 1; }
done
./node_modules/.bin/code-server --version >/dev/null
echo "$CS_VERSION" > .complete
echo "install-code-server: done ($(./node_modules/.bin/code-server --version | head -1))"
