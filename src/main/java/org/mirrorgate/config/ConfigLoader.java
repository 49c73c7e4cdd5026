package org.mirrorgate.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mirrorgate.geo.GeoSettings;
import org.mirrorgate.geo.IpPrefix;
import org.mirrorgate.index.Digest;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.pages.PageSettings;
import org.mirrorgate.rank.PathPolicy;
import org.mirrorgate.rank.PathRules;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.repo.RepositorySettings;
import org.mirrorgate.resolve.ResolveSettings;
import org.mirrorgate.scan.PerMirrorScanSettings;

/**
 * Reads and validates the YAML config: the one place YAML is read. Every problem is collected and
 * reported at once, each as {@code key: value (expected: ...)}; unknown keys are errors, and so
 * is a key given twice in one mapping ({@link DuplicateKeys}: both lines named). An absent
 * key takes its default from the {@code DEFAULTS} constant of the settings record it fills (such as
 * {@link ResolveSettings#DEFAULTS}, or {@link MirrorgateConfig.Listen#DEFAULTS}). The larger sections
 * have their own readers: {@link ListenSection}, {@link ScanSection}, {@link StoreSection}, {@link MirrorParser}.
 */
public final class ConfigLoader {

    private ConfigLoader() {}

    public static MirrorgateConfig load(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IOException(file + ": cannot read the config file (" + e.getMessage()
                    + "); pass --config with a readable YAML file", e);
        }
        return parse(text, file.toString(), file.toAbsolutePath().getParent());
    }

    /**
     * @param baseDir relative paths in the config (repository root, databases) resolve against it
     */
    public static MirrorgateConfig parse(String yaml, String name, Path baseDir) {
        JsonNode tree;
        try {
            tree = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(name, List.of("not valid YAML: " + e.getOriginalMessage().strip().replaceAll("\\s*\\R\\s*", " ") // one line
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr())));
        }
        List<String> problems = new ArrayList<>(DuplicateKeys.find(yaml));
        ConfigNode root = ConfigNode.root(tree, problems);
        MirrorgateConfig config = build(root, baseDir);
        root.finish();
        if (!problems.isEmpty()) {
            throw new ConfigException(name, problems);
        }
        return config;
    }

    /** A duration as the config file writes it (5m, 30s, 3d), for reports such as check-config's. */
    public static String formatDuration(Duration d) {
        return ConfigNode.human(d);
    }

    /**
     * One mirror as the admin API receives it: a mapping with the keys of a config file's
     * {@code mirrors:} entry (YAML or JSON), validated by the same parser. Keys the store cannot
     * keep for a mirror (its scan overrides) are refused rather than dropped.
     *
     * @param enabledByDefault the {@code enabled} of a definition that does not say
     * @throws ConfigException listing every problem, as for a config file
     */
    public static MirrorSpec parseMirror(String yaml, boolean enabledByDefault) {
        String name = "mirror definition";
        JsonNode tree;
        try {
            tree = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(name, List.of("not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr())));
        }
        List<String> problems = new ArrayList<>(DuplicateKeys.find(yaml));
        if (tree == null || !tree.isObject()) {
            throw new ConfigException(name, List.of("(top level): " + (tree == null ? "empty" : tree.getNodeType())
                    + " (expected: a mapping such as {name: m1, https-url: \"https://m1.example.org/debian/\"})"));
        }
        if (!tree.has("enabled")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) tree).put("enabled", enabledByDefault);
        }
        ConfigNode root = ConfigNode.root(tree, problems);
        Map<String, PerMirrorScanSettings> scans = new LinkedHashMap<>();
        List<MirrorSpec> mirrors = MirrorParser.mirrors(List.of(root), scans);
        root.finish();
        scans.values().stream().filter(s -> !s.equals(PerMirrorScanSettings.DEFAULTS)).findFirst()
                .ifPresent(s -> problems.add("scan settings of one mirror (scan-interval, scan-via, mtime-precision,"
                        + " tz-offset, trace-url, allow-redirects): not kept for a mirror added through the admin API"
                        + " (expected: none; declare the mirror in the config file to set them)"));
        if (!problems.isEmpty()) {
            throw new ConfigException(name, problems);
        }
        return mirrors.get(0);
    }

    private static MirrorgateConfig build(ConfigNode root, Path baseDir) {
        ConfigNode repo = root.section("repository");
        RepositorySettings d = RepositorySettings.DEFAULTS;
        String rootText = repo.string("root", "");
        Path repoRoot = d.root();
        if (rootText.isEmpty()) {
            repo.problem("root", "(missing)", "the directory holding the local copy of the archive");
        } else {
            repoRoot = baseDir.resolve(rootText).normalize();
        }
        String prefix = repo.string("url-prefix", ResolveSettings.DEFAULTS.urlPrefix());
        if (!prefix.startsWith("/") || !prefix.endsWith("/")) {
            repo.problem("url-prefix", prefix, "a URL path starting and ending with '/', e.g. /debian/");
            prefix = ResolveSettings.DEFAULTS.urlPrefix();
        }
        Duration interval = repo.duration("scan-interval", d.interval(), Duration.ofSeconds(1), Duration.ofDays(1));
        Set<Digest> digests = EnumSet.noneOf(Digest.class);
        digests.addAll(repo.has("hashes") ? repo.list("hashes", ConfigLoader::digest, "sha256, sha1 or md5")
                : d.digests());
        Duration grace = repo.duration("deleted-grace", d.deletedGrace(), Duration.ZERO, Duration.ofDays(365));
        int hashThreads = (int) repo.integer("hash-threads", d.hashThreads(), 1, 64);
        List<String> excludes = repo.has("excludes")
                ? repo.list("excludes", x -> x, "globs on one file or directory name") : d.excludes();
        boolean skipRsyncTemps = repo.bool("skip-rsync-temporaries", d.skipRsyncTemporaries());
        boolean watch = repo.bool("watch", d.watch());
        RepositorySettings scan = null;
        try {
            scan = new RepositorySettings(repoRoot, interval, digests, grace, hashThreads, excludes, skipRsyncTemps,
                    watch);
        } catch (IllegalArgumentException e) {
            root.problem("repository", "(invalid)", e.getMessage());
        }

        MirrorgateConfig.Listen listen = ListenSection.read(root.section("listen"), baseDir);
        ConfigNode admin = root.section("admin");
        String token = admin.string("token-file", "");
        Path tokenFile = token.isEmpty() ? null : baseDir.resolve(token);
        ConfigNode resolve = root.section("resolve");
        ResolveSettings resolveSettings = resolve(resolve, prefix);
        RankSettings rank = rank(resolve);
        GeoSettings geo = geo(root, root.section("geoip"), baseDir);

        Map<String, PerMirrorScanSettings> mirrorScans = new LinkedHashMap<>();
        List<MirrorSpec> mirrors = MirrorParser.mirrors(root.sections("mirrors"), mirrorScans);
        ConfigNode downloads = root.section("downloads");
        return new MirrorgateConfig(new MirrorgateConfig.Repository(scan), listen, tokenFile, resolveSettings, rank,
                geo, policies(root), MirrorParser.fallbacks(root.sections("fallbacks")), mirrors,
                ScanSection.read(root.section("scan"), baseDir), mirrorScans, StoreSection.read(root.section("store"), baseDir),
                pages(root.section("pages"), baseDir, resolveSettings.aptListPath()), DownloadsSection.counting(downloads),
                DownloadsSection.log(downloads, baseDir));
    }

    /**
     * The {@code pages:} keys: the operator's templates, who may ask for another client's mirror
     * list, and where the public list of mirrors is answered.
     */
    private static PageSettings pages(ConfigNode pages, Path baseDir, String aptListPath) {
        String dir = pages.string("templates", "");
        Path templates = dir.isEmpty() ? null : baseDir.resolve(dir).normalize();
        List<IpPrefix> fromip = pages.list("fromip-clients", IpPrefix::parse,
                "CIDR prefixes such as 192.0.2.7/32 or 2001:db8::/32");
        String json = pages.string("mirrors-json", "");
        String jsonPath = json.isEmpty() ? null : PageSettings.mirrorsJsonPath(json);
        if (!json.isEmpty() && jsonPath == null) {
            pages.problem("mirrors-json", json, "\"\" (off) or a file path under repository.url-prefix starting with"
                    + " '/', such as /mirrors.json (no query, no '..')");
        } else if (jsonPath != null && jsonPath.equals(aptListPath)) {
            pages.problem("mirrors-json", json, "a path other than resolve.apt-mirror-list's (" + aptListPath + ")");
            jsonPath = null;
        }
        return new PageSettings(templates, fromip, jsonPath);
    }

    /** The {@code resolve:} keys of the resolver; {@code urlPrefix} comes from {@code repository:}. */
    private static ResolveSettings resolve(ConfigNode resolve, String urlPrefix) {
        ResolveSettings d = ResolveSettings.DEFAULTS;
        int maxAlternates = (int) resolve.integer("max-alternates", d.maxAlternates(), 0, 50);
        int cacheSize = (int) resolve.integer("client-cache-size", d.clientCacheSize(), 1, 1 << 24);
        int warmup = (int) resolve.integer("warmup-calls", d.warmupCalls(), 0, 1_000_000);
        String aptList = resolve.string("apt-mirror-list", d.aptMirrorList());
        try {
            return new ResolveSettings(urlPrefix, maxAlternates, cacheSize, warmup, aptList);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage(); // "apt-mirror-list: <value> (expected: ...)"
            resolve.problem("apt-mirror-list", aptList, m.substring(m.indexOf("(expected: ") + 11, m.length() - 1));
            return new ResolveSettings(urlPrefix, maxAlternates, cacheSize, warmup);
        }
    }

    /** The {@code resolve:} keys of the ranking. */
    private static RankSettings rank(ConfigNode resolve) {
        RankSettings d = RankSettings.DEFAULTS;
        double slack = resolve.number("near-slack-km", d.nearSlackKm(), 0, 20_000);
        double slackMax = resolve.number("near-slack-max-km", Math.max(slack, d.nearSlackMaxKm()), 0, 20_000);
        if (slackMax < slack) {
            resolve.problem("near-slack-max-km", String.valueOf(slackMax), ">= near-slack-km (" + slack + ")");
            slackMax = slack;
        }
        return new RankSettings(
                resolve.number("weight-distance-range", d.weightDistanceRange(), 1.0, 100),
                slack,
                slackMax,
                (int) resolve.integer("max-near", d.maxNear(), 1, 1000),
                resolve.number("asn-allowance-km", d.asnAllowanceKm(), 0, RankSettings.MAX_ALLOWANCE_KM),
                resolve.number("country-allowance-km", d.countryAllowanceKm(), 0, RankSettings.MAX_ALLOWANCE_KM),
                resolve.number("continent-allowance-km", d.continentAllowanceKm(), 0,
                        RankSettings.MAX_ALLOWANCE_KM),
                resolve.bool("allow-http-to-https", d.allowHttpToHttps()),
                resolve.bool("trace-freshness", d.traceFreshness()),
                resolve.number("trace-min-coverage", d.traceMinCoverage(), 0, 1));
    }

    private static GeoSettings geo(ConfigNode root, ConfigNode geo, Path baseDir) {
        GeoSettings d = GeoSettings.DEFAULTS;
        List<Path> city = new ArrayList<>();
        if (geo.has("city-database")) {
            city.add(baseDir.resolve(geo.string("city-database", "")));
        }
        city.addAll(geo.list("city-databases", baseDir::resolve, "paths of .mmdb files"));
        if (!geo.has("city-database") && !geo.has("city-databases")) {
            city.addAll(d.cityDatabases());
        }
        String asn = geo.string("asn-database", "");
        Path asnFile = asn.isEmpty() ? d.asnDatabase() : baseDir.resolve(asn);
        int cacheSize = (int) geo.integer("cache-size", d.cacheSize(), 0, GeoSettings.MAX_CACHE_SIZE);
        Duration reload = geo.duration("reload-interval", d.reloadCheckInterval(), Duration.ZERO, Duration.ofDays(1));
        try {
            return new GeoSettings(city, asnFile, cacheSize, reload);
        } catch (IllegalArgumentException e) {
            root.problem("geoip", "(invalid)", e.getMessage());
            return d;
        }
    }

    private static PathRules policies(ConfigNode root) {
        List<PathRules.Rule> rules = new ArrayList<>();
        for (ConfigNode n : root.sections("policies")) {
            String match = n.string("match", "");
            String kindText = n.choice("policy", PathPolicy.DEFAULT.kind().key(),
                    List.of("strict", "allow-outdated", "local", "mirror-only"));
            PathPolicy.Kind kind = PathPolicy.Kind.byKey(kindText);
            long minutes = n.integer("minutes", kind == PathPolicy.Kind.ALLOW_OUTDATED
                    ? PathPolicy.DEFAULT_OUTDATED_MINUTES : 0, 0, 525_600);
            if (minutes != 0 && kind != PathPolicy.Kind.ALLOW_OUTDATED) {
                n.problem("minutes", Long.toString(minutes), "only with policy: allow-outdated");
            }
            long smallerThan = n.bytes("smaller-than", 0, 0, Long.MAX_VALUE / 2);
            if (match.isEmpty()) {
                n.problem("match", "(missing)", "a glob such as dists/**/InRelease");
                continue;
            }
            try {
                rules.add(new PathRules.Rule(match, smallerThan, new PathPolicy(kind, minutes * 60_000,
                        match + (smallerThan > 0 ? " < " + smallerThan + " B" : ""))));
                new PathRules(List.of(rules.get(rules.size() - 1))); // compiles the glob: reports a bad one here
            } catch (IllegalArgumentException e) {
                n.problem("match", match, "a glob relative to the repository root (no leading '/'): * ** ?");
                rules.remove(rules.size() - 1);
            }
        }
        return new PathRules(rules);
    }

    private static Digest digest(String key) {
        Digest d = Digest.byKey(key);
        if (d == null) {
            throw new IllegalArgumentException(key);
        }
        return d;
    }
}
