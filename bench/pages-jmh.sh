#!/usr/bin/env bash
# JMH: one uncached page (ranking + render) with 375 mirrors, in-process (docs/benchmarks.md, pages).
# Extra arguments go to JMH, e.g. -p mirrors=70 or a benchmark name such as mirrorListHtml.
set -euo pipefail
cd "$(dirname "$0")/.."
cp=$(bench/classpath.sh)
exec java -Xmx1g -XX:+UseParallelGC -cp "$cp" org.openjdk.jmh.Main PagesBenchmark \
    -f 1 -wi 3 -w 3s -i 5 -r 3s -t 1 "$@"
