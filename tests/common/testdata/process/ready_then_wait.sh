#!/bin/sh
# Says it is ready, then waits to be cancelled.
echo ready
while :; do sleep 1; done
