#!/bin/sh
# The Lua test entry point: lint (luacheck, std ngx_lua) and the busted specs (codecs against
# the Java-written vectors, the h2/gRPC client against scripted sockets, the breaker).
# The behaviour inside a real nginx is tested by the Java ITs (src/test/java/org/mirrorgate/nginx).
# Usage: lua/run-tests.sh   (from anywhere; exits non-zero on any finding or failure)
set -eu
cd "$(dirname "$0")"
luacheck --no-color --formatter plain .
busted "$@"
