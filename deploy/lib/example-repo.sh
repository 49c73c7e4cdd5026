#!/usr/bin/env bash
# Generates a small Debian-shaped example repository in DIR (idempotent): pool packages of a few
# sizes (random bytes; a file with spaces and unicode in its name among them), a Packages index
# that names them with their sizes and SHA-256, its .xz, the by-hash copies of both
# (dists/sid/main/binary-amd64/by-hash/SHA256/<digest>: immutable names, so any mirror holding one
# has the right bytes), a Release listing every index with "Acquire-By-Hash: yes", an InRelease
# (the Release, unsigned: an example, not an archive apt should trust) and the archive's trace file.
set -euo pipefail
dir=${1:?usage: example-repo.sh DIR}
[ -f "$dir/.mirrorgate-example" ] && exit 0
idx=dists/sid/main/binary-amd64
mkdir -p "$dir/$idx/by-hash/SHA256" "$dir/pool/main/h/hello" "$dir/pool/main/a/apt" \
    "$dir/pool/contrib/s/spaced name" "$dir/project/trace"
head -c 53000 /dev/urandom >"$dir/pool/main/h/hello/hello_2.10-3_amd64.deb"
head -c 1600000 /dev/urandom >"$dir/pool/main/a/apt/apt_2.6.1_amd64.deb"
head -c 3000 /dev/urandom >"$dir/pool/contrib/s/spaced name/grüße 1.0.deb"

stanza() { # PACKAGE VERSION FILE
    printf 'Package: %s\nVersion: %s\nArchitecture: amd64\nFilename: %s\nSize: %s\nSHA256: %s\n\n' \
        "$1" "$2" "$3" "$(stat -c %s "$dir/$3")" "$(sha256sum "$dir/$3" | cut -d' ' -f1)"
}
{
    stanza hello 2.10-3 pool/main/h/hello/hello_2.10-3_amd64.deb
    stanza apt 2.6.1 pool/main/a/apt/apt_2.6.1_amd64.deb
    stanza grüße 1.0 "pool/contrib/s/spaced name/grüße 1.0.deb"
} >"$dir/$idx/Packages"
xz -9 -k -c "$dir/$idx/Packages" >"$dir/$idx/Packages.xz"
for f in Packages Packages.xz; do
    cp "$dir/$idx/$f" "$dir/$idx/by-hash/SHA256/$(sha256sum "$dir/$idx/$f" | cut -d' ' -f1)"
done
{
    printf 'Origin: mirrorgate example\nSuite: sid\nCodename: sid\nDate: %s\n' "$(date -u -R)"
    printf 'Architectures: amd64\nComponents: main contrib\nAcquire-By-Hash: yes\nSHA256:\n'
    for f in Packages Packages.xz; do
        printf ' %s %8s %s\n' "$(sha256sum "$dir/$idx/$f" | cut -d' ' -f1)" "$(stat -c %s "$dir/$idx/$f")" \
            "main/binary-amd64/$f"
    done
} >"$dir/dists/sid/Release"
cp "$dir/dists/sid/Release" "$dir/dists/sid/InRelease"
date -u +%s >"$dir/project/trace/master"
touch "$dir/.mirrorgate-example"
