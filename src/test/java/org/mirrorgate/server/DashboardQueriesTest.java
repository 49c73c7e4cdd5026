package org.mirrorgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mirrorgate.api.v1.ResolveRequest;
import org.mirrorgate.api.v1.ResolverGrpc;
import org.mirrorgate.api.v1.Scheme;
import org.mirrorgate.config.ConfigLoader;

/**
 * The Grafana dashboard, the alert rules and docs/metrics.md against what is really exported, so
 * none of them can name a metric that was renamed or never existed: the service's names come from
 * the {@code /metrics} page of a running service (plus the metrics it declares that have no sample
 * yet, such as per-mirror scan counters before the first scan), the hook's from the status page
 * {@code lua/mirrorgate/metrics.lua} renders (its names are literals there).
 */
class DashboardQueriesTest {

    static final Path DASHBOARD = Path.of("deploy/grafana/mirrorgate.json");
    static final Path ALERTS = Path.of("deploy/prometheus/alerts.yml");
    static final Path HOOK_METRICS = Path.of("lua/mirrorgate/metrics.lua");
    static final Path DOC = Path.of("docs/metrics.md");
    /** Written by Prometheus itself for every scrape target. */
    static final Set<String> SYNTHETIC = Set.of("up");

    static Path dir;
    static MirrorgateServer server;
    static Set<String> serviceNames;
    static Set<String> hookNames;

    @BeforeAll
    static void startServiceAndReadWhatItExports() throws Exception {
        dir = Files.createTempDirectory("mirrorgate-dashboard-");
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve("pool"));
        Files.writeString(repo.resolve("pool/hello.deb"), "hello");
        Files.writeString(dir.resolve("mirrorgate.yaml"), """
                repository: {root: repo, url-prefix: /debian/}
                listen: {grpc: "127.0.0.1:0", metrics: "127.0.0.1:0"}
                resolve: {warmup-calls: 10}
                store: {path: state}
                downloads: {log-file: downloads.log}
                mirrors:
                  - {name: m1, https-url: "https://m1.example.org/debian/", trusted: true}
                """);
        server = MirrorgateServer.create(ConfigLoader.load(dir.resolve("mirrorgate.yaml")));
        server.start();
        await().atMost(Duration.ofSeconds(30)).until(server::isServing);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        try { // one redirect, so the per-mirror counters have a sample
            ResolverGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS).resolve(ResolveRequest
                    .newBuilder().setPath("/debian/pool/hello.deb").setClientIp("192.0.2.7").setScheme(Scheme.HTTPS)
                    .build());
        } finally {
            channel.shutdownNow();
        }
        String page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        serviceNames = new TreeSet<>(sampleNames(page));
        assertThat(serviceNames).contains("mirrorgate_redirects_total", "mirrorgate_resolve_duration_seconds_bucket",
                "jvm_memory_used_bytes");
        for (MetricSnapshot s : server.services().registry().scrape()) {
            serviceNames.addAll(exportedNames(s));
        }
        hookNames = hookNames(Files.readString(HOOK_METRICS, StandardCharsets.UTF_8));
        assertThat(hookNames).as("parsed from " + HOOK_METRICS).contains("mirrorgate_nginx_decisions_total",
                "mirrorgate_nginx_failopen_total", "mirrorgate_nginx_breaker_open");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void everyDashboardQueryNamesAnExportedMetric() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Map<String, String> queries = new LinkedHashMap<>();
        collect(dashboard, "", queries);
        assertThat(queries).as("queries found in " + DASHBOARD).hasSizeGreaterThan(30);
        assertKnown(queries, DASHBOARD);
        Set<Integer> ids = new TreeSet<>();
        Set<String> cells = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("panel id used twice: " + panel.path("id")).isTrue();
            JsonNode g = panel.path("gridPos");
            for (int y = g.path("y").asInt(); y < g.path("y").asInt() + g.path("h").asInt(); y++) {
                for (int x = g.path("x").asInt(); x < g.path("x").asInt() + g.path("w").asInt(); x++) {
                    assertThat(cells.add(x + "," + y)).as("panel " + panel.path("title") + " overlaps another at "
                            + x + "," + y).isTrue();
                }
            }
        }
        // and the panels the operator needs are there
        assertThat(String.join("\n", queries.values())).contains("mirrorgate_nginx_decisions_total",
                "mirrorgate_redirects_total", "mirrorgate_nginx_failopen_total", "mirrorgate_resolve_duration_seconds_bucket",
                "mirrorgate_mirrors", "mirrorgate_mirror_last_scan_timestamp_seconds",
                "mirrorgate_mirror_trace_sync_timestamp_seconds", "mirrorgate_probes_total", "mirrorgate_scan_duration_seconds",
                "mirrorgate_store_healthy", "mirrorgate_store_operation_duration_seconds_bucket",
                "mirrorgate_store_operation_failures_total", "mirrorgate_store_pending", "jvm_memory_used_bytes");
    }

    @Test
    void everyAlertRuleNamesAnExportedMetric() throws IOException {
        JsonNode rules = new YAMLMapper().readTree(ALERTS.toFile());
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                queries.put(rule.path("alert").asText(), rule.path("expr").asText());
            }
        }
        assertThat(queries.keySet()).contains("MirrorgateDown", "MirrorgateFailOpenRate", "MirrorgateMirrorDown",
                "MirrorgateMirrorNotScanned", "MirrorgateStoreUnavailable");
        assertKnown(queries, ALERTS);
    }

    @Test
    void theAlertRulesPassPromtool() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        Assumptions.assumeTrue(Files.isExecutable(promtool),
                "promtool not installed (Debian: apt-get install prometheus): alert rules not checked by promtool");
        Process p = new ProcessBuilder(promtool.toString(), "check", "rules", ALERTS.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void theMetricsDocListsEveryMetricOfTheServiceAndTheHookAndNothingElse() throws IOException {
        Map<String, String> documented = documentedMetrics(Files.readString(DOC, StandardCharsets.UTF_8));
        assertThat(documented).as("metric rows parsed from " + DOC).hasSizeGreaterThan(40);
        Set<String> exportedByDoc = new TreeSet<>();
        List<String> notExported = new ArrayList<>();
        documented.forEach((name, type) -> {
            List<String> names = samplesOf(name, type);
            exportedByDoc.addAll(names);
            Set<String> exported = name.startsWith("mirrorgate_nginx_") ? hookNames : serviceNames;
            if (!exported.containsAll(names)) {
                notExported.add(name + " (" + type + ")");
            }
        });
        assertThat(notExported).as("listed in " + DOC + " but not exported by the service or the hook")
                .isEmpty();
        List<String> undocumented = new ArrayList<>();
        for (String name : serviceNames) {
            if (name.startsWith("mirrorgate_") && !exportedByDoc.contains(name)) {
                undocumented.add(name);
            }
        }
        hookNames.stream().filter(n -> !documented.containsKey(n)).forEach(undocumented::add);
        assertThat(undocumented).as("exported but not in a table of " + DOC).isEmpty();
        // The JVM's metrics are named in prose (the dashboard's picks): those names must exist too.
        Matcher jvm = Pattern.compile("`((?:jvm|process)_[a-z_]+)`").matcher(Files.readString(DOC));
        while (jvm.find()) {
            assertThat(serviceNames).as(DOC + " names " + jvm.group(1)).containsAnyOf(jvm.group(1),
                    jvm.group(1) + "_sum");
        }
    }

    @Test
    void readsTheDocsMetricTables() {
        assertThat(documentedMetrics("""
                | metric | type | labels | meaning |
                |---|---|---|---|
                | `a_total` | counter | `x` | ... |
                | `b_seconds` | histogram (`_bucket`, `_count`, `_sum`) | | ... |
                | `c` | gauge | `mirror` | `d` in prose |
                """)).containsExactly(Map.entry("a_total", "counter"), Map.entry("b_seconds", "histogram"),
                Map.entry("c", "gauge"));
        assertThat(samplesOf("b_seconds", "histogram")).containsExactly("b_seconds_bucket", "b_seconds_count",
                "b_seconds_sum");
        assertThat(samplesOf("a_total", "counter")).containsExactly("a_total");
    }

    private static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\| `([a-z_:]+)` \\| ([a-z]+)[^|]*\\|");

    /** The metric rows of the doc's tables: name as written (a counter's with _total), and type. */
    static Map<String, String> documentedMetrics(String doc) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = TABLE_ROW.matcher(doc);
        while (m.find()) {
            assertThat(out.put(m.group(1), m.group(2))).as("listed twice: " + m.group(1)).isNull();
        }
        return out;
    }

    /** The sample names a documented metric shows on a /metrics page. */
    static List<String> samplesOf(String name, String type) {
        return switch (type) {
            case "histogram" -> List.of(name + "_bucket", name + "_count", name + "_sum");
            case "counter" -> {
                assertThat(name).as("a counter is listed with its _total").endsWith("_total");
                yield List.of(name);
            }
            case "gauge" -> List.of(name);
            default -> throw new AssertionError(name + ": unknown type " + type + " in " + DOC);
        };
    }

    @Test
    void extractsMetricNamesFromPromQl() {
        assertThat(metricNames("histogram_quantile(0.99, sum by (le) (rate(a_bucket{job=~\"$job\",x=\"y z\"}[5m])))"))
                .containsExactly("a_bucket");
        assertThat(metricNames("time() - max by (mirror) (b_seconds) > 6 * 3600")).containsExactly("b_seconds");
        assertThat(metricNames("sum(rate(c_total[5m])) / clamp_min(sum(rate(d_total[5m])) + 1e-9, 1) and on(x) e"))
                .containsExactly("c_total", "d_total", "e");
        assertThat(metricNames("min by (mirror, protocol) (f_up) == 0")).containsExactly("f_up");
        assertThat(metricNames("up{job=\"mirrorgate\"} == 0 unless ignoring(a) g offset 5m"))
                .containsExactlyInAnyOrder("up", "g");
    }

    private static void assertKnown(Map<String, String> queries, Path file) {
        Set<String> known = new TreeSet<>(serviceNames);
        known.addAll(hookNames);
        known.addAll(SYNTHETIC);
        List<String> unknown = new ArrayList<>();
        queries.forEach((where, q) -> {
            Set<String> names = metricNames(q);
            if (names.isEmpty()) {
                unknown.add(where + ": no metric in " + q);
            }
            for (String n : names) {
                if (!known.contains(n)) {
                    unknown.add(where + ": " + n + " in " + q);
                }
            }
        });
        assertThat(unknown).as("metrics named in " + file + " that neither the service nor the hook exports")
                .isEmpty();
    }

    /** Every {@code expr} of a panel target, and the metric of every {@code label_values(...)} variable. */
    private static void collect(JsonNode node, String where, Map<String, String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                String at = where + "/" + e.getKey();
                if (e.getKey().equals("expr") && e.getValue().isTextual()) {
                    out.put(at, e.getValue().asText());
                } else if (e.getValue().isTextual() && e.getValue().asText().startsWith("label_values(")) {
                    Matcher m = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][\\w:]*)").matcher(e.getValue().asText());
                    if (m.find()) {
                        out.put(at, m.group(1));
                    }
                } else {
                    collect(e.getValue(), at, out);
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), where + "/" + i, out);
            }
        }
    }

    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:.$])([a-zA-Z_:][\\w:]*+)(?!\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan", "Inf", "NaN");

    /**
     * The metric names in a PromQL expression: identifiers left once strings, label matchers, range
     * durations and grouping clauses are gone, except function calls (followed by "(") and keywords.
     */
    static Set<String> metricNames(String expr) {
        String e = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*\\}", "{}")
                .replaceAll("\\[[^\\]]*\\]", "[]")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\boffset\\s+\\w+", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(e);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group(1))) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Names of the samples on a Prometheus text page (each line's name, comments skipped). */
    static Set<String> sampleNames(String page) {
        Set<String> names = new TreeSet<>();
        for (String line : page.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    /** The names a declared metric's samples get on the page (a counter's _total, a histogram's _bucket...). */
    static List<String> exportedNames(MetricSnapshot s) {
        String n = s.getMetadata().getPrometheusName();
        if (s instanceof CounterSnapshot) {
            return List.of(n + "_total");
        } else if (s instanceof HistogramSnapshot) {
            return List.of(n + "_bucket", n + "_count", n + "_sum");
        } else if (s instanceof SummarySnapshot) {
            return List.of(n, n + "_count", n + "_sum");
        } else if (s instanceof InfoSnapshot) {
            return List.of(n + "_info");
        }
        return List.of(n);
    }

    /** The metric names the hook's status page renders: the {@code mirrorgate_nginx_*} literals. */
    static Set<String> hookNames(String lua) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\b(mirrorgate_nginx_[a-z_]+)").matcher(lua);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
