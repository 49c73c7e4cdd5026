#!/usr/bin/env bash
# Replay throughput (docs/benchmarks.md, Replay): writes a store, two configs, a GeoIP database and
# a gzip combined log of LINES requests into DIR, then times `mirrorgate replay` on it.
# usage: bench/replay-bench.sh [DIR] [LINES] [FILES] [MIRRORS]
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-/tmp/mirrorgate-replay-bench}
LINES=${2:-1000000}
# The classpath as surefire sees it (the dependency plugin is not available offline here).
CP=$(mvn -o -X -B test -Dtest=CombinedLogTest 2>/dev/null | sed -n 's/^.*DEBUG.* test classpath: *//p' | head -1 \
    | sed 's/\x1b\[[0-9;]*m//g; s/  */:/g')
rm -rf "$DIR"
java -cp "$CP" org.mirrorgate.bench.ReplayBenchMain "$DIR" "$LINES" "${3:-100000}" "${4:-60}"
ls -l "$DIR/access.log.gz" >&2
/usr/bin/time -f "%e s elapsed, %U s user, %M KiB max RSS" java -Xmx1g -cp "$CP" org.mirrorgate.cli.Main replay \
    --current "$DIR/current.yaml" --config "$DIR/new.yaml" "$DIR/access.log.gz" "${@:5}"
