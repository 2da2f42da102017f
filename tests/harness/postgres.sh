#!/usr/bin/env bash
# Starts or stops a private PostgreSQL server for the tests (a CTest fixture).
# Usage: postgres.sh start|stop DIR
#   start: initdb in DIR/data, listen on a free loopback port, create database sluice_test,
#          write its URL to DIR/url.
set -euo pipefail
action=${1:?usage: postgres.sh start|stop DIR}
dir=$(realpath -m "${2:?usage: postgres.sh start|stop DIR}")
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [[ -z $bin ]]; then
  echo "postgres.sh: no PostgreSQL server found under /usr/lib/postgresql; run scripts/install-deps.sh test" >&2
  exit 1
fi
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || { echo "postgres.sh: user 'postgres' is missing" >&2; exit 1; }
  as_pg=(runuser -u postgres --)
fi

stop() {
  if [[ -f $dir/data/postmaster.pid ]]; then
    "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

case "$action" in
  start)
    stop
    rm -rf "$dir"
    mkdir -p "$dir/data" "$dir/run"
    [[ ${#as_pg[@]} -gt 0 ]] && chown -R postgres:postgres "$dir"
    "${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    port=
    for p in $(seq 55432 55532); do
      if ! (echo >/dev/tcp/127.0.0.1/$p) 2>/dev/null; then port=$p; break; fi
    done
    [[ -n $port ]] || { echo "postgres.sh: no free port in 55432-55532" >&2; exit 1; }
    "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/server.log" \
      -o "-p $port -k $dir/run -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    "${as_pg[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres sluice_test
    echo "postgresql://postgres@127.0.0.1:$port/sluice_test" >"$dir/url"
    echo "postgres.sh: PostgreSQL on 127.0.0.1:$port (data in $dir/data)"
    ;;
  stop)
    stop
    echo "postgres.sh: stopped"
    ;;
  *) echo "postgres.sh: unknown action '$action'" >&2; exit 2 ;;
esac
