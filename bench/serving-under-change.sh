#!/usr/bin/env bash
# Serving stays flat while the archive and the mirrors change (docs/benchmarks.md, "Serving under
# change"): wrk sends redirects through the real nginx + hook at a steady rate well below
# saturation, over the synthetic Debian-scale index (FILES x MIRRORS), first with nothing else
# happening (idle), then while the service ingests full rsync-format listings of one mirror after
# another through the real scan path and 1 % of the local files change (storm). Prints the redirect
# latency p50/p99/p99.9/max of both windows from the same run, and the service's GC pauses in each.
# "served locally" counts the service's SERVE_LOCAL answers (files no scanned mirror holds now,
# among them the 1 % just changed): the bench tree holds no files, so nginx answers those 404.
#
# Settings (environment): FILES [1640000] MIRRORS [375] CONNS [4] DELAY_MS [2] (per connection:
# ~CONNS x 1000 / DELAY_MS req/s) WINDOW [40s] WARMUP [10s] TIMEOUT_MS [1000]
# JAVA_OPTS [the README's: -Xms3g -Xmx3g -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch] KEEP_LOGS [a directory to copy the
# GC and service logs into]
# Needs: nginx + libnginx-mod-http-lua, wrk, Java 17 + Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

FILES=${FILES:-1640000}
MIRRORS=${MIRRORS:-375}
CONNS=${CONNS:-4}
DELAY_MS=${DELAY_MS:-2}
WINDOW=${WINDOW:-40s}
WARMUP=${WARMUP:-10s}
TIMEOUT_MS=${TIMEOUT_MS:-1000}
KEEP_LOGS=${KEEP_LOGS:-}
JAVA_OPTS=${JAVA_OPTS:--Xms3g -Xmx3g -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch}

work=$(mktemp -d /tmp/mirrorgate-change.XXXXXX)
chmod 755 "$work"
java_pid=""
cleanup() {
    [ -f "$work/conf/nginx.pid" ] && kill "$(cat "$work/conf/nginx.pid")" 2>/dev/null || true
    exec 3>&- 2>/dev/null || true
    [ -n "$java_pid" ] && kill "$java_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    [ -n "$KEEP_LOGS" ] && cp "$work/gc.log" "$work/service.log" "$KEEP_LOGS"/ 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
. bench/lib/hook-nginx.sh

grpc_port=$(free_port)
metrics_port=$(free_port)
http_port=$(free_port)
cp=$(bench/classpath.sh)
mkfifo "$work/commands"
echo "== starting the service on $FILES files x $MIRRORS mirrors" >&2
# shellcheck disable=SC2086
java $JAVA_OPTS -Xlog:gc:file="$work/gc.log":uptime -cp "$cp" org.mirrorgate.bench.ServingUnderChangeMain \
    "$grpc_port" "$FILES" "$MIRRORS" "$metrics_port" "$work/mirror" < "$work/commands" > "$work/service.log" 2>&1 &
java_pid=$!
exec 3> "$work/commands"
command() { echo "$1" >&3; }
until grep -q '^ready' "$work/service.log"; do
    kill -0 "$java_pid" 2>/dev/null || { cat "$work/service.log" >&2; exit 1; }
    sleep 0.5
done
mkdir -p "$work/tree/static"
head -c 1024 /dev/urandom > "$work/tree/static/1k.bin"
chmod -R a+rX "$work/tree"
start_hook_nginx "$work/conf" "$http_port" "127.0.0.1:$grpc_port" "$work/tree" "$TIMEOUT_MS"

load() { # DURATION -> the done() line of paced-wrk.lua
    wrk -t2 -c"$CONNS" -d"$1" -s bench/paced-wrk.lua "http://127.0.0.1:$http_port" \
        -- /debian/ "$FILES" 20000 "$DELAY_MS" | grep '^latency_us'
}
echo "== warm-up $WARMUP" >&2
load "$WARMUP" > /dev/null
status() { curl -s "http://127.0.0.1:$http_port/mirrorgate-status" | grep -v '^#' | sort; }
delta() { join <(echo "$1") <(echo "$2") | awk '$3 != $2 {printf "%s%s=%d", sep, $1, $3 - $2; sep=" "}'; }
command "mark idle-start"
s0=$(status)
idle=$(load "$WINDOW")
s1=$(status)
command "mark idle-end"
command "storm"
until grep -q 'local files changed' "$work/service.log"; do sleep 0.2; done # the first listing is in
command "mark storm-start"
s2=$(status)
storm=$(load "$WINDOW")
s3=$(status)
command "mark storm-end"
command "stop"
until grep -q '^stopped' "$work/service.log"; do sleep 0.5; done
grep '^storm:' "$work/service.log" >&2

python3 - "$work/gc.log" "$work/service.log" "$idle" "$storm" "$(delta "$s0" "$s1")" "$(delta "$s2" "$s3")" <<'PY'
import re, sys
gc_log, service_log, idle, storm, idle_hook, storm_hook = sys.argv[1:7]
marks = {m.group(1): int(m.group(2)) for m in re.finditer(r"^mark (\S+) (\d+)$", open(service_log).read(), re.M)}
pauses = []  # (uptime ms, pause ms)
for line in open(gc_log):
    m = re.match(r"\[(\d+\.\d+)s\].*Pause.* (\d+\.\d+)ms$", line.strip())
    if m:
        pauses.append((float(m.group(1)) * 1000, float(m.group(2))))
def row(name, line, start, end, hook):
    f = dict(kv.split("=") for kv in line.split()[1:])
    ps = [p for t, p in pauses if marks[start] <= t <= marks[end]]
    gc = "%d pauses, max %.1f ms, total %.0f ms" % (len(ps), max(ps), sum(ps)) if ps else "no pauses"
    fails = " ".join(kv for kv in hook.split() if "fail" in kv or "breaker" in kv) or "none"
    print("| %s | %s | %.2f | %.2f | %.2f | %.2f | %s | %s | %s | %s |" % (name, f["requests"], int(f["p50"]) / 1000,
          int(f["p99"]) / 1000, int(f["p999"]) / 1000, int(f["max"]) / 1000,
          int(f["socket_errors"]) + int(f["timeouts"]), f["non2xx3xx"], fails, gc))
    return f
print("| window | requests | p50 ms | p99 ms | p99.9 ms | max ms | socket errors | served locally | hook fail-opens | GC pauses in the window |")
print("|---|---|---|---|---|---|---|---|---|---|")
i = row("idle", idle, "idle-start", "idle-end", idle_hook)
s = row("storm", storm, "storm-start", "storm-end", storm_hook)
print()
print("serving-under-change: p999_ratio=%.2f storm_max_ms=%.1f (goals: <= 2.00, <= 100)" % (
      int(s["p999"]) / max(1, int(i["p999"])), int(s["max"]) / 1000))
PY
