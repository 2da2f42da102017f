#!/bin/sh
# An exec credential plugin for the tests (kubeconfig users[].user.exec). State lives in
# $STATE_DIR: `runs` counts invocations, `tokens` holds one token per run (the last
# repeats), `expiry` an optional expirationTimestamp, `credential.json` (if present) is
# printed as is, `fail` makes it fail with that text on stderr.
set -eu
if [ -z "${KUBERNETES_EXEC_INFO:-}" ]; then
  echo "KUBERNETES_EXEC_INFO is not set" >&2
  exit 3
fi
runs=$(( $(cat "$STATE_DIR/runs" 2>/dev/null || echo 0) + 1 ))
echo "$runs" > "$STATE_DIR/runs"
printf '%s' "$KUBERNETES_EXEC_INFO" > "$STATE_DIR/exec-info.json"
printf '%s' "$*" > "$STATE_DIR/args"
if [ -f "$STATE_DIR/fail" ]; then
  echo "plugin: $(cat "$STATE_DIR/fail")" >&2
  exit 1
fi
if [ -f "$STATE_DIR/credential.json" ]; then
  cat "$STATE_DIR/credential.json"
  exit 0
fi
token=$(sed -n "${runs}p" "$STATE_DIR/tokens")
if [ -z "$token" ]; then token=$(tail -n 1 "$STATE_DIR/tokens"); fi
exp=""
if [ -f "$STATE_DIR/expiry" ]; then exp=",\"expirationTimestamp\":\"$(cat "$STATE_DIR/expiry")\""; fi
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"%s}}\n' "$token" "$exp"
