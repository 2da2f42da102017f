#!/bin/sh
# About 600 kB on stdout: line 1 ... line 60000.
i=1
while [ $i -le 60000 ]; do
  echo "line $i"
  i=$((i + 1))
done
