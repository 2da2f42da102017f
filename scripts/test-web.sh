#!/usr/bin/env bash
# The web UI's tests: builds web/dist (scripts/build-web.sh), runs the unit tests (Vitest),
# then the end-to-end suites in headless Chromium against a real `sluice serve`
# (web/e2e/run.mjs; screenshots in web/e2e-out/).
# Usage: scripts/test-web.sh [unit|e2e|all] [e2e options, e.g. --only sql-job-flow]
# The e2e suites use SLUICE_BIN, else build/asan/bin/sluice (make test), else
# build/release/bin/sluice (make run).
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-all}
[[ $# -gt 0 ]] && shift
case "$what" in
  unit | e2e | all) ;;
  *) echo "test-web: unknown part '$what' (unit, e2e or all)" >&2; exit 2 ;;
esac

scripts/build-web.sh

if [[ $what == unit || $what == all ]]; then
  echo "test-web: unit tests (vitest)"
  (cd web && npx --no-install vitest run --reporter=dot)
fi

if [[ $what == e2e || $what == all ]]; then
  [[ -x /usr/bin/chromium || -n ${CHROMIUM:-} ]] ||
    { echo "test-web: /usr/bin/chromium is missing; run scripts/install-deps.sh web" >&2; exit 1; }
  if [[ -z ${SLUICE_BIN:-} && ! -x build/asan/bin/sluice && ! -x build/release/bin/sluice ]]; then
    echo "test-web: no sluice binary for the end-to-end tests; build one (scripts/build.sh release sluice) or set SLUICE_BIN" >&2
    exit 1
  fi
  echo "test-web: end-to-end tests (headless Chromium, real sluice serve)"
  (cd web && node e2e/run.mjs "$@")
fi
echo "test-web: passed"
