package org.mirrorgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mirrorgate.api.v1.AddMirrorRequest;
import org.mirrorgate.api.v1.GetMirrorRequest;
import org.mirrorgate.api.v1.MirrorDefinition;
import org.mirrorgate.api.v1.MirrorInfo;
import org.mirrorgate.api.v1.RemoveMirrorRequest;
import org.mirrorgate.api.v1.UpdateMirrorRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * add, show, edit, remove: the Mirrorbits operator's commands for mirrors of origin "api". The
 * service validates definitions with the config file's parser, so these only build them.
 */
final class MirrorEditCommands {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private MirrorEditCommands() {}

    @Command(name = "add", description = {"Add a mirror through the admin API (origin \"api\": kept in the store,"
            + " managed with edit/remove; config-file mirrors are changed in the file).",
            "It starts disabled (as in Mirrorbits: scan it, then enable it) unless --enable."})
    static final class Add extends AdminCommands.Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--http-url", description = "base URL for plain-http redirects, ending in /") String httpUrl;
        @Option(names = "--https-url", description = "base URL for https redirects, ending in /") String httpsUrl;
        @Option(names = "--rsync-url", description = "scan URL (rsync:// or rsyncs://)") String rsyncUrl;
        @Option(names = "--ftp-url", description = "scan URL (ftp://)") String ftpUrl;
        @Option(names = "--country", split = ",", description = "ISO country codes; the first is the primary") List<String> countries;
        @Option(names = "--continent", description = "AF, AN, AS, EU, NA, OC or SA") String continent;
        @Option(names = "--asn", split = ",", description = "AS numbers it is reachable in") List<Long> asns;
        @Option(names = "--prefix", split = ",", description = "client networks (CIDR) that prefer it") List<String> prefixes;
        @Option(names = "--exclude-country", split = ",", description = "never send clients from these") List<String> excluded;
        @Option(names = "--score", description = "weight modifier in percent, -100 .. 1000") Integer score;
        @Option(names = "--capacity", description = "relative capacity, > 0 (default 1)") Double capacity;
        @Option(names = "--max-mbps", description = "the bandwidth it offers, Mbit/s: load above it spills to the next mirrors") Double maxMbps;
        @Option(names = "--families", description = "reachable over ipv4, ipv6 or both (default: learned from DNS)") String families;
        @Option(names = "--country-only", description = "serve only clients of its countries") boolean countryOnly;
        @Option(names = "--continent-only", description = "serve only clients of its continent") boolean continentOnly;
        @Option(names = "--asn-only", description = "serve only clients of its ASNs") boolean asnOnly;
        @Option(names = "--trusted", description = "assumed to hold every file; never scanned") boolean trusted;
        @Option(names = "--latitude") Double latitude;
        @Option(names = "--longitude") Double longitude;
        @Option(names = "--enable", description = "in rotation at once") boolean enable;
        @Option(names = "--sponsor-name", description = "who sponsors it (shown on ?mirrorstats and mirrors.json)") String sponsorName;
        @Option(names = "--sponsor-url", description = "the sponsor's page, http(s)://") String sponsorUrl;
        @Option(names = "--sponsor-logo", description = "the sponsor's logo image, http(s)://") String sponsorLogo;
        @Option(names = "--admin-name", description = "who runs it (operators only: show, export)") String adminName;
        @Option(names = "--admin-email", description = "whom to write about it (operators only; export mirmon)") String adminEmail;
        @Option(names = "--comment", description = "a note for operators") String comment;

        @Override
        void run() throws Exception {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("name", name);
            putText(o, "http-url", httpUrl);
            putText(o, "https-url", httpsUrl);
            putText(o, "rsync-url", rsyncUrl);
            putText(o, "ftp-url", ftpUrl);
            putList(o, "countries", countries);
            putText(o, "continent", continent);
            putList(o, "asns", asns);
            putList(o, "prefixes", prefixes);
            putList(o, "excluded-countries", excluded);
            if (score != null) {
                o.put("score", score);
            }
            if (capacity != null) {
                o.put("capacity", capacity);
            }
            if (maxMbps != null) {
                o.put("max-mbps", maxMbps);
            }
            putText(o, "families", families);
            putFlag(o, "country-only", countryOnly);
            putFlag(o, "continent-only", continentOnly);
            putFlag(o, "asn-only", asnOnly);
            putFlag(o, "trusted", trusted);
            if (latitude != null) {
                o.put("latitude", latitude);
            }
            if (longitude != null) {
                o.put("longitude", longitude);
            }
            o.put("enabled", enable);
            putText(o, "sponsor-name", sponsorName);
            putText(o, "sponsor-url", sponsorUrl);
            putText(o, "sponsor-logo", sponsorLogo);
            putText(o, "admin-name", adminName);
            putText(o, "admin-email", adminEmail);
            putText(o, "comment", comment);
            MirrorInfo m = client.admin().addMirror(AddMirrorRequest.newBuilder().setDefinition(o.toString()).build());
            out().printf("%s: added (origin api, %s)%s%n", m.getName(), m.getEnabled() ? "enabled" : "disabled",
                    m.getEnabled() ? "" : "; `mirrorgate scan " + name + "`, then `mirrorgate enable " + name + "`");
        }

        private static void putText(com.fasterxml.jackson.databind.node.ObjectNode o, String key, String value) {
            if (value != null) {
                o.put(key, value);
            }
        }
    }

    @Command(name = "show", description = {"Print a mirror's definition as YAML (the config file's keys).",
            "Its version is what `edit --if-version` compares."})
    static final class Show extends AdminCommands.Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        JsonOutput json;

        @Override
        void run() throws Exception {
            MirrorDefinition d = client.admin().getMirrorDefinition(GetMirrorRequest.newBuilder().setName(name).build());
            if (json.json) {
                JsonOutput.print(out(), d);
                return;
            }
            out().printf("# origin: %s%n# version: %s%n%s", d.getOrigin(), d.getVersion(), d.getYaml());
        }
    }

    @Command(name = "edit", description = {"Change a mirror added through the admin API.",
            "With --set KEY=VALUE (repeatable; VALUE in YAML, e.g. countries=[DE,AT]) for scripts; without, opens"
                    + " its YAML in $EDITOR, shows the changed lines and applies them.",
            "If someone else changed the mirror after this edit read it, the edit is refused and nothing"
                    + " changes (compare-and-set on the definition's version): run it again."})
    static final class Edit extends AdminCommands.Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "set one key; `KEY=` removes it")
        List<String> sets = new ArrayList<>();

        @Option(names = "--if-version", paramLabel = "VERSION", description = "apply only if the definition still"
                + " has this version (from `show`), for a script's read-change-write")
        String ifVersion;

        @Override
        void run() throws Exception {
            MirrorDefinition d = client.admin().getMirrorDefinition(GetMirrorRequest.newBuilder().setName(name).build());
            // The service compares atomically: the version this edit started from, or the script's.
            String expected = ifVersion != null ? ifVersion : d.getVersion();
            String next = sets.isEmpty() ? inEditor(d.getYaml()) : applySets(d.getYaml(), sets);
            if (next == null) {
                out().printf("%s: no change%n", name);
                return;
            }
            diff(d.getYaml(), next);
            client.admin().updateMirror(UpdateMirrorRequest.newBuilder().setName(name).setDefinition(next)
                    .setExpectedVersion(expected).build());
            out().printf("%s: updated%n", name);
        }

        private String inEditor(String yaml) throws Exception {
            String editor = System.getenv().getOrDefault("VISUAL", System.getenv().getOrDefault("EDITOR", "vi"));
            Path file = Files.createTempFile("mirrorgate-" + name + "-", ".yaml");
            try {
                Files.writeString(file, yaml);
                int code = new ProcessBuilder("sh", "-c", editor + " \"$1\"", "editor", file.toString()).inheritIO()
                        .start().waitFor();
                if (code != 0) {
                    throw new IllegalStateException(editor + " exited with " + code + "; nothing changed");
                }
                String edited = Files.readString(file, StandardCharsets.UTF_8);
                return edited.equals(yaml) ? null : edited;
            } finally {
                Files.deleteIfExists(file);
            }
        }

        private void diff(String before, String after) {
            List<String> a = before.lines().toList();
            List<String> b = after.lines().toList();
            a.stream().filter(l -> !b.contains(l)).forEach(l -> out().println("- " + l));
            b.stream().filter(l -> !a.contains(l)).forEach(l -> out().println("+ " + l));
        }
    }

    /** The definition with each KEY=VALUE applied; VALUE is read as YAML; an empty one removes KEY. */
    static String applySets(String yaml, List<String> sets) throws Exception {
        ObjectNode o = (ObjectNode) YAML.readTree(yaml);
        for (String set : sets) {
            int eq = set.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set " + set + " (expected: KEY=VALUE, e.g. score=20)");
            }
            String key = set.substring(0, eq);
            String value = set.substring(eq + 1);
            if (value.isEmpty()) {
                o.remove(key);
            } else {
                JsonNode v = YAML.readTree(value);
                o.set(key, v);
            }
        }
        return YAML.writeValueAsString(o);
    }

    @Command(name = "remove", description = {"Remove a mirror added through the admin API (its download statistics"
            + " stay).", "Asks for the name again unless -f."})
    static final class Remove extends AdminCommands.Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = {"-f", "--force"}, description = "do not ask")
        boolean force;

        @Override
        void run() throws Exception {
            if (!force) {
                var console = System.console();
                if (console == null) {
                    throw new IllegalArgumentException("remove " + name + ": no terminal to confirm on; pass -f");
                }
                String typed = console.readLine("Remove mirror %s? Type its name to confirm: ", name);
                if (typed == null || !typed.trim().equals(name)) {
                    out().printf("%s: not removed%n", name);
                    return;
                }
            }
            client.admin().removeMirror(RemoveMirrorRequest.newBuilder().setName(name).build());
            out().printf("%s: removed%n", name);
        }
    }

    private static void putText(ObjectNode o, String key, String value) {
        if (value != null) {
            o.put(key, value);
        }
    }

    private static void putFlag(ObjectNode o, String key, boolean value) {
        if (value) {
            o.put(key, true);
        }
    }

    private static void putList(ObjectNode o, String key, List<?> values) {
        if (values != null && !values.isEmpty()) {
            ArrayNode a = o.putArray(key);
            values.forEach(v -> a.add(v instanceof Long l ? JsonNodeFactory.instance.numberNode(l)
                    : JsonNodeFactory.instance.textNode(v.toString())));
        }
    }
}
