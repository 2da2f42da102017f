#!/usr/bin/env bash
# Configures and builds one flavour: release (make run) or asan (make test).
# Usage: scripts/build.sh release|asan [ninja targets...]
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:?usage: scripts/build.sh release|asan [targets...]}
shift
case "$flavour" in
  release) args=(-DCMAKE_BUILD_TYPE=Release -DSLUICE_BUILD_TESTS=OFF -DSLUICE_BUILD_BENCH=OFF) ;;
  # Line tables (-g1) are enough for sanitizer stack traces and cost less time and memory than -g.
  # Unity batches of 16 files parse the shared headers (Boost, nlohmann, gtest) once per
  # batch instead of once per file: a clean build takes about half the CPU time.
  # Disk: an ASan build is large (every test binary carries the instrumented libraries).
  # Compressed debug sections (-gz), no position-independent executables (no dynamic
  # relocation per pointer) and thin static archives (no second copy of each object)
  # keep it to about half; CI ran out of disk without them.
  asan) args=(-DCMAKE_BUILD_TYPE=Debug -DSLUICE_SANITIZE=ON "-DCMAKE_CXX_FLAGS=-O1 -gz" -DCMAKE_CXX_FLAGS_DEBUG=-g1
              "-DCMAKE_EXE_LINKER_FLAGS=-gz -no-pie"
              "-DCMAKE_CXX_ARCHIVE_CREATE=<CMAKE_AR> qcT <TARGET> <LINK_FLAGS> <OBJECTS>"
              -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16) ;;
  bench) args=(-DCMAKE_BUILD_TYPE=Release -DSLUICE_BUILD_TESTS=ON -DSLUICE_BUILD_BENCH=ON) ;;
  *) echo "build.sh: unknown flavour '$flavour' (release, asan or bench)" >&2; exit 2 ;;
esac
dir=build/$flavour
if [[ ! -f $dir/build.ninja ]]; then
  echo "build: configuring $dir"
  cmake -S . -B "$dir" -G Ninja "${args[@]}" >/dev/null
fi
echo "build: compiling $dir ${*:-(all)}"
cmake --build "$dir" --parallel "$(nproc)" ${1:+--target "$@"}
if [[ $flavour == release && -f web/package.json ]]; then
  scripts/build-web.sh
fi
