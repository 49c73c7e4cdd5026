#!/usr/bin/env bash
# Push day on this machine, with real components (docs/benchmarks.md, "Push day"): an origin
# archive served by nginx with the real hook and the real service (one service + origin nginx per
# policy mode, all over the same tree), mirrors as rsync daemon modules + their own nginx, syncing
# from the origin with real rsync in ftpsync's two-stage order, pushes on a compressed clock (a
# 6-hour cycle in 4 minutes, 75 s with --quick), and apt-like clients from six countries checking
# every download's SHA-256 against their metadata. Prints a chart per mode, then one line per mode,
# the recommended mode's last:
#   archive-push: mode=<name> requests=<n> mismatched=<n> stale_404=<n> origin_share=<0.000>
# Usage: bench/archive-push.sh [--quick]     (progress goes to stderr)
# Needs: nginx + libnginx-mod-http-lua, rsync, xz, Java 17 + Maven (builds the test classes).
set -euo pipefail
cd "$(dirname "$0")/.."
cp=$(bench/classpath.sh)
exec java -Xmx1g -XX:+UseSerialGC -Dmirrorgate.projectDir="$PWD" -Dmirrorgate.log.level=WARN \
    -cp "$cp" org.mirrorgate.bench.push.ArchivePush "$@"
