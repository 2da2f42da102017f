#!/usr/bin/env bash
# 10,000 jobs under one `sluice serve` (issue 8): sluice-sim plays Kubernetes and Flink, one
# `sluice serve` (Release, embedded SQLite, its reconciler on as by default) runs every job.
#   1. starts sluice-sim and `sluice serve` with a fresh data directory, registers the
#      simulated cluster, creates N kubernetes-application jobs and deploys them over the
#      REST API (curl, 8 requests at a time), and waits until all N are RUNNING in the store;
#   2. injects state changes in the simulator at a steady rate, each on another random
#      job (default: a TaskManager pod dies, Flink fails the job over and restarts it), and
#      measures each one's time until the store shows it (status.restarts, polled through
#      the API every 20 ms): p50, p99, max;
#   3. the server's CPU over the measurement window (average cores, /proc/PID/stat) and its
#      peak resident memory (VmHWM), and the set-up times.
# Usage: bench/serve_scale.sh [--jobs N=10000] [--changes M=300] [--rate R=5]
#                             [--action lose-taskmanager|fail-job|restart-jobmanager[,...]]
#                             [--settle SECONDS=60] [--workers W] [--poll PERIOD=3s]
# Several actions (comma-separated) are measured one after the other on the same jobs
# (each on other random jobs).
# --poll: sluice serve's --jobmanager-poll (0: no JobManager poller; JobManager-only changes
# then wait for the job's next steady pass).
# SLUICE_BENCH_PERF=FILE: also records the measurement window with `perf record -g`.
# Floors (issue 8): p99 < 5 s, < 1 core on average, peak RSS < 512 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=10000 changes=300 rate=5 action=lose-taskmanager settle=60 workers= poll=
while [[ $# -gt 0 ]]; do
  case $1 in
    --jobs) jobs=$2 ;;
    --changes) changes=$2 ;;
    --rate) rate=$2 ;;
    --action) action=$2 ;;
    --settle) settle=$2 ;;
    --workers) workers=$2 ;;
    --poll) poll=$2 ;;
    *) echo "serve_scale: unknown flag $1" >&2; exit 2 ;;
  esac
  shift 2
done
scripts/build.sh bench sluice sluice-sim serve_scale >/dev/null
bin=build/bench/bin
work=$(mktemp -d)
simpid= pid=
trap 'kill $pid $simpid 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"' EXIT

free_port() {
  for p in $(seq "$1" $(($1 + 100))); do
    if ! (echo >/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "$p"; return; fi
  done
}
now() { date +%s.%N; }
since() { printf "%.1f" "$(echo "$(now) - $1" | bc)"; }

# The simulator: pods start after 200 ms; slots are waited for 5 min (Flink's default
# slot.request.timeout; the one scheduler thread of a busy simulator may start TaskManagers
# later than its 10 s default); no Event objects or operator (as sim_scale.sh);
# a watch history long enough for the deployment burst.
simtoken=bench-sim-token-$RANDOM$RANDOM
"$bin/sluice-sim" --listen 127.0.0.1:0 --kubeconfig-out "$work/kubeconfig" --token "$simtoken" \
  --ready-file "$work/ready" --startup-delay 200ms --slot-timeout 5m --no-events --no-operator \
  --history 100000 >"$work/sim.log" 2>&1 &
simpid=$!
for _ in $(seq 300); do [[ -s $work/ready ]] && break; sleep 0.1; done
[[ -s $work/ready ]] || { cat "$work/sim.log" >&2; exit 1; }
sim=$(awk '/server:/ {print $2; exit}' "$work/kubeconfig")
awk '/certificate-authority-data:/ {print $2; exit}' "$work/kubeconfig" | base64 -d >"$work/sim-ca.pem"

# The namespaces (job i goes to bench-(i mod 100), as sim_scale.sh spreads its clusters: the
# simulator lists a namespace's pods for each JobManager it starts and each proxied request)
# and their service account, as `sluice preflight --setup` makes them.
namespaces=$((jobs < 100 ? jobs : 100))
for n in $(seq 0 $((namespaces - 1))); do
  ns=bench-$n
  cat >"$work/preflight.yaml" <<YAML
apiVersion: sluice.dev/v1
kind: FlinkJob
metadata: {name: bench-0}
spec:
  flinkVersion: '1.20'
  target: kubernetes-application
  namespace: $ns
  image: flink:1.20
  serviceAccount: flink
  jar: {jarURI: 'local:///opt/flink/examples/streaming/TopSpeedWindowing.jar'}
YAML
  KUBECONFIG=$work/kubeconfig "$bin/sluice" preflight -f "$work/preflight.yaml" --setup >/dev/null
done

port=$(free_port 18680)
base=http://127.0.0.1:$port
password=bench-admin-password
SLUICE_BOOTSTRAP_ADMIN_PASSWORD=$password "$bin/sluice" serve --listen 127.0.0.1:$port \
  --data-dir "$work/data" --log-level warn ${workers:+--reconcile-workers $workers} \
  ${poll:+--jobmanager-poll $poll} \
  2>"$work/server.log" &
pid=$!
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
token=$(curl -sf -u "admin:$password" -H 'Content-Type: application/json' \
  -d '{"name":"bench","scopes":["*"],"ttl":"1d"}' "$base/api/v1/auth/tokens" |
  sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')
jq -n --rawfile kc "$work/kubeconfig" \
  '{name: "sim", kind: "kubernetes", config: {context: "sluice-sim"}, secrets: {kubeconfig: $kc}}' |
  curl -sf "${auth[@]}" -d @- "$base/api/v1/clusters" >/dev/null

# Creating and deploying: one curl process each, 8 requests at a time. Checkpoints every
# 30 s, so Flink restarts a failed job (its default restart strategy with checkpointing).
read -r body <<JSON
{\"apiVersion\":\"sluice.dev/v1\",\"kind\":\"FlinkJob\",\"metadata\":{\"name\":\"bench-NAME\"},\"spec\":{\"flinkVersion\":\"1.20\",\"target\":\"kubernetes-application\",\"cluster\":\"sim\",\"namespace\":\"bench-NS\",\"image\":\"flink:1.20\",\"serviceAccount\":\"flink\",\"parallelism\":1,\"jar\":{\"jarURI\":\"local:///opt/flink/examples/streaming/TopSpeedWindowing.jar\"},\"flinkConfiguration\":{\"execution.checkpointing.interval\":\"30 s\"},\"checkpointDirectory\":\"file:///tmp/bench/checkpoints\",\"savepointDirectory\":\"file:///tmp/bench/savepoints\"}}
JSON
curl_config() {  # path data-for-job-NAME-in-namespace-bench-NS
  for i in $(seq 1 "$jobs"); do
    [[ $i == 1 ]] || echo next
    local data=${2/NAME/$i}
    printf 'url = "%s%s"\nheader = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\ndata = "%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' \
      "$base" "${1/NAME/$i}" "$token" "${data/NS/$((i % namespaces))}"
  done
}
curl_config /api/v1/jobs "$body" >"$work/create.curl"
curl_config /api/v1/jobs/bench-NAME/actions/deploy "" >"$work/deploy.curl"
start=$(now)
curl -s --no-progress-meter --parallel --parallel-max 8 -K "$work/create.curl" >"$work/create.out"
create_secs=$(since "$start")
bad=$(grep -vc '^201$' "$work/create.out" || true)
[[ $bad == 0 ]] || { echo "creating: $bad requests failed" >&2; exit 1; }
start=$(now)
curl -s --no-progress-meter --parallel --parallel-max 8 -K "$work/deploy.curl" >"$work/deploy.out"
deploy_req_secs=$(since "$start")
bad=$(grep -vc '^202$' "$work/deploy.out" || true)
[[ $bad == 0 ]] || { echo "deploying: $bad requests failed" >&2; sort "$work/deploy.out" | uniq -c >&2; exit 1; }
echo "waiting for $jobs jobs to be RUNNING in the store:"
"$bin/serve_scale" wait --api "$base" --token "$token" --jobs "$jobs"
running_secs=$(since "$start")

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hwm() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
echo "settling for $settle s (the deployment burst's passes end; steady state)"
sleep "$settle"
settled_rss=$(rss "$pid")
perf_pid=
if [[ -n ${SLUICE_BENCH_PERF:-} ]]; then
  perf record -g -F 200 -p "$pid" -o "$SLUICE_BENCH_PERF" 2>/dev/null &
  perf_pid=$!
fi
passes() {  # reconcile passes so far (/metrics)
  curl -sf "${auth[@]}" "$base/metrics" | awk '/^sluice_reconcile_passes_total/ {n += $2} END {print n + 0}'
}
metric() {  # the sum of a metric's series whose name and labels start with $1 (/metrics)
  curl -sf "${auth[@]}" "$base/metrics" | awk -v m="$1" 'index($1, m) == 1 {n += $2} END {print n + 0}'
}
measure() {  # action offset: one measurement window
  local action=$1 offset=$2
  passes0=$(passes)
  polls0=$(metric sluice_jobmanager_polls_total) pollfail0=$(metric 'sluice_jobmanager_polls_total{result="failed"')
  pollwakes0=$(metric sluice_jobmanager_poll_wakes_total)
  cpu0=$(ticks "$pid") simcpu0=$(ticks "$simpid") t0=$(now)
  "$bin/serve_scale" changes --api "$base" --token "$token" --sim "$sim" --sim-token "$simtoken" \
    --sim-ca "$work/sim-ca.pem" --namespaces "$namespaces" --prefix bench- --jobs "$jobs" \
    --changes "$changes" --rate "$rate" --action "$action" --offset "$offset" \
    --out "$work/changes.json" || true
  window=$(echo "$(now) - $t0" | bc)
  cpu=$(echo "scale=2; ($(ticks "$pid") - $cpu0) / $(getconf CLK_TCK) / $window" | bc)
  simcpu=$(echo "scale=2; ($(ticks "$simpid") - $simcpu0) / $(getconf CLK_TCK) / $window" | bc)
  passes_per_s=$(echo "scale=1; ($(passes) - $passes0) / $window" | bc)
  polls_per_s=$(echo "scale=1; ($(metric sluice_jobmanager_polls_total) - $polls0) / $window" | bc)
  poll_failures=$(echo "$(metric 'sluice_jobmanager_polls_total{result="failed"') - $pollfail0" | bc)
  poll_wakes=$(echo "$(metric sluice_jobmanager_poll_wakes_total) - $pollwakes0" | bc)
  jobmanagers=$(metric sluice_jobmanager_polled)
  jq -r '"  change -> store (\(.action), \(.changes) changes at \(.rate)/s): p50 \(.p50Ms|floor) ms, p99 \(.p99Ms|floor) ms, max \(.maxMs|floor) ms; \(.measured) measured, \(.failed) not injected, \(.timedOut) never seen"' "$work/changes.json"
  echo "    serve CPU over the $(printf %.0f "$window") s window: $cpu cores (sluice-sim: $simcpu cores); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "    reconcile passes: $passes_per_s/s over the window, i.e. each job looked at every $(echo "scale=0; $jobs / $passes_per_s" | bc) s on average (woken by its change, or polled)"
  echo "    JobManager poller (--jobmanager-poll ${poll:-3s}): $jobmanagers JobManagers, $polls_per_s polls/s, $poll_failures failed, $poll_wakes jobs woken over the window"
}
echo "sluice serve (build/bench, Release, SQLite, reconciler on) with $jobs jobs on sluice-sim, $(nproc) cores shared by both:"
echo "  set-up: created in $create_secs s, deploy requests in $deploy_req_secs s, all RUNNING $running_secs s after the first deploy request"
offset=0
IFS=, read -ra actions <<<"$action"
for a in "${actions[@]}"; do
  measure "$a" "$offset"
  offset=$((offset + changes))
done
[[ -z $perf_pid ]] || { kill -INT "$perf_pid"; wait "$perf_pid" || true; }
echo "  serve memory: peak RSS (VmHWM) $(hwm "$pid") MiB, $settled_rss MiB settled, $(rss "$pid") MiB at the end"
echo "  floors: p99 < 5000 ms, < 1 core, < 512 MiB"
grep -c '"level":"error"' "$work/server.log" | sed 's/^/  server log errors: /'
