#!/usr/bin/env bash
# Proves the README's first command from a clone nobody else may read: clones this repository
# into a mode-700 directory (as root's home is on a fresh Debian machine) and runs
# `deploy/run-example.sh --check` there: a 302 to a mirror and a 200 from nginx, through the Lua
# hook, with nginx's workers reading the Lua modules, the tree and the Unix socket from inside it.
# Clones the committed HEAD; reuses target/mirrorgate.jar when there is one (no second build).
# Usage: deploy/lib/check-private-clone.sh   (CI runs it from .ci/run)
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/mirrorgate-private-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -m 700 "$tmp/home"
chmod 700 "$tmp"
git clone -q "$src" "$tmp/home/mirrorgate"
git -C "$tmp/home/mirrorgate" checkout -q --detach "$(git -C "$src" rev-parse HEAD)"
if [ -f "$src/target/mirrorgate.jar" ]; then
    mkdir -p "$tmp/home/mirrorgate/target"
    cp "$src/target/mirrorgate.jar" "$tmp/home/mirrorgate/target/"   # newer than the clone's sources
fi
echo "check-private-clone: $tmp/home (mode $(stat -c %a "$tmp/home")), as $(id -un)"
"$tmp/home/mirrorgate/deploy/run-example.sh" --check
