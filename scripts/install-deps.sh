#!/usr/bin/env bash
# Installs the Debian packages a task needs, and only those that are missing.
# Usage: scripts/install-deps.sh build|test|bench|web ...   (idempotent; says what it does)
set -euo pipefail

build_pkgs=(cmake g++ make ninja-build pkg-config libboost1.81-dev nlohmann-json3-dev
  libyaml-cpp-dev libspdlog-dev libcli11-dev libsodium-dev libcurl4-openssl-dev libssl-dev
  libsqlite3-dev libpq-dev)
test_pkgs=(googletest libgtest-dev libgmock-dev libbenchmark-dev postgresql curl junit4
  clang libclang-rt-14-dev util-linux openssl)
bench_pkgs=(wrk libbenchmark-dev procps)
web_pkgs=(nodejs npm chromium)

wanted=()
for group in "$@"; do
  case "$group" in
    build) wanted+=("${build_pkgs[@]}") ;;
    test) wanted+=("${test_pkgs[@]}") ;;
    bench) wanted+=("${bench_pkgs[@]}") ;;
    web) wanted+=("${web_pkgs[@]}") ;;
    *) echo "install-deps: unknown group '$group' (use build, test, bench or web)" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
# Node and npm may come from outside Debian (a machine image); a working binary is enough.
if [[ ${#missing[@]} -gt 0 ]]; then
  kept=()
  for pkg in "${missing[@]}"; do
    case "$pkg" in
      nodejs) command -v node >/dev/null || kept+=("$pkg") ;;
      npm) command -v npm >/dev/null || kept+=("$pkg") ;;
      *) kept+=("$pkg") ;;
    esac
  done
  missing=("${kept[@]+"${kept[@]}"}")
fi
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all packages for '$*' are present"
  exit 0
fi

sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
echo "install-deps: installing Debian packages: ${missing[*]}"
stamp=/var/lib/apt/periodic/sluice-update-stamp
if [[ ! -f $stamp ]] || [[ -n $(find "$stamp" -mmin +360 2>/dev/null) ]]; then
  echo "install-deps: apt-get update"
  "${sudo[@]}" apt-get update -q >/dev/null
  "${sudo[@]}" mkdir -p "$(dirname "$stamp")" && "${sudo[@]}" touch "$stamp"
fi
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends \
  "${missing[@]}" >/dev/null
echo "install-deps: done"
