#!/usr/bin/env bash
# Builds the bench flavour and runs the watch cache scale benchmark (10,000 clusters by
# default); the report goes to stdout and bench/out/observe_scale.json.
# Usage: bench/observe_scale.sh [--clusters N] [--changes M] [--rate R] [--idle SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh bench observe_scale sluice-sim >/dev/null
mkdir -p bench/out
build/bench/bin/observe_scale --sim build/bench/bin/sluice-sim --out bench/out/observe_scale.json "$@"
