package org.mirrorgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A typed, validating view of one YAML mapping. Getters take the default and the allowed range,
 * record a precise problem ({@code repository.scan-interval: 5x (expected: a duration such as 30s,
 * 5m, 3d)}) and return the default instead of throwing, so one run reports every mistake. {@link
 * #finish()} reports keys nobody asked for: unknown keys are rejected, never ignored (a typo must
 * not silently fall back to a default).
 *
 * <p>It knows YAML, not the domain: the loader and the section readers beside it ({@link
 * ScanSection}, {@link StoreSection}, {@link MirrorParser}) turn nodes into settings records, and no
 * other package sees a node.
 */
final class ConfigNode {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|k|K|M|G)?");

    private final JsonNode node;
    private final String path;
    private final List<String> problems;
    private final Set<String> known = new LinkedHashSet<>();
    private final List<ConfigNode> children = new ArrayList<>();

    private ConfigNode(JsonNode node, String path, List<String> problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    static ConfigNode root(JsonNode node, List<String> problems) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            node = JsonNodeFactory.instance.objectNode();
        }
        ConfigNode root = new ConfigNode(node, "", problems);
        if (!node.isObject()) {
            problems.add("(top level): " + describe(node) + " (expected: a mapping of sections)");
            return new ConfigNode(JsonNodeFactory.instance.objectNode(), "", problems);
        }
        return root;
    }

    /** A nested mapping; an absent key gives an empty one (all defaults). */
    ConfigNode section(String key) {
        known.add(key);
        JsonNode child = node.get(key);
        if (child == null || child.isNull()) {
            child = JsonNodeFactory.instance.objectNode();
        } else if (!child.isObject()) {
            problem(key, child, "a mapping");
            child = JsonNodeFactory.instance.objectNode();
        }
        ConfigNode c = new ConfigNode(child, where(key), problems);
        children.add(c);
        return c;
    }

    /** A list of mappings; absent gives an empty list. */
    List<ConfigNode> sections(String key) {
        known.add(key);
        JsonNode child = node.get(key);
        List<ConfigNode> out = new ArrayList<>();
        if (child == null || child.isNull()) {
            return out;
        }
        if (!child.isArray()) {
            problem(key, child, "a list");
            return out;
        }
        for (int i = 0; i < child.size(); i++) {
            JsonNode item = child.get(i);
            String itemPath = where(key) + "[" + i + "]";
            if (!item.isObject()) {
                problems.add(itemPath + ": " + describe(item) + " (expected: a mapping)");
                continue;
            }
            ConfigNode c = new ConfigNode(item, itemPath, problems);
            children.add(c);
            out.add(c);
        }
        return out;
    }

    /** Whether {@code key} is given; asking makes it a known key (it is listed when another is unknown). */
    boolean has(String key) {
        known.add(key);
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    /** Whether {@code key} is given as a list (for keys taking either one value or a list). */
    boolean isList(String key) {
        known.add(key);
        JsonNode v = node.get(key);
        return v != null && v.isArray();
    }

    String string(String key, String def) {
        known.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isValueNode()) {
            problem(key, v, "a string");
            return def;
        }
        return v.asText();
    }

    /** A string that must be one of {@code choices}. */
    String choice(String key, String def, List<String> choices) {
        String s = string(key, def);
        if (!choices.contains(s)) {
            problems.add(where(key) + ": " + s + " (expected: one of " + String.join(", ", choices) + ")");
            return def;
        }
        return s;
    }

    boolean bool(String key, boolean def) {
        known.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isBoolean()) {
            problem(key, v, "true or false");
            return def;
        }
        return v.asBoolean();
    }

    long integer(String key, long def, long min, long max) {
        known.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            problem(key, v, "a whole number, " + min + " .. " + max);
            return def;
        }
        return v.asLong();
    }

    double number(String key, double def, double min, double max) {
        known.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max || Double.isNaN(v.asDouble())) {
            problem(key, v, "a number, " + min + " .. " + max);
            return def;
        }
        return v.asDouble();
    }

    /** A duration written as a number and a unit: 150ms, 30s, 5m, 6h, 3d. */
    Duration duration(String key, Duration def, Duration min, Duration max) {
        known.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        Matcher m = DURATION.matcher(v.asText().trim());
        if (!v.isTextual() && !v.isIntegralNumber() || !m.matches()) {
            problem(key, v, "a duration such as 150ms, 30s, 5m, 6h, 3d");
            return def;
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            problem(key, v, "a duration from " + human(min) + " to " + human(max));
            return def;
        }
        return d;
    }

    /**
     * A file mode in octal, such as "0660": a quoted string, since YAML reads an unquoted 0660 as
     * a number. At most 0777 (no setuid, setgid or sticky bits).
     */
    int fileMode(String key, int def) {
        known.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isTextual() || !v.asText().matches("0?[0-7]{3}")) {
            problem(key, v, "an octal mode in quotes, such as \"0660\"" + (v.isNumber() ? " (unquoted, YAML reads it as"
                    + " a number)" : ""));
            return def;
        }
        return Integer.parseInt(v.asText(), 8);
    }

    /** A size in bytes: 4096, 4KiB, 10MiB, 1GiB (k/M/G are binary too). */
    long bytes(String key, long def, long min, long max) {
        known.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        Matcher m = SIZE.matcher(v.asText().trim());
        if (!m.matches()) {
            problem(key, v, "a size such as 4096, 64KiB, 10MiB");
            return def;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        long mult = switch (unit) {
            case "KiB", "k", "K" -> 1L << 10;
            case "MiB", "M" -> 1L << 20;
            case "GiB", "G" -> 1L << 30;
            default -> 1;
        };
        long b = n * mult;
        if (b < min || b > max) {
            problem(key, v, "a size from " + min + " to " + max + " bytes");
            return def;
        }
        return b;
    }

    /** A list of scalars, each converted by {@code parse}; an exception's message becomes the problem. */
    <T> List<T> list(String key, Function<String, T> parse, String expected) {
        known.add(key);
        JsonNode v = node.get(key);
        List<T> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            problem(key, v, "a list of " + expected);
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            try {
                if (!item.isValueNode()) {
                    throw new IllegalArgumentException();
                }
                out.add(parse.apply(item.asText()));
            } catch (RuntimeException e) {
                problems.add(where(key) + "[" + i + "]: " + describe(item) + " (expected: " + expected + ")");
            }
        }
        return out;
    }

    /** Records a problem found by the caller's own validation. */
    void problem(String key, String value, String expected) {
        problems.add(where(key) + ": " + value + " (expected: " + expected + ")");
    }

    /** Dotted path of {@code key} below this node, e.g. {@code mirrors[2].http-url}. */
    String where(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Reports keys of this node and its children that no getter asked for. */
    void finish() {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                problems.add(printable(where(key)) + ": unknown key (expected one of: " + String.join(", ", known) + ")");
            }
        }
        children.forEach(ConfigNode::finish);
    }

    private void problem(String key, JsonNode v, String expected) {
        problems.add(where(key) + ": " + describe(v) + " (expected: " + expected + ")");
    }

    private static String describe(JsonNode v) {
        if (v.isContainerNode()) {
            return v.isArray() ? "a list" : "a mapping";
        }
        String text = v.asText();
        return printable(text.length() > 80 ? text.substring(0, 80) + "..." : text);
    }

    /** One line whatever the file holds: a problem is one line of a log or of check-config's output. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> out.append(c < 0x20 || c == 0x7f ? '?' : c);
            }
        }
        return out.toString();
    }

    /** As the YAML writes durations: 5m, 30s, 3d, 250ms. */
    static String human(Duration d) {
        if (d.toMillis() % 86_400_000 == 0 && !d.isZero()) {
            return d.toDays() + "d";
        }
        if (d.toMillis() % 3_600_000 == 0 && !d.isZero()) {
            return d.toHours() + "h";
        }
        if (d.toMillis() % 60_000 == 0 && !d.isZero()) {
            return d.toMinutes() + "m";
        }
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
