#!/usr/bin/env bash
# Runs every test of mirrorgate: Lua lint and specs, Java unit tests, the integration tests that
# start real nginx, redis-server, rsync and FTP servers on free loopback ports, and the quick
# chaos run (bench/chaos.sh --quick: faults under load through the real nginx, hook and service).
# Installs what is missing (Debian packages) first. Usage: deploy/test.sh [extra mvn args]
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/lib/common.sh

ensure_java_maven
ensure_packages nginx libnginx-mod-http-lua lua-resty-core lua-check lua-busted \
    redis-server redis-tools rsync vsftpd wrk openssl curl ca-certificates apt-utils gpg dpkg-dev xz-utils \
    chromium   # PagesBrowserIT loads the pages in headless chromium (skipped, with a message, without it)

if [ -x lua/run-tests.sh ]; then
    lua/run-tests.sh
fi
mvn -B -ntp verify "$@"
bench/chaos.sh --quick   # uses the target/mirrorgate.jar verify just built; fails on any failed request
