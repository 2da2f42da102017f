#!/usr/bin/env bash
# Load test of the jobs and SQL API of `sluice serve` (issue 5): seeds 10,000 jobs through
# POST /api/v1/jobs, then measures with wrk at 64 connections
#   - GET /api/v1/jobs?limit=50 at random cursors (a list page),
#   - GET /api/v1/jobs/{name} of random jobs,
#   - POST /api/v1/sql/check of a 200-line script, four ways: the same script each time
#     (answered from the per-script answer cache), a new comment line on top (every
#     statement moved but unchanged: the per-statement cache), an editor's keystrokes (one
#     statement edited, a different edit each request) and all new (every statement
#     differs from every earlier request's: a whole analysis each time),
# and prints requests/s, p50 and p99 of each, against the floors (list page p99 < 20 ms,
# 200-line SQL check p99 < 10 ms).
# Usage: bench/jobs_api.sh [seconds]   (builds the release binary first, without the web UI)
# SLUICE_BENCH_PERF=DIR: also records each measurement with `perf record -g` on the server
# (DIR/list.data, DIR/get.data, DIR/sql.data; read them with `perf report -i`).
# Figures go into the issue note (issue 5).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
jobs=${SLUICE_BENCH_JOBS:-10000}  # fewer: a quick check of this script
# SLUICE_BENCH_BIN: another binary (build/bench/bin/sluice, or a Debug build for a quick
# check of this script). SLUICE_BENCH_ONLY=sql: only the SQL measurements.
bin=${SLUICE_BENCH_BIN:-build/release/bin/sluice}
if [[ -z ${SLUICE_BENCH_BIN:-} ]]; then
  if [[ ! -f build/release/build.ninja ]]; then
    cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLUICE_BUILD_TESTS=OFF \
      -DSLUICE_BUILD_BENCH=OFF >/dev/null
  fi
  ninja -C build/release sluice >/dev/null
fi
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT

source bench/serve_lib.sh
port=$(bench_free_port 18580)
base=http://127.0.0.1:$port
password=bench-admin-password
SLUICE_BOOTSTRAP_ADMIN_PASSWORD=$password "$bin" serve --listen 127.0.0.1:$port \
  --data-dir "$work/data" --log-level warn 2>"$work/server.log" &
pid=$!
bench_wait_healthy "$base"

token=$(curl -sf -u "admin:$password" -H 'Content-Type: application/json' \
  -d '{"name":"bench","scopes":["*"],"ttl":"1d"}' "$base/api/v1/auth/tokens" |
  sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')
curl -sf "${auth[@]}" -d '{"name":"bench"}' "$base/api/v1/teams" >/dev/null

# The seed: one curl process sending every POST, 8 at a time.
# The body as curl's config file quotes it (\" and \\n).
read -r body <<'JSON'
{\"apiVersion\":\"sluice.dev/v1\",\"kind\":\"FlinkJob\",\"metadata\":{\"name\":\"bench-NAME\",\"team\":\"bench\"},\"spec\":{\"flinkVersion\":\"2.2\",\"image\":\"registry.example.com/flink:2.2\",\"parallelism\":2,\"sql\":\"CREATE TABLE a (id BIGINT) WITH ('connector' = 'datagen');\\nCREATE TABLE b (id BIGINT) WITH ('connector' = 'blackhole');\\nINSERT INTO b SELECT id FROM a;\\n\"}}
JSON
for i in $(seq 1 "$jobs"); do
  [[ $i == 1 ]] || echo next
  printf 'url = "%s/api/v1/jobs"\nheader = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\ndata = "%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' \
    "$base" "$token" "${body/NAME/$i}"
done >"$work/seed.curl"
seed_start=$(date +%s.%N)
curl -s --no-progress-meter --parallel --parallel-max 8 -K "$work/seed.curl" >"$work/seed.out"
seed_secs=$(printf "%.1f" "$(echo "$(date +%s.%N) - $seed_start" | bc)")
failed=$(grep -vc '^201$' "$work/seed.out" || true)
last=$(curl -sf "${auth[@]}" "$base/api/v1/jobs/bench-$jobs" | grep -c "\"name\":\"bench-$jobs\"" || true)

cat >"$work/list.lua" <<LUA
math.randomseed(os.time())
function request()
  return wrk.format("GET", "/api/v1/jobs?limit=50&cursor=" .. math.random(0, $jobs - 50),
    {["Authorization"] = "Bearer $token"})
end
LUA
cat >"$work/get.lua" <<LUA
math.randomseed(os.time() + 1)
function request()
  return wrk.format("GET", "/api/v1/jobs/bench-" .. math.random(1, $jobs),
    {["Authorization"] = "Bearer $token"})
end
LUA
# A 200-line script: two SET lines, 18 tables and their INSERTs (11 lines each). In the
# template, table names are t@_N (@: a number per request) and the INSERTs filter on
# amount > @N@ (10, or a number per request in the statement being edited).
template="SET 'pipeline.name' = 'bench';\\nSET 'parallelism.default' = '2';\\n"
for i in $(seq 1 18); do
  template+="CREATE TABLE t@_$i (\\n  id BIGINT,\\n  name STRING,\\n  amount DECIMAL(10, 2),\\n"
  template+="  ts TIMESTAMP(3),\\n  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND\\n"
  template+=") WITH ('connector' = 'datagen');\\n"
  template+="INSERT INTO t@_$i\\nSELECT id, name, amount, ts\\nFROM t@_$i\\nWHERE amount > @$i@;\\n"
done
script=$(sed -e 's/t@_/t/g' -e 's/@[0-9]*@/10/g' <<<"$template")
lines=$(printf '%b' "$script" | wc -l)
cat >"$work/sql.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $token"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"sql":"$script","flinkVersion":"1.20"}]]
LUA
# Each wrk thread numbers its requests; with its own id the scripts of both threads differ.
# The scripts are put together from pieces cut once (wrk shares the cores: its Lua must
# cost little).
threads_lua='local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local n = 0
local function post(sql)
  return wrk.format("POST", nil, {["Authorization"] = "Bearer '"$token"'",
    ["Content-Type"] = "application/json"}, "{\"sql\":\"" .. sql .. "\",\"flinkVersion\":\"1.20\"}")
end'
# The same script with a different comment line on top: a new script each request, its
# statements unchanged (moved one line down).
cat >"$work/sql-comment.lua" <<LUA
$threads_lua
local script = [[$script]]
function request()
  n = n + 1
  return post("-- edit " .. id .. " " .. n .. "\\\\n" .. script)
end
LUA
# An editor: each request one statement edited (the filter of a random INSERT gets a
# number never sent before), the others as in the request before.
cat >"$work/sql-editor.lua" <<LUA
$threads_lua
local pieces, parts = {}, {}
local text = ([[$template]]):gsub("t@_", "t")
local at = 1
while true do
  local b, e = text:find("@%d+@", at)
  if not b then break end
  pieces[#pieces + 1] = text:sub(at, b - 1)
  at = e + 1
end
local tail = text:sub(at)
function request()
  n = n + 1
  local edited = math.random(1, #pieces)
  for i = 1, #pieces do
    parts[2 * i - 1] = pieces[i]
    parts[2 * i] = i == edited and (id .. "000" .. n) or "10"
  end
  parts[2 * #pieces + 1] = tail
  return post(table.concat(parts))
end
LUA
# All new: every table named after the request, so no statement was ever seen before.
cat >"$work/sql-new.lua" <<LUA
$threads_lua
local pieces = {}
for piece in (([[$template]]):gsub("@%d+@", "10") .. "t@_"):gmatch("(.-)t@_") do
  pieces[#pieces + 1] = piece
end
function request()
  n = n + 1
  return post(table.concat(pieces, "t" .. id .. "x" .. n .. "_"))
end
LUA
if [[ -n ${SLUICE_BENCH_SHOW:-} ]]; then  # a look at what each workload sends and gets
  for f in sql-comment sql-editor sql-new; do
    cat "$work/$f.lua" - >"$work/show.lua" <<'LUA'
function response(status, headers, body)
  if not body:find('"ok":true') then print(status, body:sub(1, 300)) end
end
LUA
    echo "$f:"; wrk -t2 -c2 -d1s -s "$work/show.lua" "$base/api/v1/sql/check" | grep -v Latency | head -8
  done
fi
check=$(curl -s "${auth[@]}" -d "{\"sql\":\"$script\",\"flinkVersion\":\"1.20\"}" "$base/api/v1/sql/check")
grep -q '"ok":true' <<<"$check" || { echo "the SQL script does not check: ${check:0:300}" >&2; exit 1; }

server_cpu_ticks() {  # user + system time of the server, in clock ticks
  awk '{print $14 + $15}' "/proc/$pid/stat"
}
measure() {  # name, lua script, path
  local out perf_pid=
  if [[ -n ${SLUICE_BENCH_PERF:-} ]]; then
    mkdir -p "$SLUICE_BENCH_PERF"
    perf record --call-graph dwarf,32768 -F 200 -p "$pid" -o "$SLUICE_BENCH_PERF/$(basename "$2" .lua).data" \
      -- sleep "$duration" 2>/dev/null &
    perf_pid=$!
  fi
  local cpu_before
  cpu_before=$(server_cpu_ticks)
  out=$(wrk -t2 -c64 -d"${duration}s" --latency -s "$2" "$base$3")
  [[ -z $perf_pid ]] || wait "$perf_pid"
  local errors requests cpu_ms
  errors=$(awk '/Non-2xx|Socket errors/ {$1=$1; print}' <<<"$out" | paste -sd' ')
  # The server's CPU time per request: what the shared machine's load does not change much.
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  cpu_ms=$(echo "scale=3; ($(server_cpu_ticks) - $cpu_before) * 1000 / $(getconf CLK_TCK) / $requests" | bc)
  printf '  %-28s %10s req/s   p50 %8s   p99 %8s   server CPU %s ms/req%s\n' "$1" \
    "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "99%" {print $2}' <<<"$out")" \
    "$cpu_ms" "${errors:+   ($errors)}"
}
[[ $failed == 0 && $last == 1 ]] || { echo "seeding failed ($failed errors)" >&2; exit 1; }
echo "load average before measuring: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$bin (SQLite), $jobs jobs seeded over the API in ${seed_secs} s; wrk -t2 -c64 -d${duration}s on $(nproc) cores (server and wrk share them)"
if [[ ${SLUICE_BENCH_ONLY:-} != sql ]]; then
  measure "GET /api/v1/jobs?limit=50" "$work/list.lua" /api/v1/jobs
  measure "GET /api/v1/jobs/{name}" "$work/get.lua" /api/v1/jobs
fi
measure "POST /api/v1/sql/check ($lines lines)" "$work/sql.lua" /api/v1/sql/check
measure "  new comment line on top" "$work/sql-comment.lua" /api/v1/sql/check
measure "  editor: 1 statement edited" "$work/sql-editor.lua" /api/v1/sql/check
measure "  all statements new" "$work/sql-new.lua" /api/v1/sql/check
echo "  floors: list page p99 < 20 ms; 200-line SQL check p99 < 10 ms"
echo "load average after: $(cut -d" " -f1-3 /proc/loadavg)"
