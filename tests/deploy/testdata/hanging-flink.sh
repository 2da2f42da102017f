#!/bin/sh
# A Flink client that hangs: it starts a child that ignores SIGTERM (like a stuck JVM) and
# a sleeper, writes their pids to $HANG_PIDS_FILE, then ignores SIGTERM itself and waits.
trap '' TERM
sh -c 'trap "" TERM; while :; do sleep 1; done' &
echo $! >> "$HANG_PIDS_FILE"
sleep 600 &
echo $! >> "$HANG_PIDS_FILE"
echo $$ >> "$HANG_PIDS_FILE"
echo "Starting execution of program"
while :; do sleep 1; done
