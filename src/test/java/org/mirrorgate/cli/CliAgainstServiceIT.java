package org.mirrorgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.geo.CountryDatabases;
import org.mirrorgate.geo.MmdbWriter;
import org.mirrorgate.server.MirrorgateServer;
import org.mirrorgate.testing.FreePorts;
import org.mirrorgate.testing.GatewayNginx;
import org.mirrorgate.testing.NginxServer;

/**
 * The operator's CLI (issue 14.2, 14.7) run for real, in-process through {@link Main}'s command
 * line (stdout, stderr and exit code captured), against the real service with its embedded store,
 * real nginx with the real hook in front (downloads for {@code stats}) and a real nginx as the
 * mirror its health probes reach. GeoIP is a test database: the gateway's client 127.0.0.1 is in
 * Germany, 127.0.1.0/24 in Britain (AS 20712), so {@code geoupdate} has something to find.
 *
 * <p>Concurrent edits: an edit is a compare-and-set on the definition's version (what {@code show}
 * prints); of two edits made from one reading the second is refused (ABORTED, "changed by someone
 * else since it was read") and changes nothing. Tested sequentially and with two CLIs at once.
 */
class CliAgainstServiceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FILE_A = "pool/main/a/a_1.0_all.deb";

    @TempDir
    Path dir;
    private MirrorgateServer service;
    private GatewayNginx gateway;
    private NginxServer mirror;
    private int grpcPort;

    record Run(int code, String out, String err) {
        /** The error as the operator reads it: one line on stderr, nothing on stdout. */
        String oneLineError() {
            assertThat(out).as("stdout of a failed command").isEmpty();
            assertThat(err.strip()).as("stderr").doesNotContain("\n").startsWith("mirrorgate: ");
            return err.strip();
        }
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (service != null) {
            service.stop();
        }
        if (mirror != null) {
            mirror.close();
        }
    }

    /** The real CLI, as {@code mirrorgate ARGS --target ...} would run it. */
    private Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--target", "127.0.0.1:" + grpcPort));
        int code = cli.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    /** Runs and expects success; returns stdout. */
    private String ok(String... args) {
        Run r = cli(args);
        assertThat(r.code()).as("%s: %s", String.join(" ", args), r.err()).isZero();
        return r.out();
    }

    /** Runs and expects a refusal with one clear line; returns it. */
    private String refused(int exit, String... args) {
        Run r = cli(args);
        assertThat(r.code()).as("exit of %s: %s%s", String.join(" ", args), r.out(), r.err()).isEqualTo(exit);
        return r.oneLineError();
    }

    private JsonNode json(String... args) throws Exception {
        return JSON.readTree(ok(args));
    }

    private JsonNode mirrorIn(JsonNode list, String name) {
        for (JsonNode m : list.get("mirrors")) {
            if (m.get("name").asText().equals(name)) {
                return m;
            }
        }
        return null;
    }

    private List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.get("mirrors").forEach(m -> out.add(m.get("name").asText()));
        return out;
    }

    private Path writeConfig(String mirrors) throws Exception {
        Path config = dir.resolve("mirrorgate.yaml");
        Files.writeString(config, """
                repository: {root: repo, url-prefix: /debian/}
                listen: {grpc: "127.0.0.1:%d", grpc-socket: "%s", metrics: "127.0.0.1:0"}
                geoip: {city-database: city.mmdb, asn-database: asn.mmdb}
                store: {path: state, flush-interval: 100ms}
                scan: {probe-interval: 1s, down-after: 1, up-after: 1}
                resolve: {warmup-calls: 100}
                """.formatted(grpcPort, dir.resolve("grpc.sock")) + mirrors);
        return config;
    }

    private void startService(Path config) throws Exception {
        if (service != null) {
            service.stop();
        }
        service = MirrorgateServer.create(ConfigLoader.load(config));
        service.start();
        await().atMost(Duration.ofSeconds(60)).until(service::isServing);
    }

    private static final String CONFIG_MIRROR = "mirrors:\n"
            + "  - {name: c1, https-url: \"https://127.0.1.10/debian/\", countries: [FR], country-only: true,"
            + " trusted: true, enabled: false}\n";

    private void startAll() throws Exception {
        Assumptions.assumeTrue(GatewayNginx.available(), "nginx with the Lua module");
        Files.createDirectories(dir.resolve("repo/pool/main/a"));
        Files.write(dir.resolve("repo").resolve(FILE_A), new byte[1000]);
        CountryDatabases.write(dir.resolve("city.mmdb"), Map.of(
                "127.0.0.1/32", new CountryDatabases.Place("DE", "EU", 52.52, 13.40),
                "127.0.1.0/24", new CountryDatabases.Place("GB", "EU", 51.5142, -0.0931)));
        new MmdbWriter("GeoLite2-ASN", 6).insert("127.0.1.0/24", Map.of("autonomous_system_number", 20712L,
                "autonomous_system_organization", "Andrews & Arnold Ltd")).writeTo(dir.resolve("asn.mmdb"));
        mirror = NginxServer.serving(dir.resolve("mirror-nginx"), dir.resolve("repo")).start();
        grpcPort = FreePorts.next();
        startService(writeConfig(CONFIG_MIRROR));
        gateway = GatewayNginx.start(dir.resolve("gateway"), FreePorts.next(), Map.of("ROOT",
                dir.resolve("repo").toString(), "URL_PREFIX", "/debian/", "REPLICAS", "unix:" + dir.resolve("grpc.sock")));
    }

    @Test
    void anOperatorsDayAddEditShowListDownloadsStatsLogsGeoupdateRemove() throws Exception {
        startAll();
        assertThat(ok("add", "m2", "--http-url", mirror.httpUrl(), "--country", "DE", "--trusted", "--enable"))
                .isEqualTo("m2: added (origin api, enabled)\n");
        assertThat(ok("add", "dead", "--http-url", "http://127.0.0.1:1/debian/", "--country", "JP", "--country-only",
                "--trusted", "--enable")).contains("dead: added (origin api, enabled)");
        assertThat(ok("add", "gb1", "--https-url", "https://127.0.1.20/debian/", "--country", "DE,AT"))
                .contains("gb1: added (origin api, disabled); `mirrorgate scan gb1`, then `mirrorgate enable gb1`");

        // show, as text and as JSON
        assertThat(ok("show", "m2")).startsWith("# origin: api\n# version: ").contains("name: m2\n")
                .contains("http-url: " + mirror.httpUrl()).contains("- DE").contains("enabled: true");
        JsonNode shown = json("show", "m2", "--json");
        assertThat(shown.get("origin").asText()).isEqualTo("api");
        assertThat(shown.get("version").asText()).hasSize(16);

        // edit --set: the change is shown and applied, the version moves
        assertThat(ok("edit", "m2", "--set", "score=20", "--set", "capacity=2.5"))
                .contains("+ score: 20").contains("+ capacity: 2.5").endsWith("m2: updated\n");
        JsonNode list = json("list", "--json");
        assertThat(names(list)).containsExactly("c1", "m2", "dead", "gb1");
        assertThat(mirrorIn(list, "m2").get("score").asInt()).isEqualTo(20);
        assertThat(mirrorIn(list, "m2").get("capacity_weight").asDouble()).isEqualTo(2.5);
        assertThat(mirrorIn(list, "m2").get("origin").asText()).isEqualTo("api");
        assertThat(json("show", "m2", "--json").get("version").asText()).isNotEqualTo(shown.get("version").asText());

        // list filters, text and JSON
        assertThat(names(json("list", "--disabled", "--json"))).containsExactly("c1", "gb1");
        assertThat(names(json("list", "--country", "de", "--json"))).containsExactly("m2", "gb1");
        assertThat(ok("list", "--country", "JP", "--disabled")).isEqualTo("no mirror matches the filters\n");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(names(json("list", "--down", "--json"))).as("probed every second").containsExactly("dead"));
        String down = ok("list", "--down");
        assertThat(down.lines().filter(l -> l.startsWith("dead ")).findFirst().orElseThrow())
                .containsPattern("dead +api +yes +JP +\\S+ +down \\d+s").contains("http: ");
        JsonNode dead = mirrorIn(json("list", "--json"), "dead");
        assertThat(dead.get("http").get("up").asBoolean()).isFalse();
        assertThat(dead.get("http").get("reason").asText()).isNotEmpty();
        assertThat(mirrorIn(json("list", "--json"), "m2").get("http").get("up").asBoolean()).as("its nginx answers")
                .isTrue();

        // real downloads through nginx and the hook, read back with stats
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(gateway.origin() + "/debian/" + FILE_A))
                .build(), HttpResponse.BodyHandlers.discarding());
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValue(mirror.httpUrl() + FILE_A);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(ok("stats", "mirror", "m2")).containsPattern("(?m)^TOTAL +1 +1000 B$"));
        assertThat(json("stats", "mirror", "m2", "--json").get("total").get("requests").asLong()).isEqualTo(1);
        assertThat(ok("stats", "file", "pool/**")).containsPattern("(?m)^" + FILE_A.replace(".", "\\.") + " +1 +1000 B$");
        assertThat(ok("stats", "country", "DE")).containsPattern("(?m)^TOTAL +1 +1000 B$");

        // logs: the event log of what was done to m2
        String logs = ok("logs", "m2");
        assertThat(logs).containsPattern("(?m)^TIME +KIND +MESSAGE$")
                .contains("added").contains("through the admin API (enabled)")
                .contains("changed").contains("definition replaced through the admin API");
        JsonNode events = json("logs", "m2", "--json");
        assertThat(events.get("events")).extracting(e -> e.get("kind").asText()).contains("added", "changed");

        // geoupdate: an API mirror is changed, a config mirror gets the lines to paste
        assertThat(ok("geoupdate", "gb1", "--dry-run")).contains("countries    DE,AT -> GB")
                .endsWith("gb1: not changed (--dry-run)\n");
        assertThat(mirrorIn(json("list", "--json"), "gb1").get("country_codes").toString()).isEqualTo("[\"DE\",\"AT\"]");
        String geo = ok("geoupdate", "gb1");
        assertThat(geo).startsWith("gb1: 127.0.1.20 is 127.0.1.20\n")
                .contains("  countries    DE,AT -> GB\n")
                .contains("  continent    - -> EU\n")
                .contains("  asns         - -> 20712\n")
                .contains("  coordinates  - -> 51.5142,-0.0931\n")
                .endsWith("gb1: updated\n");
        assertThat(ok("show", "gb1")).contains("- GB").contains("continent: EU").contains("- 20712")
                .contains("latitude: 51.5142");
        assertThat(ok("logs", "gb1")).contains("location from GeoIP (127.0.1.20)");
        assertThat(ok("geoupdate", "gb1")).endsWith("gb1: location unchanged\n");
        String c1 = ok("geoupdate", "c1");
        assertThat(c1).contains("countries    FR -> GB").contains("c1: declared in the config file, which mirrorgate"
                + " does not change: put these lines into its entry")
                .contains("    countries:\n    - GB\n    continent: EU\n    asns:\n    - 20712\n    latitude: 51.5142\n");
        assertThat(mirrorIn(json("list", "--json"), "c1").get("country_codes").toString()).isEqualTo("[\"FR\"]");
        Run all = cli("geoupdate", "--all", "--dry-run");
        assertThat(all.code()).as("every host is in the database: all placed").isZero();
        assertThat(all.out()).contains("dead: 127.0.0.1 is 127.0.0.1").contains("countries    JP -> DE")
                .contains("gb1: location unchanged").contains("c1: not changed (--dry-run)");

        // remove: refused without a terminal to confirm on, done with -f; statistics stay
        JsonNode before = json("list", "--json");
        assertThat(refused(1, "remove", "dead")).isEqualTo("mirrorgate: 127.0.0.1:" + grpcPort
                + ": remove dead: no terminal to confirm on; pass -f");
        assertThat(json("list", "--json")).isEqualTo(before);
        assertThat(ok("remove", "-f", "m2")).isEqualTo("m2: removed\n");
        assertThat(names(json("list", "--json"))).containsExactly("c1", "dead", "gb1");
        assertThat(ok("stats", "mirror", "m2")).as("statistics stay").containsPattern("(?m)^TOTAL +1 +1000 B$");
    }

    @Test
    void exportYamlPastedIntoTheConfigFileGivesTheSameMirrorsAfterARestart() throws Exception {
        startAll();
        ok("add", "m2", "--http-url", mirror.httpUrl(), "--https-url", "https://127.0.1.2/debian/", "--country",
                "DE,AT", "--asn", "3320", "--prefix", "192.0.2.0/24", "--score", "-20", "--capacity", "3",
                "--exclude-country", "CN", "--latitude", "50.1", "--longitude", "8.7", "--trusted", "--enable");
        ok("add", "m3", "--https-url", "https://127.0.1.3/debian/", "--rsync-url",
                "rsync://user:secret@127.0.1.3/debian/", "--continent", "EU", "--continent-only");
        JsonNode before = json("list", "--json");
        Map<String, String> definitions = Map.of("m2", ok("show", "m2"), "m3", ok("show", "m3"));

        // json: every mirror, no secrets
        String exported = ok("export", "json");
        assertThat(names(JSON.readTree(exported))).containsExactly("c1", "m2", "m3");
        assertThat(exported).doesNotContain("secret").contains("rsync://***@127.0.1.3/debian/");
        assertThat(mirrorIn(JSON.readTree(exported), "m2")).isEqualTo(mirrorIn(before, "m2"));

        // mirmon: one line per mirror and protocol, cc url [email]
        assertThat(ok("export", "mirmon", "--protocols", "http,https,rsync", "--admin-email", "ops@example.org"))
                .isEqualTo("fr https://127.0.1.10/debian/ ops@example.org\n"
                        + "de " + mirror.httpUrl() + " ops@example.org\n"
                        + "de https://127.0.1.2/debian/ ops@example.org\n");
        Run mirmon = cli("export", "mirmon");
        assertThat(mirmon.err()).contains("left out m3: no country (mirmon needs one; set countries)");
        assertThat(ok("export", "mirmon", "--enabled-only")).isEqualTo("de " + mirror.httpUrl() + "\n"
                + "de https://127.0.1.2/debian/\n");

        // yaml: the API mirrors, to paste
        String yaml = ok("export", "yaml");
        assertThat(yaml).contains("mirrors:\n  - name: m2\n").contains("  - name: m3\n").doesNotContain("c1")
                .contains("# m3: the scan URL's credentials are masked (***)").doesNotContain("secret");
        String pasted = yaml.substring(yaml.indexOf("mirrors:\n") + "mirrors:\n".length())
                .replace("***@", "user:secret@"); // the operator writes the credentials back in

        // a changed definition of an API mirror's name is refused whole, with what to do
        writeConfig(CONFIG_MIRROR + pasted.replace("score: -20", "score: 10"));
        assertThatThrownBy(() -> startService(dir.resolve("mirrorgate.yaml")))
                .hasMessageContaining("mirror m2 is declared in the config file and was added through the admin API")
                .hasMessageContaining("paste what `mirrorgate export yaml` prints for it");
        service = null;

        startService(writeConfig(CONFIG_MIRROR + pasted));
        JsonNode after = json("list", "--json");
        assertThat(names(after)).containsExactly("c1", "m2", "m3");
        for (String name : List.of("m2", "m3")) {
            assertThat(mirrorIn(after, name).get("origin").asText()).as(name).isEqualTo("config");
            assertThat(ok("show", name)).as(name).isEqualTo(definitions.get(name).replace("# origin: api",
                    "# origin: config").replaceAll("# version: \\w+", "# version: " + json("show", name, "--json")
                    .get("version").asText()));
            JsonNode a = mirrorIn(after, name).deepCopy();
            JsonNode b = mirrorIn(before, name).deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) a).remove(List.of("origin", "http", "https"));
            ((com.fasterxml.jackson.databind.node.ObjectNode) b).remove(List.of("origin", "http", "https"));
            assertThat(a).as("%s: the same mirror, now of the file", name).isEqualTo(b);
        }
        assertThat(refused(1, "edit", "m2", "--set", "score=5")).contains("FAILED_PRECONDITION: mirror m2 is declared"
                + " in the config file");
    }

    @Test
    void ofTwoEditsMadeFromOneReadingTheSecondIsRefusedAndChangesNothing() throws Exception {
        startAll();
        ok("add", "m2", "--https-url", "https://127.0.1.2/debian/", "--country", "DE");
        String version = json("show", "m2", "--json").get("version").asText();

        // sequential: a script read the version, someone else changed the mirror, the script's edit is refused
        assertThat(ok("edit", "m2", "--set", "score=30", "--if-version", version)).endsWith("m2: updated\n");
        JsonNode before = json("list", "--json");
        assertThat(refused(1, "edit", "m2", "--set", "score=40", "--if-version", version))
                .contains("ABORTED: mirror m2 was changed by someone else since it was read (version " + version)
                .contains("nothing changed: run `mirrorgate show m2` and make the change again");
        assertThat(json("list", "--json")).isEqualTo(before);

        // two CLIs at once from the same reading: exactly one applies
        String now = json("show", "m2", "--json").get("version").asText();
        CyclicBarrier together = new CyclicBarrier(2);
        List<CompletableFuture<Run>> runs = new ArrayList<>();
        for (String score : List.of("50", "60")) {
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    together.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return cli("edit", "m2", "--set", "score=" + score, "--if-version", now);
            }));
        }
        List<Run> done = runs.stream().map(CompletableFuture::join).toList();
        assertThat(done).filteredOn(r -> r.code() == 0).hasSize(1);
        Run loser = done.stream().filter(r -> r.code() != 0).findFirst().orElseThrow();
        assertThat(loser.oneLineError()).contains("ABORTED: mirror m2 was changed by someone else since it was read");
        String winner = done.stream().filter(r -> r.code() == 0).findFirst().orElseThrow().out();
        int score = mirrorIn(json("list", "--json"), "m2").get("score").asInt();
        assertThat(winner).contains("+ score: " + score);
        assertThat(score).isIn(50, 60);
    }

    @Test
    void badInputForEveryCommandIsOneClearLineAndChangesNothing() throws Exception {
        startAll();
        ok("add", "m2", "--https-url", "https://127.0.1.2/debian/", "--country", "DE");
        JsonNode before = json("list", "--json");
        String where = "mirrorgate: 127.0.0.1:" + grpcPort + ": ";
        String https = "https://127.0.1.9/debian/";

        // add
        assertThat(refused(1, "add", "m2", "--https-url", https)).startsWith(where)
                .contains("ALREADY_EXISTS: mirror m2 already exists (origin api); choose another name");
        assertThat(refused(1, "add", "c1", "--https-url", https)).contains("ALREADY_EXISTS: mirror c1 already exists"
                + " (origin config)");
        assertThat(refused(1, "add", "m9", "--http-url", "not a url")).contains("INVALID_ARGUMENT")
                .contains("http-url: not a url (expected: an absolute http:// URL");
        assertThat(refused(1, "add", "m9", "--https-url", "http://127.0.1.9/debian/")).contains("INVALID_ARGUMENT")
                .contains("https-url: http://127.0.1.9/debian/ (expected: an absolute https:// URL");
        assertThat(refused(1, "add", "m9", "--https-url", https, "--capacity", "0"))
                .contains("capacity: 0").contains("expected:");
        assertThat(refused(1, "add", "m9", "--https-url", https, "--score", "5000"))
                .contains("score: 5000 (expected: a whole number, -100 .. 1000)");
        assertThat(refused(1, "add", "m9", "--https-url", https, "--country", "XX"))
                .contains("countries[0]: XX (expected: ISO 3166-1 alpha-2 codes such as DE)");
        assertThat(refused(1, "add", "m9", "--https-url", https, "--country", "UK"))
                .contains("countries[0]: UK (expected: ISO 3166-1 alpha-2 codes");
        assertThat(refused(1, "add", "bad name", "--https-url", https)).contains("name: bad name (expected:");
        assertThat(refused(2, "add", "m9", "--score", "many")).contains("Invalid value for option '--score'")
                .endsWith("(see: mirrorgate add --help)");
        // edit
        assertThat(refused(1, "edit", "nope", "--set", "score=1")).contains("NOT_FOUND: mirror: nope (expected: one of"
                + " [c1, m2])");
        assertThat(refused(1, "edit", "m2", "--set", "https-url=http://127.0.1.2/")).contains("INVALID_ARGUMENT")
                .contains("https-url: http://127.0.1.2/");
        assertThat(refused(1, "edit", "m2", "--set", "score=-101")).contains("score: -101");
        assertThat(refused(1, "edit", "m2", "--set", "capacity=-1")).contains("capacity: -1");
        assertThat(refused(1, "edit", "m2", "--set", "countries=[ZZ]")).contains("countries[0]: ZZ");
        assertThat(refused(1, "edit", "m2", "--set", "name=m3")).contains("name: m3 (expected: m2");
        assertThat(refused(1, "edit", "m2", "--set", "score")).contains("--set score (expected: KEY=VALUE");
        assertThat(refused(1, "edit", "m2", "--set", "tyop=1")).contains("tyop: unknown key");
        assertThat(refused(1, "edit", "c1", "--set", "score=1")).contains("FAILED_PRECONDITION: mirror c1 is declared"
                + " in the config file: change it there");
        // show, remove, logs, enable, disable, scan, stats, geoupdate, export, list
        assertThat(refused(1, "show", "nope")).isEqualTo(where + "NOT_FOUND: mirror: nope (expected: one of [c1, m2])");
        assertThat(refused(1, "remove", "-f", "nope")).contains("NOT_FOUND: mirror: nope");
        assertThat(refused(1, "remove", "-f", "c1")).contains("FAILED_PRECONDITION: mirror c1 is declared in the"
                + " config file");
        assertThat(refused(1, "logs", "nope")).contains("NOT_FOUND: mirror: nope");
        assertThat(refused(2, "logs", "m2", "--limit", "0")).contains("--limit: 0 (expected: 1 .. 10000)");
        assertThat(refused(1, "enable", "nope")).contains("NOT_FOUND: mirror: nope");
        assertThat(refused(1, "disable", "nope")).contains("NOT_FOUND: mirror: nope");
        assertThat(refused(1, "scan", "nope")).contains("NOT_FOUND");
        assertThat(refused(2, "scan")).contains("scan: give a mirror NAME or --all");
        assertThat(refused(1, "stats", "mirror", "nope")).contains("NOT_FOUND: mirror nope: no such mirror");
        assertThat(refused(1, "geoupdate", "nope")).contains("NOT_FOUND: mirror: nope");
        assertThat(refused(2, "geoupdate")).contains("geoupdate: give a mirror NAME or --all");
        assertThat(refused(2, "geoupdate", "m2", "--all")).contains("not both");
        assertThat(refused(2, "export", "csv")).contains("Invalid value for positional parameter at index 0 (FORMAT)")
                .contains("mirmon, yaml, json");
        assertThat(refused(2, "export", "mirmon", "--protocols", "gopher")).contains("--protocols");
        assertThat(refused(2, "list", "--country", "Germany")).contains("--country: Germany (expected: a two-letter"
                + " ISO 3166 code such as DE)");
        assertThat(refused(2, "frobnicate")).contains("Unmatched arguments from index 0: 'frobnicate'")
                .endsWith("(see: mirrorgate --help)");

        assertThat(json("list", "--json")).as("every refusal left the mirrors as they were").isEqualTo(before);
        assertThat(ok("logs", "m2")).doesNotContain("changed");
    }
}
