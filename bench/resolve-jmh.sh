#!/usr/bin/env bash
# JMH: Resolve in-process on a synthetic 1.64 M files x 375 mirrors index (docs/benchmarks.md).
# Extra arguments go to JMH, e.g. -p files=500000 -p mirrors=70.
set -euo pipefail
cd "$(dirname "$0")/.."
cp=$(bench/classpath.sh)
exec java -Xmx4g -XX:+UseParallelGC -cp "$cp" org.openjdk.jmh.Main ResolveBenchmark \
    -f 1 -wi 3 -w 5s -i 5 -r 5s -t 1 "$@"
