#!/usr/bin/env bash
# Fuzzes the SQL analyzer: builds tests/fuzz/sql_fuzz with clang (libFuzzer, ASan, UBSan)
# in build/fuzz, seeds a corpus from the Flink reference SQL (into the build dir), runs
# for FUZZ_SECONDS (default 60) and fails on any crash, leak or sanitizer report.
# Usage: scripts/fuzz.sh            (needs clang and libclang-rt-14-dev: install-deps.sh test)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
dir=build/fuzz
ref=${SLUICE_REFERENCE_DIR:-$(cd .. && pwd)/shared/reference}
for tool in clang clang++ cmake ninja; do
  command -v "$tool" >/dev/null || { echo "fuzz: $tool is missing (scripts/install-deps.sh test)" >&2; exit 1; }
done
if [[ ! -f $dir/build.ninja ]]; then
  echo "fuzz: configuring $dir with clang"
  CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSLUICE_FUZZ=ON -DSLUICE_BUILD_BENCH=OFF \
    "-DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
    >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log" >&2; exit 1; }
fi
echo "fuzz: building sql_fuzz"
cmake --build "$dir" --target sql_fuzz >"$dir/build.log" 2>&1 || { tail -50 "$dir/build.log" >&2; exit 1; }

corpus=$dir/fuzz-corpus/sql
artifacts=$dir/fuzz-artifacts/
mkdir -p "$corpus" "$artifacts"
if [[ -d $ref/flink-sql ]]; then
  # Whole scripts as they are, and each statement of the JSON-lines files on its own.
  find "$ref/flink-sql" -name '*.sql' -o -name '*.q' | while read -r f; do
    cp "$f" "$corpus/$(echo "$f" | md5sum | cut -c1-16).seed"
  done
  if command -v python3 >/dev/null; then
    python3 - "$ref/flink-sql" "$corpus" <<'PY'
import hashlib, json, os, sys
src, out = sys.argv[1], sys.argv[2]
for name in ("parser_cases.jsonl", "q_statements.jsonl"):
    with open(os.path.join(src, name)) as f:
        for line in f:
            sql = json.loads(line)["sql"].encode()
            with open(os.path.join(out, hashlib.md5(sql).hexdigest()[:16] + ".seed"), "wb") as o:
                o.write(sql)
PY
  fi
else
  echo "fuzz: no reference SQL at $ref; starting from an empty corpus" >&2
fi
echo "fuzz: $(ls "$corpus" | wc -l) corpus files; running for ${seconds}s"
log=$dir/fuzz.log
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
"$dir/bin/sql_fuzz" "$corpus" -max_total_time="$seconds" -max_len=16384 -timeout=20 \
  -rss_limit_mb=4096 -artifact_prefix="$artifacts" -print_final_stats=1 >"$log" 2>&1 || status=$?
if [[ $status -ne 0 ]] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log"; then
  tail -60 "$log" >&2
  echo "fuzz: FAILED (exit $status); reproducer in $artifacts" >&2
  exit 1
fi
grep -E '^stat::number_of_executed_units|^Done' "$log" || true
echo "fuzz: passed"
