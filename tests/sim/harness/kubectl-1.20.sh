#!/usr/bin/env bash
# Unpacks Debian's kubernetes-client (kubectl 1.20) into a cache directory without
# installing it (it may conflict with the machine's kubectl) and prints the binary's path.
# Idempotent: a cached, working binary is reused. Usage: kubectl-1.20.sh CACHE_DIR
set -euo pipefail
cache=${1:?usage: kubectl-1.20.sh CACHE_DIR}
bin="$cache/root/usr/bin/kubectl"
if [[ -x $bin ]] && "$bin" version --client >/dev/null 2>&1; then
  echo "$bin"
  exit 0
fi
mkdir -p "$cache/deb"
cd "$cache/deb"
rm -f kubernetes-client_*.deb
download() { apt-get download kubernetes-client >download.log 2>&1; }
if ! download; then
  # A fresh machine may not have the package lists yet.
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -q >>download.log 2>&1 || true
  fi
  if ! download; then
    echo "kubectl-1.20.sh: 'apt-get download kubernetes-client' failed (see $cache/deb/download.log);" \
         "this test needs Debian's kubernetes-client package (kubectl 1.20) from the package mirror" >&2
    exit 1
  fi
fi
deb=$(ls kubernetes-client_*.deb | head -n1)
rm -rf "$cache/root.tmp"
dpkg-deb -x "$deb" "$cache/root.tmp"
rm -rf "$cache/root"
mv "$cache/root.tmp" "$cache/root"
if ! "$bin" version --client >/dev/null 2>&1; then
  echo "kubectl-1.20.sh: the unpacked $bin does not run" >&2
  exit 1
fi
echo "$bin"
