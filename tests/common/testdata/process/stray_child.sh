#!/bin/sh
# Exits at once, leaving a child that holds the output pipes; its pid in $PIDS_FILE.
sleep 600 &
echo $! >> "$PIDS_FILE"
echo "leader done"
exit 0
