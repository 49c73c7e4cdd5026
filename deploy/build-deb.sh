#!/usr/bin/env bash
# build-deb.sh: builds the Debian package target/mirrorgate_VERSION_all.deb with dpkg-deb.
#
#   deploy/build-deb.sh            (builds target/mirrorgate.jar first when it is missing or stale)
#
# VERSION comes from pom.xml: 0.1.0 as is; 0.1.0-SNAPSHOT becomes 0.1.0~snapshot+gitDATE.HASH
# ('~' sorts before the release, the commit date orders snapshots). Install it with
#   apt-get install ./target/mirrorgate_*.deb
# Layout (dpkg -c): the jar and the Lua hook under /usr/share/mirrorgate, the /usr/bin/mirrorgate
# wrapper, mirrorgate.service, and, as conffiles, /etc/mirrorgate/mirrorgate.yaml (deploy/mirrorgate.yaml),
# /etc/default/mirrorgate and the nginx pieces (conf.d/mirrorgate.conf inactive until uncommented).
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/lib/common.sh
command -v dpkg-deb >/dev/null || { echo "build-deb.sh: dpkg-deb is required (apt-get install dpkg)" >&2; exit 1; }

# The project version: the first <version> after <artifactId>mirrorgate</artifactId>.
pom_version=$(sed -n '/<artifactId>mirrorgate<\/artifactId>/{n;s/.*<version>\(.*\)<\/version>.*/\1/p;q}' pom.xml)
[ -n "$pom_version" ] || { echo "build-deb.sh: no project version in pom.xml" >&2; exit 1; }
version=$pom_version
if [[ $pom_version == *-SNAPSHOT ]]; then
    version="${pom_version%-SNAPSHOT}~snapshot"
    if git rev-parse --git-dir >/dev/null 2>&1; then
        version="$version+git$(TZ=UTC git log -1 --date=format-local:%Y%m%d%H%M%S --format=%cd).$(git rev-parse --short=8 HEAD)"
    fi
fi

if [ ! -f target/mirrorgate.jar ] || [ -n "$(find src proto pom.xml -newer target/mirrorgate.jar -print -quit)" ]; then
    ensure_java_maven
    echo "building target/mirrorgate.jar ..." >&2
    mvn -q -B -ntp -DskipTests package
fi

stage=target/deb/mirrorgate
rm -rf target/deb
mkdir -p "$stage/DEBIAN"
put() { # put MODE SOURCE DEST: copies SOURCE to $stage/DEST with MODE.
    install -D -m "$1" "$2" "$stage/$3"
}
put 0644 target/mirrorgate.jar usr/share/mirrorgate/mirrorgate.jar
for f in lua/mirrorgate/*.lua; do
    put 0644 "$f" "usr/share/mirrorgate/$f"
done
put 0755 deploy/debian/mirrorgate usr/bin/mirrorgate
put 0755 deploy/debian/wait-serving usr/share/mirrorgate/wait-serving
put 0644 deploy/systemd/mirrorgate.service lib/systemd/system/mirrorgate.service
put 0644 deploy/default/mirrorgate etc/default/mirrorgate
put 0644 deploy/mirrorgate.yaml etc/mirrorgate/mirrorgate.yaml
put 0644 deploy/debian/nginx-snippet.conf etc/nginx/snippets/mirrorgate.conf
put 0644 nginx/mirrorgate-status.conf etc/nginx/snippets/mirrorgate-status.conf
put 0644 README.md usr/share/doc/mirrorgate/README.md
put 0644 docs/nginx.md usr/share/doc/mirrorgate/nginx.md
put 0644 deploy/debian/copyright usr/share/doc/mirrorgate/copyright
# Bash completion and mirrorgate(1), written from the CLI's own picocli definitions by the built jar.
cli_docs=$(mktemp -d)
java -cp target/mirrorgate.jar org.mirrorgate.cli.CliDocs "$cli_docs"
put 0644 "$cli_docs/mirrorgate.bash" usr/share/bash-completion/completions/mirrorgate
gzip -9n "$cli_docs/mirrorgate.1"
put 0644 "$cli_docs/mirrorgate.1.gz" usr/share/man/man1/mirrorgate.1.gz
rm -rf "$cli_docs"

# conf.d/mirrorgate.conf: the http-level piece rendered for the package's paths, with every line
# commented out by one '#' (comments get '##'), so installing never changes a running nginx
# (which may not even load the Lua module) and `sed -i 's/^#//'` turns it on as rendered.
render=$(mktemp -d)
trap 'rm -rf "$render"' EXIT
MG_ROOT=/srv/mirror/debian MG_URL_PREFIX=/ MG_REPLICAS="127.0.0.1:7390" MG_LUA_DIR=/usr/share/mirrorgate/lua \
    nginx/render.sh "$render" >/dev/null
{
    cat deploy/debian/nginx-conf-header.conf
    sed -e 's/^./#&/' "$render/mirrorgate-http.conf"
} >"$render/conf.d"
put 0644 "$render/conf.d" etc/nginx/conf.d/mirrorgate.conf

for f in postinst prerm postrm; do
    put 0755 "deploy/debian/$f" "DEBIAN/$f"
done
put 0644 deploy/debian/conffiles DEBIAN/conffiles
installed_size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$installed_size/" deploy/debian/control.in >"$stage/DEBIAN/control"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) >"$stage/DEBIAN/md5sums"

deb="target/mirrorgate_${version}_all.deb"
rm -f target/mirrorgate_*_all.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
