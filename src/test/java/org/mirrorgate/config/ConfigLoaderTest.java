package org.mirrorgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mirrorgate.geo.GeoSettings;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.rank.PathPolicy;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.repo.RepositorySettings;
import org.mirrorgate.resolve.ResolveSettings;
import org.mirrorgate.scan.ScanSettings;
import org.mirrorgate.store.StoreSettings;

class ConfigLoaderTest {

    private static MirrorgateConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, "test.yaml", Path.of("/etc/mirrorgate"));
    }

    private static ConfigException problems(String yaml) {
        return catchThrowableOfType(ConfigException.class, () -> parse(yaml));
    }

    @Test
    void aMinimalConfigGetsEveryDefault() {
        MirrorgateConfig c = parse("repository: {root: /srv/debian}\n");
        assertThat(c.repository().root()).isEqualTo(Path.of("/srv/debian"));
        assertThat(c.repository().scanInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.repository().deletedGrace()).isEqualTo(Duration.ofDays(3));
        assertThat(c.listen().grpc().toString()).isEqualTo("127.0.0.1:7390");
        assertThat(c.resolve().urlPrefix()).isEqualTo("/");
        assertThat(c.resolve().maxAlternates()).isEqualTo(5);
        assertThat(c.mirrors()).isEmpty();
    }

    @Test
    void absentSectionsAreTheDomainDefaults() {
        MirrorgateConfig c = parse("repository: {root: /srv/debian}\n");
        assertThat(c.repository().scan()).isEqualTo(RepositorySettings.defaults(Path.of("/srv/debian")));
        assertThat(c.listen()).isEqualTo(MirrorgateConfig.Listen.DEFAULTS);
        assertThat(c.resolve()).isEqualTo(ResolveSettings.DEFAULTS);
        assertThat(c.rank()).isEqualTo(RankSettings.DEFAULTS);
        assertThat(c.geo()).isEqualTo(GeoSettings.DEFAULTS);
        assertThat(c.scan()).isEqualTo(ScanSettings.DEFAULTS);
        assertThat(c.store()).isEqualTo(StoreSettings.DEFAULTS);
    }

    @Test
    void thePublicMirrorListIsOffByDefaultAndAtAPathUnderThePrefixWhenSet() {
        assertThat(parse("repository: {root: /srv/debian}\n").pages().mirrorsJson()).isNull();
        assertThat(parse("repository: {root: /srv/debian, url-prefix: /debian/}\npages: {mirrors-json: /mirrors.json}\n")
                .pages().mirrorsJson()).isEqualTo("mirrors.json");
    }

    @Test
    void aPublicMirrorListPathThatIsNoPlainFileOrTheAptListsIsAConfigProblem() {
        assertThat(problems("repository: {root: /srv/debian}\npages: {mirrors-json: mirrors.json}\n").problems())
                .singleElement().asString().startsWith("pages.mirrors-json: mirrors.json (expected: \"\" (off) or a file"
                        + " path under repository.url-prefix starting with '/'");
        assertThat(problems("repository: {root: /srv/debian}\npages: {mirrors-json: /../etc/passwd}\n").problems())
                .singleElement().asString().startsWith("pages.mirrors-json: /../etc/passwd (expected:");
        assertThat(problems("repository: {root: /srv/debian, url-prefix: /debian/}\n"
                + "resolve: {apt-mirror-list: \"http://deb.example.org/debian/mirrors.txt\"}\n"
                + "pages: {mirrors-json: /mirrors.txt}\n").problems())
                .singleElement().asString().isEqualTo("pages.mirrors-json: /mirrors.txt (expected: a path other than"
                        + " resolve.apt-mirror-list's (mirrors.txt))");
    }

    @Test
    void geoipFilesTheGeoRecordRefusesAreConfigProblems() {
        assertThat(problems("repository: {root: /srv/debian}\ngeoip: {city-databases: [a.mmdb, b.mmdb, c.mmdb]}\n")
                .problems()).singleElement().asString().startsWith("geoip: (invalid) (expected: geoip.city-databases: ");
    }

    @Test
    void readsMirrorsFallbacksAndPolicies() {
        MirrorgateConfig c = parse("""
                repository: {root: data, url-prefix: /debian/}
                mirrors:
                  - name: m1
                    http-url: http://m1.example.org/debian
                    https-url: https://m1.example.org/debian/
                    rsync-url: rsync://m1.example.org/debian/
                    countries: [de, AT]
                    continent: eu
                    asns: [3320, AS680]
                    prefixes: [192.0.2.0/24]
                    score: -20
                    capacity: 2.5
                    max-mbps: 800
                    latitude: 52.5
                    longitude: 13.4
                fallbacks:
                  - {name: origin, https-url: https://deb.example.org/debian/, country: DE, continent: EU}
                policies:
                  - {match: "dists/**/InRelease", policy: local}
                  - {match: "dists/**", policy: allow-outdated, minutes: 90}
                  - {match: "**", policy: local, smaller-than: 4KiB}
                """);
        assertThat(c.repository().root()).isEqualTo(Path.of("/etc/mirrorgate/data"));
        var m = c.mirrors().get(0);
        assertThat(m.httpUrl()).hasToString("http://m1.example.org/debian/");
        assertThat(m.countries()).containsExactly("DE", "AT");
        assertThat(m.continent()).isEqualTo("EU");
        assertThat(m.asns()).containsExactlyInAnyOrder(3320, 680);
        assertThat(m.capacity()).isEqualTo(2.5);
        assertThat(m.maxMbps()).isEqualTo(800);
        assertThat(c.fallbacks().get(0).httpsBase()).isEqualTo("https://deb.example.org/debian/");
        assertThat(c.policies().policyFor("dists/sid/main/by-hash/SHA256/00ab", 100_000))
                .isEqualTo(new PathPolicy(PathPolicy.Kind.ALLOW_OUTDATED, 90 * 60_000, "dists/**"));
        assertThat(c.policies().policyFor("dists/sid/main/Packages", 100_000).kind())
                .as("release metadata is never served outdated").isEqualTo(PathPolicy.Kind.STRICT);
        assertThat(c.policies().warnings()).as("InRelease local, its indexes redirected; allow-outdated capped")
                .hasSize(2);
        assertThat(c.policies().policyFor("pool/a.deb", 100).kind()).isEqualTo(PathPolicy.Kind.LOCAL);
    }

    @Test
    void aMirrorsSponsorAdminAndCommentAreReadAndBadOnesRefused() {
        MirrorSpec m = ConfigLoader.parseMirror("""
                {name: m1, https-url: "https://m1.example.org/", sponsor-name: Example University,
                 sponsor-url: "https://www.example.edu/mirror?from=list", sponsor-logo: "https://www.example.edu/logo.png",
                 admin-name: Mirror Team, admin-email: mirrors@example.edu, comment: "10 Gbit/s"}""", true);
        assertThat(m.about()).isEqualTo(new MirrorSpec.About("Example University",
                java.net.URI.create("https://www.example.edu/mirror?from=list"),
                java.net.URI.create("https://www.example.edu/logo.png"), "Mirror Team", "mirrors@example.edu", "10 Gbit/s"));
        assertThat(ConfigLoader.parseMirror("{name: m2, https-url: \"https://m2.example.org/\"}", true).about())
                .isEqualTo(MirrorSpec.About.NONE);
        assertThatThrownBy(() -> ConfigLoader.parseMirror("""
                {name: m1, https-url: "https://m1.example.org/", sponsor-url: "javascript:alert(1)",
                 sponsor-logo: "https://user@example.org/x.png", admin-email: "not an address",
                 sponsor-name: "a\\nb", comment: "%s"}""".formatted("x".repeat(2001)), true))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "sponsor-name: a\nb (expected: text of at most 200 characters on one line)",
                        "sponsor-url: javascript:alert(1) (expected: an absolute http:// or https:// URL with a host and no user info)",
                        "sponsor-logo: https://user@example.org/x.png (expected: an absolute http:// or https:// URL with a host and no user info)",
                        "admin-email: not an address (expected: an e-mail address such as mirrors@example.org)",
                        "comment: " + "x".repeat(60) + "... (expected: text of at most 2000 characters on one line)"));
    }

    @Test
    void reportsEveryProblemPreciselyAtOnce() {
        ConfigException e = problems("""
                repository: {scan-interval: 5x, hashes: [sha256, crc32]}
                listen: {grpc: "localhost", grpc-socket: "run/grpc.sock"}
                resolve: {max-alternates: 99}
                mirrors:
                  - name: m1
                    http-url: ftp://m1/
                    score: 5000
                    countries: [Germany]
                  - name: m1
                    https-url: https://m2/?x=1
                    tyop: true
                policies:
                  - {match: "/abs/**", policy: fast}
                """);
        assertThat(e.problems()).containsExactlyInAnyOrder(
                "repository.root: (missing) (expected: the directory holding the local copy of the archive)",
                "repository.scan-interval: 5x (expected: a duration such as 150ms, 30s, 5m, 6h, 3d)",
                "repository.hashes[1]: crc32 (expected: sha256, sha1 or md5)",
                "listen.grpc: localhost (expected: host:port, e.g. 127.0.0.1:7390 or [::1]:7390 (port 0 = any free port))",
                "listen.grpc-socket: run/grpc.sock (expected: an absolute path of at most 107 bytes, e.g."
                        + " /run/mirrorgate/grpc.sock, or \"\" for none)",
                "resolve.max-alternates: 99 (expected: a whole number, 0 .. 50)",
                "mirrors[0].http-url: ftp://m1/ (expected: an absolute http:// URL with a host, no query, fragment or user info)",
                "mirrors[0].countries[0]: Germany (expected: ISO 3166-1 alpha-2 codes such as DE)",
                "mirrors[0].score: 5000 (expected: a whole number, -100 .. 1000)",
                "mirrors[1].name: m1 (expected: a name not used by another entry)",
                "mirrors[1].https-url: https://m2/?x=1 (expected: an absolute https:// URL with a host, no query, fragment or user info)",
                "mirrors[1].tyop: unknown key (expected one of: name, http-url, https-url, rsync-url, ftp-url, countries,"
                        + " continent, asns, prefixes, country-only, continent-only, asn-only, excluded-countries, score,"
                        + " capacity, max-mbps, enabled, trusted, latitude, longitude, families, sponsor-name, sponsor-url,"
                        + " sponsor-logo, admin-name, admin-email, comment, scan-interval, scan-via,"
                        + " mtime-precision,"
                        + " tz-offset, trace-url, allow-redirects)",
                "policies[0].policy: fast (expected: one of strict, allow-outdated, local, mirror-only)",
                "policies[0].match: /abs/** (expected: a glob relative to the repository root (no leading '/'): * ** ?)");
        assertThat(e.getMessage()).startsWith("test.yaml: 14 problems\n  ");
    }

    @Test
    void aMirrorsAddressFamiliesAreOneValueOrAListAndAbsentMeansLearned() {
        MirrorgateConfig c = parse("""
                repository: {root: /srv/debian}
                mirrors:
                  - {name: v4, http-url: "http://v4.example.org/", families: ipv4}
                  - {name: v6, http-url: "http://v6.example.org/", families: [ipv6]}
                  - {name: dual, http-url: "http://dual.example.org/", families: [ipv4, ipv6]}
                  - {name: both, http-url: "http://both.example.org/", families: BOTH}
                  - {name: learned, http-url: "http://learned.example.org/"}
                  - {name: literal, http-url: "http://[2001:db8::1]/debian/", families: ipv6}
                """);
        assertThat(c.mirrors()).extracting(m -> m.families().label())
                .containsExactly("ipv4", "ipv6", "both", "both", "unknown", "ipv6");
    }

    @Test
    void badAddressFamiliesAreRefusedWithTheKeyAndWhatIsExpected() {
        ConfigException e = problems("""
                repository: {root: /srv/debian}
                mirrors:
                  - {name: a, http-url: "http://a.example.org/", families: ipv5}
                  - {name: b, http-url: "http://b.example.org/", families: []}
                  - {name: c, http-url: "http://c.example.org/", families: [ipv4, 6to4]}
                  - {name: d, http-url: "http://192.0.2.7/debian/", families: ipv6}
                  - {name: e, http-url: "http://e.example.org/", families: {ipv4: true}}
                """);
        String expected = "ipv4, ipv6 or both, or a list such as [ipv4, ipv6]";
        assertThat(e.problems()).containsExactlyInAnyOrder(
                "mirrors[0].families: ipv5 (expected: " + expected + ")",
                "mirrors[1].families: [] (expected: " + expected + ")",
                "mirrors[2].families[1]: 6to4 (expected: " + expected + ")",
                "mirrors[3].families: ipv6 (expected: a list including ipv4: 192.0.2.7 in http-url is an ipv4 address)",
                "mirrors[4].families: a mapping (expected: a string)");
    }

    @Test
    void refusesInvalidYamlWithItsLine() {
        assertThat(problems("repository: [\n").problems().get(0)).startsWith("not valid YAML:");
    }

    @Test
    void aSectionGivenTwiceIsRefusedWithBothLines() {
        ConfigException e = problems("""
                repository: {root: /srv/debian}
                listen:
                  grpc: 127.0.0.1:7390
                admin: {}
                listen:
                  grpc: 0.0.0.0:7390
                """);
        assertThat(e.problems()).containsExactly("listen: given twice in one mapping, at lines 2 and 5 (expected:"
                + " each key once; merge the two into one, as only the last would count)");
        assertThat(e.getMessage()).startsWith("test.yaml: 1 problem");
    }

    @Test
    void aKeyGivenTwiceInsideASectionOrAListItemIsRefusedWithItsPath() {
        ConfigException e = problems("""
                repository:
                  root: /srv/debian
                  url-prefix: /debian/
                  url-prefix: /
                mirrors:
                  - {name: a, http-url: "http://a.example/"}
                  - name: b
                    http-url: "http://b.example/"
                    name: c
                """);
        assertThat(e.problems()).containsExactly(
                "repository.url-prefix: given twice in one mapping, at lines 3 and 4 (expected: each key once;"
                        + " merge the two into one, as only the last would count)",
                "mirrors[1].name: given twice in one mapping, at lines 7 and 9 (expected: each key once;"
                        + " merge the two into one, as only the last would count)");
    }

    @Test
    void theSameKeyInDifferentMappingsIsNoDuplicate() {
        MirrorgateConfig c = parse("""
                repository: {root: /srv/debian}
                mirrors:
                  - {name: a, http-url: "http://a.example/", countries: [DE]}
                  - {name: b, http-url: "http://b.example/"}
                policies:
                  - {match: "a/**", policy: local}
                  - {match: "b/**", policy: local}
                """);
        assertThat(c.mirrors()).hasSize(2);
    }

    @Test
    void aRelativeCaFileIsFromTheConfigFilesDirectory() {
        assertThat(parse("repository: {root: /srv/debian}\nscan: {tls-ca-file: ca.pem}\n").scan().probe().tlsCaFile())
                .isEqualTo(Path.of("/etc/mirrorgate/ca.pem"));
    }
}
