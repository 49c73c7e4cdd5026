#!/usr/bin/env bash
# The chaos run (issue 13; docs/benchmarks.md, "Chaos run"): redirects go through the real nginx
# with the real Lua hook to the real service (target/mirrorgate.jar serve) while, case by case,
# the service, nginx and Redis are hit:
#   service-kill9    kill -9 of the service, restarted at once (nginx serves locally meanwhile)
#   service-sigstop  SIGSTOP of the service for 10 s (--quick: 2 s), then SIGCONT
#   nginx-reload     nginx -s reload under load
#   redis-kill9      kill -9 of redis-server, restarted (append-only file on)
#   redis-flushall   FLUSHALL: Redis comes back empty, the service writes its state again
#   replica-kill9    kill -9 of the replica nginx uses, one of two on one Redis; the other answers
#   scan-kill9       kill -9 of the service (embedded store) in the middle of a mirror scan
# Load: wrk, paced (bench/paced-wrk.lua), GETs of the tree's files from 1,000 client addresses
# through the hook, and the same load beside it on a plain nginx location (/static/), whose
# socket errors are the machine's (a reload closes keep-alive connections there too).
# Per case it prints
#   chaos: case=<name> requests=<n> failed=<n> socket_errors=<n> p99_ms=<x>
# (failed = answers not 2xx/3xx plus the hook load's socket errors beyond the plain load's), and
# at the end `chaos: failed=<total>`. Before each case a mirror is enabled or disabled through the
# admin API (the CLI); after it the CLI must read back that flag and the result of a scan done
# before the case (older than store.write-delay), from a service restarted from the store where
# the case restarts it. nginx [error]/[crit]/[alert]/[emerg] lines also fail the run: a dead
# replica must leave only the hook's own rate-limited [warn] line. Exits 1 on any failed request,
# lost state or such line.
#
# Usage: bench/chaos.sh [--quick]   (--quick: 1 s before and after each fault, 2 s SIGSTOP; what
#        deploy/test.sh runs). Progress goes to stderr; work files in a temporary directory, kept
#        on failure (its path is printed).
# Settings (environment): CONNS [4] DELAY_MS [4] (per connection: ~CONNS x 1000 / DELAY_MS req/s
# on each of the two loads) WINDOW_S [5; --quick 1] STOP_S [10; --quick 2]
# Needs: nginx + libnginx-mod-http-lua, wrk, redis-server + redis-cli, rsync, Java 17 (+ Maven
# when target/mirrorgate.jar is missing or older than the sources).
set -euo pipefail
quick=false
case "${1:-}" in
    "") ;;
    --quick) quick=true ;;
    *) echo "usage: $0 [--quick]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
. deploy/lib/common.sh           # wait_for, ensure_jar
. bench/lib/hook-nginx.sh        # free_port, start_hook_nginx

CONNS=${CONNS:-4}
DELAY_MS=${DELAY_MS:-4}
if $quick; then WINDOW_S=${WINDOW_S:-1} STOP_S=${STOP_S:-2}; else WINDOW_S=${WINDOW_S:-5} STOP_S=${STOP_S:-10}; fi
for tool in nginx wrk redis-server redis-cli rsync java; do
    command -v $tool > /dev/null || { echo "chaos: needs $tool" >&2; exit 2; }
done
ensure_jar

work=$(mktemp -d /tmp/mirrorgate-chaos.XXXXXX)
chmod 755 "$work"
declare -A PID=()
ok=false
cleanup() {
    [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2> /dev/null || true
    for name in "${!PID[@]}"; do kill -CONT "${PID[$name]}" 2> /dev/null || true; kill "${PID[$name]}" 2> /dev/null || true; done
    [ -p "$work/release" ] && { exec 4<> "$work/release"; echo >&4; } || true
    wait 2> /dev/null || true
    if $ok; then rm -rf "$work"; else echo "chaos: work files kept in $work" >&2; fi
}
trap cleanup EXIT
exec 5>&2 # stderr for messages from inside wait_for's conditions (whose own output it drops)
log() { echo "== ${SECONDS}s: $*" >&2; }

# The tree nginx serves: 200 packages of 1-8 KiB (the hook's 302s go to trusted mirrors, its
# fail-opens are 200s from this tree) and the 1 KiB file of the plain location. The scanned
# mirror, an rsync daemon module, holds a copy (same sizes and mtimes) of the first 120 of them.
scan_files=120
mkdir -p "$work/tree/static" "$work/mirror"
head -c 1024 /dev/urandom > "$work/tree/static/1k.bin"
for i in $(seq 0 199); do
    f="pool/main/p/pkg$i/pkg${i}_1.0_amd64.deb"
    mkdir -p "$work/tree/${f%/*}"
    head -c $((1024 + i * 37)) /dev/urandom > "$work/tree/$f"
    echo "$f" >> "$work/files"
    if [ "$i" -lt $scan_files ]; then
        mkdir -p "$work/mirror/${f%/*}"
        cp -p "$work/tree/$f" "$work/mirror/$f"
    fi
done
chmod -R a+rX "$work/tree" "$work/mirror"

rsync_port=$(free_port)
cat > "$work/rsyncd.conf" <<CONF
use chroot = no
uid = $(id -u)
gid = $(id -g)
[debian]
    path = $work/mirror
    read only = yes
CONF
rsync --daemon --no-detach --address=127.0.0.1 --port="$rsync_port" --config="$work/rsyncd.conf" \
    --log-file="$work/rsyncd.log" &
PID[rsyncd]=$!
port_open() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
wait_for "rsync daemon on 127.0.0.1:$rsync_port" 20 port_open "$rsync_port"

# The service's rsync: the real one, except while $work/hold exists: then the listing stops after
# its first lines and the scan hangs until $work/release is written, so it is killed mid-scan.
mkfifo "$work/release"
cat > "$work/rsync" <<SH
#!/bin/sh
if [ -e "$work/hold" ]; then
    rsync "\$@" | head -n 3
    : > "$work/scan-started"
    read -r _ < "$work/release"
    exit 1
fi
exec rsync "\$@"
SH
chmod 755 "$work/rsync"

redis_port=$(free_port)
mkdir -p "$work/redis"
start_redis() {
    redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work/redis" --save "" --appendonly yes \
        --logfile "$work/redis/redis.log" &
    PID[redis]=$!
    wait_for "redis-server on 127.0.0.1:$redis_port" 20 redis-cli -p "$redis_port" ping
}

# Replica a (first in nginx's list) and b; c is a's port and name again, on the embedded store.
declare -A GRPC=([a]=$(free_port) [b]=$(free_port)) METRICS=([a]=$(free_port) [b]=$(free_port))
GRPC[c]=${GRPC[a]} METRICS[c]=${METRICS[a]}
write_config() { # NAME STORE-YAML
    cat > "$work/$1.yaml" <<YAML
repository: {root: "$work/tree", url-prefix: /debian/}
listen: {grpc: "127.0.0.1:${GRPC[$1]}", metrics: "127.0.0.1:${METRICS[$1]}"}
resolve: {warmup-calls: 500}
scan: {enabled: false, progress-interval: 100ms, rsync-command: "$work/rsync"}
store: $2
mirrors:
  - {name: m-de, http-url: "http://de.mirror.example/debian/", countries: [DE], continent: EU, trusted: true}
  - {name: m-us, http-url: "http://us.mirror.example/debian/", countries: [US], continent: NA, trusted: true}
  - {name: m-flag, http-url: "http://flag.mirror.example/debian/", trusted: true}
  - {name: m-scan, http-url: "http://scan.mirror.example/debian/", rsync-url: "rsync://127.0.0.1:$rsync_port/debian/"}
YAML
}
# resync-interval bounds how soon a replica sees that Redis came back empty (default 1m)
redis_store="{type: redis, redis-uri: \"redis://127.0.0.1:$redis_port\", resync-interval: 5s}"
write_config a "$redis_store"
write_config b "$redis_store"
write_config c "{type: embedded, path: \"$work/state\"}"

starts=0
start_service() { # NAME: starts it and waits until it reports SERVING (its own log line)
    starts=$((starts + 1))
    local logf="$work/$1.$starts.log"
    java -Xmx384m -XX:+UseSerialGC -jar target/mirrorgate.jar serve --config "$work/$1.yaml" > "$logf" 2>&1 &
    PID[$1]=$!
    serving() {
        kill -0 "${PID[$1]}" 2> /dev/null || { echo "chaos: service $1 exited, see $logf" >&5; tail -5 "$logf" >&5; exit 1; }
        grep -q "MirrorgateServer: serving:" "$logf"
    }
    wait_for "service $1 SERVING" 120 serving "$1"
}
stop_service() { # NAME: SIGTERM and wait
    kill "${PID[$1]}"
    wait "${PID[$1]}" 2> /dev/null || true
    unset "PID[$1]"
}
kill9() { # NAME: SIGKILL and reap it
    kill -9 "${PID[$1]}"
    wait "${PID[$1]}" 2> /dev/null || true
    unset "PID[$1]"
}
mg() { # NAME ARGS...: the CLI against that replica
    local name=$1
    shift
    java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar target/mirrorgate.jar "$@" --target "127.0.0.1:${GRPC[$name]}"
}

# State set before each case and read back after it.
flag=yes
set_flag() { # NAME: flips m-flag through the admin API of that replica
    if [ $flag = yes ]; then flag=no; mg "$1" disable m-flag > /dev/null; else flag=yes; mg "$1" enable m-flag > /dev/null; fi
}
lost=0
check_state() { # CASE NAME: m-flag as last set, m-scan's scan result, read through that replica
    local out
    out=$(mg "$2" list --json)
    # Read from the JSON form (the table's columns are for people and change with them).
    read -r enabled matching last < <(python3 -c '
import json, sys
mirrors = {m["name"]: m for m in json.load(sys.stdin).get("mirrors", [])}
flag, scanned = mirrors.get("m-flag", {}), mirrors.get("m-scan", {})
print("yes" if flag.get("enabled") else "no", scanned.get("files_matching", 0),
      scanned.get("last_scan", "never"))' <<< "$out")
    if [ "$enabled" != "$flag" ] || [ "$matching" != "$scan_files" ] || [ "$last" = never ]; then
        echo "chaos: case=$1 lost state on $2: m-flag enabled=$enabled (set: $flag), m-scan matching=$matching" \
            "(scanned: $scan_files), last scan $last" >&2
        echo "$out" >&2
        lost=$((lost + 1))
    fi
}
scan() { # NAME: a full scan of m-scan through the CLI (waits for its end)
    mg "$1" scan m-scan > "$work/scan.out" || { cat "$work/scan.out" >&2; exit 1; }
}

# Two paced loads at once, the hook's and the plain location's, stopped by SIGINT (wrk then prints
# its summary: bench/paced-wrk.lua's latency_us line).
http_port=$(free_port)
start_load() {
    wrk -t1 -c"$CONNS" -d1h -s bench/paced-wrk.lua "http://127.0.0.1:$http_port" \
        -- /debian/ "$work/files" 1000 "$DELAY_MS" > "$work/hook.wrk" 2>&1 &
    hook_wrk=$!
    wrk -t1 -c"$CONNS" -d1h -s bench/paced-wrk.lua "http://127.0.0.1:$http_port" \
        -- /static/ "$work/files" 0 "$DELAY_MS" > "$work/plain.wrk" 2>&1 &
    plain_wrk=$!
}
stop_load() {
    kill -INT "$hook_wrk" "$plain_wrk"
    wait "$hook_wrk" "$plain_wrk" || true
}
field() { # FILE KEY: a key=value of the latency_us line
    grep '^latency_us' "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k {print $2}'
}
errors_seen=0
total_failed=0
report() { # CASE KILLS (services killed in the case)
    local f
    for f in hook plain; do
        grep -q '^latency_us' "$work/$f.wrk" || { echo "chaos: no wrk summary for $f:" >&2; cat "$work/$f.wrk" >&2; exit 1; }
    done
    local requests non2xx sock plain_sock failed p99
    requests=$(field "$work/hook.wrk" requests)
    non2xx=$(field "$work/hook.wrk" non2xx3xx)
    sock=$(($(field "$work/hook.wrk" socket_errors) + $(field "$work/hook.wrk" timeouts)))
    plain_sock=$(($(field "$work/plain.wrk" socket_errors) + $(field "$work/plain.wrk" timeouts)))
    failed=$((non2xx + (sock > plain_sock ? sock - plain_sock : 0)))
    p99=$(awk -v us="$(field "$work/hook.wrk" p99)" 'BEGIN {printf "%.2f", us / 1000}')
    echo "chaos: case=$1 requests=$requests failed=$failed socket_errors=$sock p99_ms=$p99"
    total_failed=$((total_failed + failed))
    [ "$requests" -gt 0 ] || { echo "chaos: case=$1 sent no request" >&2; total_failed=$((total_failed + 1)); }
    # nginx's own error lines since the case began: the hook logs a down replica itself (warn).
    # Except one that nginx core writes whatever lua_socket_log_errors says (lua-nginx-module
    # gives every cosocket log_error ERR): a reset of each connection that had bytes in flight
    # when a service died. 2-4 per kill are seen (each worker's ResolveStream, now and then a
    # pooled connection); allowed: 3 per worker and kill, far below one per request.
    local lines resets bad
    lines=$(tail -n +"$log_from" "$work/nginx/error.log" | grep -E '\[(error|crit|alert|emerg)\]' || true)
    resets=$(grep -c 'recv() failed (104: Connection reset by peer)' <<< "$lines" || true)
    bad=$(grep -v 'recv() failed (104: Connection reset by peer)' <<< "$lines" || true)
    if [ -n "$bad" ] || [ "$resets" -gt $((3 * 2 * $2)) ]; then
        echo "chaos: case=$1 nginx error log ($resets resets, at most $((3 * 2 * $2)) expected):" >&2
        echo "$lines" | head -5 >&2
        errors_seen=$((errors_seen + $(wc -l <<< "$lines")))
    elif [ "$resets" -gt 0 ]; then
        echo "   ($1: $resets connection reset(s) logged by nginx core, one per connection in flight)" >&2
    fi
}
begin_case() { # CASE REPLICA: sets the state through that replica, then starts the load
    log "case $1"
    set_flag "$2"
    log_from=$(($(wc -l < "$work/nginx/error.log") + 1))
    start_load
    sleep "$WINDOW_S" # the load before the fault
}
end_case() { # CASE REPLICA [KILLS]
    sleep "$WINDOW_S" # the load after the recovery
    stop_load
    report "$1" "${3:-0}"
    check_state "$1" "$2"
}

log "redis-server, replica a, nginx (replicas a then b) on 127.0.0.1:$http_port"
start_redis
start_service a
start_hook_nginx "$work/nginx" "$http_port" "127.0.0.1:${GRPC[a]} 127.0.0.1:${GRPC[b]}" "$work/tree" 150
curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/debian/$(head -1 "$work/files")" | grep -qx 302 \
    || { echo "chaos: no 302 through the hook" >&2; exit 1; }
scan a

begin_case service-kill9 a
kill9 a
start_service a
end_case service-kill9 a 1

begin_case service-sigstop a
kill -STOP "${PID[a]}"
sleep "$STOP_S" # the deliberate stop
kill -CONT "${PID[a]}"
end_case service-sigstop a

begin_case nginx-reload a
workers_before=$(pgrep -P "$(cat "$work/nginx/nginx.pid")" | sort | tr '\n' ' ')
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" -s reload
new_workers() { # the reloaded master's workers are all new, the old ones gone
    local now
    now=$(pgrep -P "$(cat "$work/nginx/nginx.pid")" | sort | tr '\n' ' ')
    [ -n "$now" ] && [ -z "$(comm -12 <(tr ' ' '\n' <<< "$now") <(tr ' ' '\n' <<< "$workers_before"))" ]
}
wait_for "nginx's reloaded workers" 30 new_workers
end_case nginx-reload a

begin_case redis-kill9 a
kill9 redis
start_redis
end_case redis-kill9 a

begin_case redis-flushall a
redis-cli -p "$redis_port" flushall > /dev/null
# the service sees the store came back empty (a new store id) and writes its state again
rewritten() { [ "$(redis-cli -p "$redis_port" hlen mg:states)" -gt 0 ]; }
wait_for "the state written again to Redis" 60 rewritten
end_case redis-flushall a

log "replica b"
start_service b
begin_case replica-kill9 a
kill9 a
start_service a
end_case replica-kill9 a 1
check_state replica-kill9 b

log "embedded store: replica c on a's port"
stop_service a
stop_service b
start_service c
scan c
begin_case scan-kill9 c
: > "$work/hold"
mg c scan m-scan > "$work/held-scan.out" 2>&1 &
scan_cli=$!
wait_for "the scan under way" 60 test -e "$work/scan-started"
kill9 c
rm "$work/hold"
exec 4<> "$work/release"
echo >&4 # lets the hung rsync stand-in end
exec 4>&-
wait "$scan_cli" 2> /dev/null || true
start_service c
end_case scan-kill9 c 1

echo "chaos: failed=$total_failed"
[ "$lost" -eq 0 ] || echo "chaos: state lost in $lost check(s)" >&2
[ "$errors_seen" -eq 0 ] || echo "chaos: $errors_seen nginx error line(s)" >&2
if [ "$total_failed" -eq 0 ] && [ "$lost" -eq 0 ] && [ "$errors_seen" -eq 0 ]; then
    ok=true
    exit 0
fi
exit 1
