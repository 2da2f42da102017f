#!/bin/sh
# A client that hangs: two children (one ignores SIGTERM, like a stuck JVM), their pids in
# $PIDS_FILE, then the leader itself ignores SIGTERM and waits.
trap '' TERM
sh -c 'trap "" TERM; while :; do sleep 1; done' &
echo $! >> "$PIDS_FILE"
sleep 600 &
echo $! >> "$PIDS_FILE"
echo ready
while :; do sleep 1; done
