# shellcheck shell=bash
# What the `sluice serve` benchmarks share; source it (bench/jobs_api.sh, bench/http_version.sh).

# bench_free_port FIRST: the first port from FIRST to FIRST+100 that nothing on 127.0.0.1
# listens on.
bench_free_port() {
  local p
  for p in $(seq "$1" $(($1 + 100))); do
    if ! (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
}

# bench_wait_healthy BASE [TRIES=100]: waits until BASE/healthz answers, 0.1 s a try.
bench_wait_healthy() {
  local _
  for _ in $(seq "${2:-100}"); do curl -sf "$1/healthz" >/dev/null && return; sleep 0.1; done
}
