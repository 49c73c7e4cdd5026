#!/usr/bin/env bash
# Through Nginx, side by side in one run (docs/benchmarks.md, "Through Nginx"):
#   static  nginx serving a 1 KiB file plainly
#   302     nginx `return 302` (the limit for any redirector in front of nginx)
#   hook    the mirrorgate path: access hook -> h2c gRPC Resolve -> 302 with Link headers
# All three get the same wrk load: random files of a synthetic Debian-shaped index (FILES files,
# MIRRORS mirrors with per-mirror availability, see SyntheticIndex) from 50,000 random client
# addresses (X-Forwarded-For, trusted from loopback via the realip module), so nothing is one hot
# file or one cached client. Reports req/s, p50/p99 and server CPU per request: CPU time of the
# nginx workers + the JVM over the measured run, divided by the requests wrk completed.
#
# Settings (environment): FILES [1640000] MIRRORS [375] CLIENTS [50000; 0 = one client]
# THREADS [2] CONNS [32] DURATION [15s]
# WARMUP [10s] ROUNDS [1] (rounds run the three targets interleaved), JAVA_OPTS [-Xmx3g ...].
# Needs: nginx + libnginx-mod-http-lua, wrk, Java 17 + Maven (builds the test classes).
set -euo pipefail
cd "$(dirname "$0")/.."

FILES=${FILES:-1640000}
MIRRORS=${MIRRORS:-375}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-10s}
ROUNDS=${ROUNDS:-1}
CLIENTS=${CLIENTS:-50000}
JAVA_OPTS=${JAVA_OPTS:--Xmx3g -Xms3g -XX:+UseParallelGC}
TICK=$(getconf CLK_TCK)

work=$(mktemp -d /tmp/mirrorgate-bench.XXXXXX)
chmod 755 "$work"
java_pid=""
cleanup() {
    [ -f "$work/conf/nginx.pid" ] && kill "$(cat "$work/conf/nginx.pid")" 2>/dev/null || true
    [ -n "$java_pid" ] && kill "$java_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
grpc_port=$(free_port)
http_port=$(free_port)

echo "== building; starting the resolver on $FILES files x $MIRRORS mirrors" >&2
cp=$(bench/classpath.sh)
# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$cp" org.mirrorgate.nginx.BenchResolverMain "$grpc_port" "$FILES" "$MIRRORS" \
    > "$work/service.log" 2>&1 &
java_pid=$!
until grep -q '^ready' "$work/service.log"; do
    kill -0 "$java_pid" 2>/dev/null || { cat "$work/service.log" >&2; exit 1; }
    sleep 0.5
done

mkdir -p "$work/tree/static"
head -c 1024 /dev/urandom > "$work/tree/static/1k.bin"
chmod -R a+rX "$work/tree"
MG_ROOT="$work/tree" MG_URL_PREFIX=/debian/ MG_REPLICAS="127.0.0.1:$grpc_port" MG_HTTP_LISTEN="" \
    MG_WORKERS=2 MG_LOG_LEVEL=warn nginx/render.sh "$work/conf" > /dev/null
# The bench server replaces the example one: the same hook line, plus the two reference locations.
cat > "$work/conf/mirrorgate-server.conf" <<CONF
server {
    listen 127.0.0.1:$http_port backlog=4096;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
    location /static/ {
        root $work/tree;
        try_files /static/1k.bin =404;
    }
    location /r302/ {
        return 302 http://m1.example.org/debian\$uri;
    }
    location /debian/ {
        alias $work/tree/;
        access_by_lua_block { require("mirrorgate.access").run() }
    }
    include $work/conf/mirrorgate-status.conf;
}
CONF
nginx -p "$work/conf" -c "$work/conf/nginx.conf" -e "$work/conf/error.log"
until [ -s "$work/conf/nginx.pid" ] && curl -s -o /dev/null "http://127.0.0.1:$http_port/static/x"; do sleep 0.2; done

ticks() { # utime + stime of the given pids, in clock ticks
    local sum=0 pid
    for pid in "$@"; do
        # fields after the ")" of comm: state is 1, utime 12, stime 13
        read -r -a f < <(sed 's/^.*) //' "/proc/$pid/stat")
        sum=$((sum + f[11] + f[12]))
    done
    echo "$sum"
}
workers() { pgrep -P "$(cat "$work/conf/nginx.pid")" | tr '\n' ' '; }

busy() { # CPU ticks spent by the whole machine (all cores, all processes)
    awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat
}

load() { # PREFIX DURATION -> wrk output; wrk's own CPU seconds ("user sys") go to $work/wrk.cpu
    local TIMEFORMAT='%U %S'
    { time wrk -t"$THREADS" -c"$CONNS" -d"$2" --latency -s bench/nginx-wrk.lua "http://127.0.0.1:$http_port" \
        -- "$1" "$FILES" "$CLIENTS" 2>&1; } 2> "$work/wrk.cpu"
}

declare -A PREFIX=([static]=/static/ [302]=/r302/ [hook]=/debian/)
echo "== warm-up ($WARMUP each)" >&2
for t in static 302 hook; do load "${PREFIX[$t]}" "$WARMUP" > /dev/null; done
curl -s "http://127.0.0.1:$http_port/mirrorgate-status" > "$work/status.before"

printf '| round | target | req/s | p50 | p99 | nginx CPU us/req | JVM CPU us/req | server CPU us/req | req/s vs return 302 | other load (cores) |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
for round in $(seq 1 "$ROUNDS"); do
    declare -A RPS=()
    for t in static 302 hook; do
        # shellcheck disable=SC2046
        n0=$(ticks $(workers)); j0=$(ticks "$java_pid"); b0=$(busy); s0=$(date +%s.%N)
        out=$(load "${PREFIX[$t]}" "$DURATION")
        # shellcheck disable=SC2046
        n1=$(ticks $(workers)); j1=$(ticks "$java_pid"); b1=$(busy); s1=$(date +%s.%N)
        # everything else the machine did meanwhile (other sessions' work is noise: report it)
        other=$(awk -v b=$((b1 - b0 - (n1 - n0) - (j1 - j0))) -v t="$TICK" -v w="$(cat "$work/wrk.cpu")" \
            -v s="$(awk -v a="$s0" -v b="$s1" 'BEGIN {print b - a}')" \
            'BEGIN {split(w, c, " "); printf "%.2f", (b / t - c[1] - c[2]) / s}')
        reqs=$(awk '/requests in/ {print $1}' <<< "$out")
        rps=$(awk '/Requests\/sec/ {print $2}' <<< "$out")
        p50=$(awk '$1 == "50%" {print $2}' <<< "$out")
        p99=$(awk '$1 == "99%" {print $2}' <<< "$out")
        non2xx=$(awk '/Non-2xx or 3xx/ {print $5}' <<< "$out")
        RPS[$t]=$rps
        nus=$(awk -v d=$((n1 - n0)) -v r="$reqs" -v t="$TICK" 'BEGIN {printf "%.1f", d * 1e6 / t / r}')
        jus=$(awk -v d=$((j1 - j0)) -v r="$reqs" -v t="$TICK" 'BEGIN {printf "%.1f", d * 1e6 / t / r}')
        tus=$(awk -v a="$nus" -v b="$jus" 'BEGIN {printf "%.1f", a + b}')
        ratio=$(awk -v a="$rps" -v b="${RPS[302]:-0}" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}')
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$round" "$t" "$rps" "$p50" "$p99" "$nus" \
            "$jus" "$tus" "$ratio" "$other"
        [ -n "$non2xx" ] && echo "   ($t: $non2xx responses not 2xx/3xx)" >&2
    done
done

curl -s "http://127.0.0.1:$http_port/mirrorgate-status" > "$work/status.after"
echo >&2
echo "== hook decisions and fail-opens over the whole run (status page, after minus before):" >&2
join <(grep -v '^#' "$work/status.before" | sort) <(grep -v '^#' "$work/status.after" | sort) \
    | awk '$3 != $2 {print "   " $1, $3 - $2}' >&2
grep -E '\[(error|crit|alert|emerg)\]' "$work/conf/error.log" >&2 || echo "   nginx error log: no [error] lines" >&2
