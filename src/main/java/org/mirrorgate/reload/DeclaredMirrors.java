package org.mirrorgate.reload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mirrorgate.config.MirrorYaml;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.MirrorSpec;

/**
 * The mirror set a reloaded file makes: the file's mirrors (origin {@code config}) follow it, added,
 * changed and removed with it, as they do at start; mirrors added through the admin API stay as they
 * are. A name the file declares that is an API mirror with another definition refuses the whole
 * reload (a name cannot be in both); one declared exactly as the API has it is taken over by the
 * file ({@link MirrorSpec#declares}), as at start.
 */
final class DeclaredMirrors {

    /** The file cannot take effect; the reload changes nothing. */
    static final class Conflict extends Exception {
        private static final long serialVersionUID = 1L;

        Conflict(String message) {
            super(message, null, false, false);
        }
    }

    /** One line per change, for the report and the log. */
    final List<String> changes = new ArrayList<>();
    /** The mirrors whose stored definition or switch changes. */
    final Set<String> touched = new LinkedHashSet<>();

    private final List<MirrorSpec> declared;

    DeclaredMirrors(List<MirrorSpec> declared) {
        this.declared = List.copyOf(declared);
    }

    /** The new set (the file's mirrors in its order, then the API's), or null when nothing changes. */
    List<MirrorSpec> apply(IndexSnapshot current) throws Conflict {
        changes.clear();
        touched.clear();
        Map<String, MirrorSpec> running = new LinkedHashMap<>();
        current.specs().forEach(s -> running.put(s.name(), s));
        List<MirrorSpec> next = new ArrayList<>();
        for (MirrorSpec d : declared) {
            MirrorSpec was = running.get(d.name());
            if (was == null) {
                changes.add("mirror " + d.name() + ": added (" + (d.enabled() ? "enabled" : "disabled") + ")");
                touched.add(d.name());
            } else if (was.origin() == MirrorSpec.Origin.API) {
                if (!d.declares(was)) {
                    throw new Conflict("mirror " + d.name() + " is declared in the config file and was added through"
                            + " the admin API with another definition; a name cannot be in both: remove it from the"
                            + " file, or remove the API mirror (mirrorgate remove " + d.name() + "), or paste what"
                            + " `mirrorgate export yaml` prints for it");
                }
                changes.add("mirror " + d.name() + ": taken over by the config file (was added through the admin API)");
                touched.add(d.name());
            } else if (!d.equals(was)) {
                changes.add("mirror " + d.name() + ": changed " + changedKeys(was, d)
                        + (was.enabled() != d.enabled() ? " (enabled: " + d.enabled() + " replaces any run-time override)" : ""));
                touched.add(d.name());
            }
            next.add(d);
        }
        Set<String> names = new LinkedHashSet<>();
        declared.forEach(d -> names.add(d.name()));
        for (MirrorSpec s : current.specs()) {
            if (names.contains(s.name())) {
                continue;
            }
            if (s.origin() == MirrorSpec.Origin.API) {
                next.add(s);
            } else {
                changes.add("mirror " + s.name() + ": removed (no longer in the config file; its statistics stay)");
                touched.add(s.name());
            }
        }
        return touched.isEmpty() && next.equals(current.specs()) ? null : next;
    }

    /** The keys whose lines differ between the two definitions as YAML, e.g. {@code [score, capacity]}. */
    static List<String> changedKeys(MirrorSpec was, MirrorSpec now) {
        Set<String> before = keyedLines(was);
        Set<String> keys = new LinkedHashSet<>();
        for (String line : keyedLines(now)) {
            if (!before.remove(line)) {
                keys.add(line.substring(0, line.indexOf('\t')));
            }
        }
        before.forEach(line -> keys.add(line.substring(0, line.indexOf('\t'))));
        return List.copyOf(keys);
    }

    /** Each line of the definition as YAML, prefixed by its top-level key and a tab (list items take their list's key). */
    private static Set<String> keyedLines(MirrorSpec spec) {
        Set<String> lines = new LinkedHashSet<>();
        String key = "";
        for (String line : MirrorYaml.write(spec, url -> url).split("\n")) {
            int colon = line.indexOf(':');
            if (!line.startsWith(" ") && !line.startsWith("-") && colon > 0) {
                key = line.substring(0, colon);
            }
            lines.add(key + "\t" + line);
        }
        return lines;
    }
}
