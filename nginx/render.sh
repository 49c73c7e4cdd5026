#!/bin/sh
# Renders the mirrorgate nginx pieces into a directory, from environment settings.
#
#   MG_ROOT=/srv/mirror/debian MG_URL_PREFIX=/debian/ MG_REPLICAS="127.0.0.1:7390" \
#       nginx/render.sh /etc/nginx/mirrorgate
#   # a co-located service on its Unix socket first, a remote replica after it (failover):
#   MG_ROOT=/srv/mirror/debian MG_REPLICAS="unix:/run/mirrorgate/grpc.sock 10.0.0.2:7390" \
#       nginx/render.sh /etc/nginx/mirrorgate
#
# Writes to OUT_DIR: mirrorgate-http.conf (include in http {}), mirrorgate-server.conf (example
# server), mirrorgate-status.conf (optional status location), nginx.conf (standalone config for
# tests and demos, runs from OUT_DIR with its workers as the invoking user, root included) and
# OUT_DIR/tmp/. Prints the command
# that starts the standalone config. Settings (environment, default in brackets):
#
#   MG_ROOT              repository tree served by nginx (required)
#   MG_URL_PREFIX        URL path of the tree, starts and ends with '/' [/]
#   MG_REPLICAS          space-separated mirrorgate replicas, tried in order: host:port, [v6]:port
#                        or unix:/absolute/path (a co-located service's Unix socket) [127.0.0.1:7390]
#   MG_TIMEOUT_MS        decision budget in ms, then fail open [150]
#   MG_BREAKER_FAILURES  consecutive failures that open a replica's breaker [5]
#   MG_BREAKER_OPEN_S    seconds a replica is skipped once its breaker opened [5]
#   MG_FALLBACK_URL      base URL for failed-open requests, "" = serve locally [""]
#   MG_BATCH             gather concurrent decisions into batches (ResolveStream): true or false [true]
#   MG_HTTP_LISTEN       listen address for HTTP/1.1 ("" for none) [80]
#   MG_H2C_LISTEN        listen address for cleartext HTTP/2 with prior knowledge [none]
#   MG_TLS_LISTEN        listen address for HTTPS with HTTP/2 [none]; needs MG_TLS_CERT, MG_TLS_KEY
#   MG_SERVER_NAME       server_name [_]
#   MG_LUA_DIR           directory holding mirrorgate/*.lua [the lua/ next to this script]
#   MG_WORKERS           worker_processes of the standalone config [auto]
#   MG_USER              user the standalone config's workers run as, when nginx starts as root
#                        [the invoking user: root's own checkout under a mode-700 /root stays readable]
#   MG_LOG_LEVEL         error_log level of the standalone config [info]
#   MG_ACCESS_LOG        access_log of the standalone config ["off"]
#   MG_MODULES_DIR       where ndk_http_module.so and ngx_http_lua_module.so are [/usr/share/nginx/modules]
#   MG_MIME_TYPES        mime.types file [/etc/nginx/mime.types]
set -eu

if [ $# -ne 1 ]; then
    echo "usage: MG_ROOT=... $0 OUT_DIR" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1/tmp"
out=$(cd "$1" && pwd)

: "${MG_ROOT:?MG_ROOT must name the repository tree}"
export MG_ROOT="${MG_ROOT%/}"
export MG_URL_PREFIX="${MG_URL_PREFIX:-/}"
export MG_TIMEOUT_MS="${MG_TIMEOUT_MS:-150}"
export MG_BREAKER_FAILURES="${MG_BREAKER_FAILURES:-5}"
export MG_BREAKER_OPEN_S="${MG_BREAKER_OPEN_S:-5}"
export MG_FALLBACK_URL="${MG_FALLBACK_URL:-}"
export MG_BATCH="${MG_BATCH:-true}"
export MG_SERVER_NAME="${MG_SERVER_NAME:-_}"
export MG_LUA_DIR="${MG_LUA_DIR:-$(cd "$here/../lua" && pwd)}"
export MG_WORKERS="${MG_WORKERS:-auto}"
export MG_LOG_LEVEL="${MG_LOG_LEVEL:-info}"
export MG_ACCESS_LOG="${MG_ACCESS_LOG:-off}"
export MG_MODULES_DIR="${MG_MODULES_DIR:-/usr/share/nginx/modules}"
export MG_MIME_TYPES="${MG_MIME_TYPES:-/etc/nginx/mime.types}"
export MG_CONF_DIR="$out"
# Started as root, nginx runs its workers as "nobody" unless told otherwise, and nobody cannot
# read a checkout in a mode-700 home (/root on a fresh Debian machine): the Lua modules ("module
# 'mirrorgate.access' not found", a 500 for every request), the repository and the Unix socket
# would all be out of reach. So the standalone config names the invoking user. Started by
# anyone else, nginx cannot switch users and would only warn about the directive: none then.
MG_USER="${MG_USER-$(id -un)}"
if [ "$(id -u)" -eq 0 ] && [ -n "$MG_USER" ]; then
    export MG_USER_DIRECTIVE="user $MG_USER;"
else
    export MG_USER_DIRECTIVE="# (no user directive: workers run as the user starting nginx)"
fi
export MG_RUN_DIR="$out"

replicas=""
for r in ${MG_REPLICAS:-127.0.0.1:7390}; do
    replicas="$replicas${replicas:+, }\"$r\""
done
export MG_REPLICAS="$replicas"

listen=""
nl='
'
if [ -n "${MG_HTTP_LISTEN-80}" ]; then
    listen="    listen ${MG_HTTP_LISTEN-80};"
fi
if [ -n "${MG_H2C_LISTEN:-}" ]; then
    listen="$listen$nl    listen $MG_H2C_LISTEN http2;"
fi
if [ -n "${MG_TLS_LISTEN:-}" ]; then
    : "${MG_TLS_CERT:?MG_TLS_LISTEN needs MG_TLS_CERT}" "${MG_TLS_KEY:?MG_TLS_LISTEN needs MG_TLS_KEY}"
    listen="$listen$nl    listen $MG_TLS_LISTEN ssl http2;"
    listen="$listen$nl    ssl_certificate $MG_TLS_CERT;$nl    ssl_certificate_key $MG_TLS_KEY;"
fi
export MG_LISTEN="$listen"

# Literal substitution of @MG_NAME@ by $MG_NAME (no sed: values hold '/', '&' and newlines).
render() {
    awk '{
        line = $0; out = ""
        while (match(line, /@MG_[A-Z0-9_]+@/)) {
            name = substr(line, RSTART + 1, RLENGTH - 2)
            if (!(name in ENVIRON)) { print "render.sh: " name " is not set" > "/dev/stderr"; exit 1 }
            out = out substr(line, 1, RSTART - 1) ENVIRON[name]
            line = substr(line, RSTART + RLENGTH)
        }
        print out line
    }' "$here/$1.in" > "$out/$1"
}
render mirrorgate-http.conf
render mirrorgate-server.conf
render nginx.conf
cp "$here/mirrorgate-status.conf" "$out/mirrorgate-status.conf"

echo "nginx -p $out -c $out/nginx.conf -e $out/error.log"
