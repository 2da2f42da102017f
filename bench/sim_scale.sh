#!/usr/bin/env bash
# Builds the bench flavour and runs the simulator scale benchmark (10,000 clusters by
# default); the report goes to stdout and bench/out/sim_scale.json.
# Usage: bench/sim_scale.sh [--clusters N] [--idle SECONDS] ...
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh bench sim_scale_bench sluice-sim >/dev/null
mkdir -p bench/out
build/bench/bin/sim_scale_bench --sim build/bench/bin/sluice-sim --out bench/out/sim_scale.json "$@"
