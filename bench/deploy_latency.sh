#!/usr/bin/env bash
# Deploy latency on sluice-sim: `sluice deploy --no-wait` of N distinct kubernetes-application
# jobs (the seed's shape), timed from command start to exit, i.e. until every object
# (Deployment, Services, ConfigMap) was accepted by the API server. Prints p50/p99/max.
# Usage: bench/deploy_latency.sh [N=100] [build dir=build/release]
#   The build dir needs bin/sluice and bin/sluice-sim (scripts/build.sh release sluice;
#   sluice-sim is a test target: scripts/build.sh bench sluice sluice-sim, dir build/bench).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100}
dir=${2:-build/release}
bin=$dir/bin/sluice
sim=$dir/bin/sluice-sim
[[ -x $bin && -x $sim ]] || { echo "deploy_latency: build $bin and $sim first" >&2; exit 2; }
work=$(mktemp -d)
trap 'kill $simpid 2>/dev/null || true; rm -rf "$work"' EXIT

"$sim" --listen 127.0.0.1:0 --kubeconfig-out "$work/kubeconfig" --ready-file "$work/ready" \
  --startup-delay 50ms --no-events >"$work/sim.log" 2>&1 &
simpid=$!
for _ in $(seq 100); do [[ -s $work/ready ]] && break; sleep 0.1; done
export KUBECONFIG=$work/kubeconfig

spec() {  # job spec number $1
  cat <<YAML
apiVersion: sluice.dev/v1
kind: FlinkJob
metadata:
  name: bench-$1
spec:
  flinkVersion: '1.20'
  target: kubernetes-application
  namespace: bench
  image: flink:1.20
  serviceAccount: flink
  jar:
    jarURI: local:///opt/flink/usrlib/TopSpeedWindowing.jar
  flinkConfiguration:
    state.backend.type: rocksdb
    execution.checkpointing.interval: 30 s
  restService:
    exposure: NodePort
YAML
}
spec 0 >"$work/job-0.yaml"
"$bin" preflight -f "$work/job-0.yaml" --setup >/dev/null
for i in $(seq 1 "$n"); do spec "$i" >"$work/job-$i.yaml"; done
"$bin" deploy -f "$work/job-0.yaml" --no-wait >/dev/null 2>&1  # warm-up (not counted)

: >"$work/ms"
: >"$work/cpu"
for i in $(seq 1 "$n"); do
  start=$(date +%s%N)
  /usr/bin/time -f "%U %S" -o "$work/time" "$bin" deploy -f "$work/job-$i.yaml" --no-wait \
    >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  end=$(date +%s%N)
  echo $(((end - start) / 1000)) >>"$work/ms"
  awk '{ printf "%d\n", ($1 + $2) * 1000 }' "$work/time" >>"$work/cpu"
done
sort -n "$work/cpu" | awk '{ v[NR] = $1 } END {
  printf "client CPU (user+sys) per deploy: p50 %d ms, p99 %d ms\n", v[int((NR + 1) / 2)], v[int(NR * 0.99)] }'
sort -n "$work/ms" | awk -v n="$n" -v dir="$dir" '
  { v[NR] = $1 }
  END {
    p50 = v[int((NR + 1) * 0.50)]; p99 = v[int(NR * 0.99) > 0 ? int(NR * 0.99) : 1]
    printf "deploy latency over %d deployments (%s, sluice-sim, %d cores): p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
      n, dir, '"$(nproc)"', p50 / 1000, p99 / 1000, v[NR] / 1000
  }'
