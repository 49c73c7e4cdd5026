#!/usr/bin/env bash
# Generates a small Debian-shaped example repository in DIR (idempotent): dists metadata, pool
# packages of a few sizes, and a file with spaces and unicode in its name.
set -euo pipefail
dir=${1:?usage: example-repo.sh DIR}
[ -f "$dir/.mirrorgate-example" ] && exit 0
mkdir -p "$dir/dists/sid/main/binary-amd64" "$dir/pool/main/h/hello" "$dir/pool/main/a/apt" \
    "$dir/pool/contrib/s/spaced name" "$dir/project/trace"
head -c 2048 /dev/urandom >"$dir/dists/sid/InRelease"
head -c 1500 /dev/urandom >"$dir/dists/sid/Release"
head -c 40000 /dev/urandom >"$dir/dists/sid/main/binary-amd64/Packages.xz"
head -c 53000 /dev/urandom >"$dir/pool/main/h/hello/hello_2.10-3_amd64.deb"
head -c 1600000 /dev/urandom >"$dir/pool/main/a/apt/apt_2.6.1_amd64.deb"
head -c 3000 /dev/urandom >"$dir/pool/contrib/s/spaced name/grüße 1.0.deb"
date -u +%s >"$dir/project/trace/master"
touch "$dir/.mirrorgate-example"
