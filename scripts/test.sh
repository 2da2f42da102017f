#!/usr/bin/env bash
# `make test`: installs what the tests need, builds with ASan and UBSan, runs every test
# through CTest (the PostgreSQL server is a CTest fixture), then the web tests.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
groups=(build test)
[[ -f web/package.json ]] && groups+=(web)
scripts/install-deps.sh "${groups[@]}"
scripts/build.sh asan
echo "test: running ctest"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir build/asan --output-on-failure --parallel "$(nproc)" --timeout 900
if [[ -f web/package.json ]]; then
  scripts/test-web.sh
fi
echo "test: all passed in $(( $(date +%s) - start ))s"
