#!/usr/bin/env bash
# Heap of a synthetic Debian-scale index after GC (docs/benchmarks.md). Args: [files] [mirrors].
set -euo pipefail
cd "$(dirname "$0")/.."
cp=$(bench/classpath.sh)
exec java -Xmx4g -XX:+UseParallelGC -cp "$cp" org.mirrorgate.bench.IndexMemory "$@"
