#!/usr/bin/env bash
# Builds the web UI into web/dist (served by `sluice serve`).
# Installs the npm packages with `npm ci` when web/node_modules is missing or
# web/package-lock.json changed since the last install; skips the build when web/dist is
# newer than every source. Usage: scripts/build-web.sh [--force]
set -euo pipefail
cd "$(dirname "$0")/../web"

fail() {
  echo "build-web: $*" >&2
  exit 1
}

command -v node >/dev/null || fail "node is not installed; run scripts/install-deps.sh web"
command -v npm >/dev/null || fail "npm is not installed; run scripts/install-deps.sh web"
node_version=$(node -p 'process.versions.node')
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
  fail "Node $node_version is too old; the UI's build tools need Node 20.19 or newer"

# The lock file must not name a registry: installs go to whatever registry npm is set to.
if grep -q '"resolved"' package-lock.json; then
  fail "package-lock.json holds registry addresses; run 'npm config set omit-lockfile-registry-resolved true' and 'npm install' in web/"
fi

stamp=node_modules/.sluice-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -d node_modules || ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "build-web: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi

if [[ ${1:-} != --force && -f dist/index.html ]] &&
  [[ -z $(find src index.html package-lock.json vite.config.ts tsconfig.json -newer dist/index.html -print -quit) ]]; then
  echo "build-web: web/dist is up to date"
  exit 0
fi

echo "build-web: type-checking and building web/dist"
npm run --silent build
[[ -f dist/index.html ]] || fail "the build left no web/dist/index.html"
echo "build-web: built web/dist ($(du -sh dist | cut -f1))"
