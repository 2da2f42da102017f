#!/bin/sh
# Each argument on stdout followed by a NUL byte, exactly as received.
for a in "$@"; do
  printf '%s\0' "$a"
done
