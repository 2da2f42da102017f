#!/bin/sh
# Lines on both streams, a last line without a newline, and an exit status.
echo "out 1"
echo "err 1" >&2
echo "out 2"
echo "err 2" >&2
printf 'no newline'
exit 3
