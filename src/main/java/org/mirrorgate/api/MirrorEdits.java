package org.mirrorgate.api;

import static java.util.Objects.requireNonNull;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.mirrorgate.config.ConfigException;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.config.MirrorYaml;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.MirrorSpec;

/**
 * Adds, replaces and removes mirrors of origin {@code api} in the index, each change checked whole
 * before one publication, so a refused change leaves the index as it was. Serialized with every
 * other change of the mirror set (a config reload too) by {@link Index#editMirrors}: of two
 * concurrent edits the second sees the first (a second add of a name is refused; of two updates
 * made from the same {@link #version} the second is refused; without one the last wins). Mirrors of the config file are refused here: the file is their definition.
 */
final class MirrorEdits {

    /** Why an edit was refused; the adapter maps it to a gRPC status. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        enum Why { INVALID, EXISTS, UNKNOWN, CONFIG_MIRROR, CHANGED_MEANWHILE }

        final Why why;

        Refused(Why why, String message) {
            super(message, null, false, false);
            this.why = why;
        }
    }

    private final Index index;

    MirrorEdits(Index index) {
        this.index = requireNonNull(index, "index");
    }

    MirrorSpec add(String definition) throws Refused {
        MirrorSpec spec = parse(definition).withOrigin(MirrorSpec.Origin.API);
        index.editMirrors(s -> {
            int pos = s.positionOf(spec.name());
            if (pos >= 0) {
                throw new Refused(Refused.Why.EXISTS, "mirror " + spec.name() + " already exists (origin "
                        + s.spec(pos).origin().label() + "); choose another name, or change it with `mirrorgate edit "
                        + spec.name() + "`" + (s.spec(pos).origin() == MirrorSpec.Origin.CONFIG ? " (in the config file)" : ""));
            }
            List<MirrorSpec> next = new ArrayList<>(s.specs());
            next.add(spec);
            return next;
        });
        return spec;
    }

    /**
     * @param expectedVersion the {@link #version} the caller's change was made from, or empty to
     *     replace whatever is there
     */
    MirrorSpec update(String name, String definition, String expectedVersion) throws Refused {
        if (definition.contains("://***@")) {
            throw new Refused(Refused.Why.INVALID, "a scan URL's credentials read ***, as they are shown; give them"
                    + " in full, or leave them out");
        }
        MirrorSpec spec = parse(definition).withOrigin(MirrorSpec.Origin.API);
        if (!spec.name().equals(name)) {
            throw new Refused(Refused.Why.INVALID, "name: " + spec.name() + " (expected: " + name
                    + "; a mirror is renamed by adding the new name and removing the old)");
        }
        MirrorSpec[] kept = new MirrorSpec[1];
        index.editMirrors(s -> {
            int pos = apiMirror(s, name);
            MirrorSpec old = s.spec(pos);
            String current = version(old);
            if (!expectedVersion.isEmpty() && !expectedVersion.equals(current)) {
                throw new Refused(Refused.Why.CHANGED_MEANWHILE, "mirror " + name + " was changed by someone else"
                        + " since it was read (version " + expectedVersion + ", now " + current + "); nothing changed:"
                        + " run `mirrorgate show " + name + "` and make the change again");
            }
            // enabled is the state's switch (SetMirrorEnabled), not the definition's
            kept[0] = spec.withEnabled(old.enabled());
            List<MirrorSpec> next = new ArrayList<>(s.specs());
            next.set(pos, kept[0]);
            return next;
        });
        return kept[0];
    }

    /**
     * The definition's version for compare-and-set updates: a digest of everything the definition
     * says (credentials included), so it needs no counter kept in the store and is the same on
     * every replica; enable/disable is state and leaves it alone.
     */
    static String version(MirrorSpec spec) {
        return Hashing.sha256().hashString(MirrorYaml.write(spec, url -> url), StandardCharsets.UTF_8).toString()
                .substring(0, 16);
    }

    void remove(String name) throws Refused {
        index.editMirrors(s -> {
            List<MirrorSpec> next = new ArrayList<>(s.specs());
            next.remove(apiMirror(s, name));
            return next;
        });
    }

    private static int apiMirror(IndexSnapshot s, String name) throws Refused {
        int pos = s.positionOf(name);
        if (pos < 0) {
            throw new Refused(Refused.Why.UNKNOWN, "mirror: " + name + " (expected: one of "
                    + s.specs().stream().map(MirrorSpec::name).toList() + ")");
        }
        if (s.spec(pos).origin() == MirrorSpec.Origin.CONFIG) {
            throw new Refused(Refused.Why.CONFIG_MIRROR, "mirror " + name + " is declared in the config file:"
                    + " change it there (it follows the file at every start); the admin API manages mirrors it added");
        }
        return pos;
    }

    private static MirrorSpec parse(String definition) throws Refused {
        try {
            return ConfigLoader.parseMirror(definition, false);
        } catch (ConfigException e) {
            // one line, as the CLI prints it: every problem, "; "-separated
            throw new Refused(Refused.Why.INVALID, "mirror definition: " + String.join("; ", e.problems()));
        }
    }
}
