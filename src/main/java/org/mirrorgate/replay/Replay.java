package org.mirrorgate.replay;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mirrorgate.config.MirrorgateConfig;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.geo.GeoLookups;
import org.mirrorgate.index.Availability;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;
import org.mirrorgate.resolve.Decision;
import org.mirrorgate.resolve.InvalidRequestException;
import org.mirrorgate.resolve.NotReadyException;
import org.mirrorgate.store.OfflineRestore;
import org.mirrorgate.store.StoreSettings;

/**
 * Decision replay ({@code mirrorgate replay}): runs the requests of access logs through the
 * decisions of two configs, against one index restored read-only from a service's store, and
 * counts where each request goes under each. Nothing is counted as a download, nothing is written.
 *
 * <p>Both configs decide every request from the same index (the new config's mirrors get the
 * stored availability and state of the mirror of the same name; a mirror the store does not know
 * holds nothing, as a mirror not yet scanned) with the same random draws ({@link SeededDraw}),
 * single-threaded: a request counts as changed only when the configs move it.
 */
public final class Replay {

    /** Requests between two progress calls. */
    static final int PROGRESS_EVERY = 1 << 16;

    /**
     * @param current the config the service runs
     * @param proposed the config to compare with it
     * @param store where the index is restored from (usually {@code current.store()})
     * @param logs replayed in this order: oldest first, for capacity balancing on the log's times
     * @param https decide as if every request came over https (the combined format does not say)
     * @param byCountry also count per client country
     * @param maxBadSamples how many bad lines to keep for the report
     */
    public record Options(MirrorgateConfig current, MirrorgateConfig proposed, StoreSettings store, List<Path> logs,
            LogFormat format, boolean https, boolean byCountry, int maxBadSamples) {
        public Options {
            requireNonNull(current, "current");
            requireNonNull(proposed, "proposed");
            requireNonNull(store, "store");
            logs = List.copyOf(logs);
            requireNonNull(format, "format");
        }
    }

    /** Told every {@link #PROGRESS_EVERY} requests and at each file's end; on the replaying thread. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (lines, bytesRead, bytesTotal) -> { };

        void update(long lines, long bytesRead, long bytesTotal);
    }

    private Replay() {}

    /**
     * @throws IOException a log cannot be read
     * @throws IllegalStateException the store holds no indexed tree
     * @throws org.mirrorgate.store.StoreUnavailableException the store cannot be opened (a running service holds it)
     */
    public static ReplayReport run(Options o, Progress progress) throws IOException {
        long total = 0;
        for (Path log : o.logs()) { // a missing log fails here, before the restore
            if (!Files.isRegularFile(log) || !Files.isReadable(log)) {
                throw new IOException(log + ": cannot read this log (no such file, not a file, or no permission)");
            }
            total += Files.size(log);
        }
        Index currentIndex = new Index(o.current().mirrors(), System::currentTimeMillis);
        OfflineRestore.restore(o.store(), currentIndex);
        if (!currentIndex.snapshot().ready()) {
            throw new IllegalStateException(o.store().type() == StoreSettings.Type.EMBEDDED
                    ? o.store().file() + ": the store holds no file table (the service has not indexed the repository yet)"
                    : "the store holds no file table (the service has not indexed the repository yet)");
        }
        currentIndex.refreshGaps(); // as MirrorGapsRefresher does in the service
        Index proposedIndex = derive(currentIndex.snapshot(), o.proposed().mirrors());
        proposedIndex.refreshGaps();
        List<AutoCloseable> closing = new ArrayList<>();
        try {
            GeoLookup currentGeo = open(o.current(), closing);
            GeoLookup proposedGeo = o.proposed().geo().equals(o.current().geo()) ? currentGeo : open(o.proposed(), closing);
            SeededDraw draw = new SeededDraw();
            ReplaySide current = new ReplaySide(o.current(), currentIndex, currentGeo, draw);
            ReplaySide proposed = new ReplaySide(o.proposed(), proposedIndex, proposedGeo, draw);
            return new Run(o, current, proposed, draw, progress, total).run();
        } finally {
            for (AutoCloseable c : closing) {
                try {
                    c.close();
                } catch (Exception e) {
                    // the database reload thread of a lookup about to be dropped: nothing to report
                }
            }
        }
    }

    private static GeoLookup open(MirrorgateConfig config, List<AutoCloseable> closing) {
        GeoLookup g = GeoLookups.open(config.geo());
        if (g instanceof AutoCloseable c) {
            closing.add(c);
        }
        return g;
    }

    /**
     * An index holding what {@code restored} holds (the same file table and availability objects:
     * no second copy in memory) for {@code declared}'s mirrors, as the service would restore it
     * under that config: the declared mirrors, then the stored API mirrors it does not declare;
     * each with its stored state and availability, a declared {@code enabled} that changed taking
     * effect.
     */
    static Index derive(IndexSnapshot restored, List<MirrorSpec> declared) {
        List<MirrorSpec> specs = new ArrayList<>(declared);
        Set<String> names = new HashSet<>();
        declared.forEach(s -> names.add(s.name()));
        for (MirrorSpec s : restored.specs()) {
            if (s.origin() == MirrorSpec.Origin.API && !names.contains(s.name())) {
                specs.add(s);
            }
        }
        List<MirrorState> states = new ArrayList<>();
        List<Availability> availability = new ArrayList<>();
        for (MirrorSpec s : specs) {
            int p = restored.positionOf(s.name());
            if (p < 0) {
                states.add(MirrorState.initial(s));
                availability.add(Availability.NONE);
                continue;
            }
            MirrorState state = restored.state(p);
            if (restored.spec(p).enabled() != s.enabled()) {
                state = state.withEnabled(s.enabled());
            }
            states.add(state);
            availability.add(restored.availability(p));
        }
        Index index = new Index(specs, System::currentTimeMillis);
        index.restore(restored.files(), true, specs, states, availability);
        return index;
    }

    /** One pass over the logs. */
    private static final class Run {
        private final Options o;
        private final ReplaySide current;
        private final ReplaySide proposed;
        private final SeededDraw draw;
        private final Progress progress;
        private final long totalBytes;
        private final LogReader reader;
        private final Tally tally;
        private final String prefix;
        private final Map<String, Long> skipped = new HashMap<>();
        private long requests;

        Run(Options o, ReplaySide current, ReplaySide proposed, SeededDraw draw, Progress progress, long totalBytes) {
            this.o = o;
            this.current = current;
            this.proposed = proposed;
            this.draw = draw;
            this.progress = progress;
            this.totalBytes = totalBytes;
            this.reader = new LogReader(o.format(), o.maxBadSamples());
            this.tally = new Tally(o.byCountry());
            this.prefix = o.current().resolve().urlPrefix();
            current.index().snapshot().specs().forEach(s -> tally.declare(s.name()));
            proposed.index().snapshot().specs().forEach(s -> tally.declare(s.name()));
        }

        ReplayReport run() throws IOException {
            for (Path log : o.logs()) {
                reader.read(log, this::replay);
                progress.update(reader.lines(), reader.bytesRead(), totalBytes);
            }
            List<String> notes = new ArrayList<>();
            if (!o.proposed().resolve().urlPrefix().equals(prefix)) {
                notes.add("the configs' url-prefix differ (" + prefix + ", " + o.proposed().resolve().urlPrefix()
                        + "): requests are taken under the current one, " + prefix);
            }
            for (ReplaySide side : List.of(current, proposed)) {
                if (side.hasCapacities() && !side.capacitySimulated()) {
                    notes.add((side == current ? "current" : "new") + " config: max-mbps not simulated (the log"
                            + " has no times, or spans less than one balancing period): every mirror kept all its requests");
                }
            }
            return new ReplayReport(reader.lines(), requests, reader.bad(), reader.empty(), reader.samples(), skipped,
                    tally.targets(), tally.countries(), tally.current(), tally.proposed(), tally.changed(), notes);
        }

        private void replay(LogRequest r) {
            String method = r.method();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                // A token of capitals is a method; anything else (TLS bytes sent to port 80) is not
                // named, so the reasons stay few whatever the log holds.
                skip(method.length() <= 12 && method.chars().allMatch(c -> c >= 'A' && c <= 'Z')
                        ? "method " + method : "not an HTTP method");
                return;
            }
            String path = r.path();
            if (!path.startsWith(prefix) && !(path.length() + 1 == prefix.length() && prefix.startsWith(path))) {
                skip("outside url-prefix " + prefix);
                return;
            }
            if (r.ip().isEmpty()) {
                skip("no client address (a download log with log-client-ip: none)");
                return;
            }
            // The same seed for both sides: a group they share draws the same mirror.
            long seed = r.ip().hashCode() * 0x9e3779b97f4a7c15L + path.hashCode() * 31L + requests;
            Decision a;
            Decision b;
            try {
                draw.seed(seed);
                a = current.decide(r, o.https());
                String country = current.location().country();
                draw.seed(seed);
                b = proposed.decide(r, o.https());
                requests++;
                tally.add(country, a, r.bytesOr(a.fileSize()), b, r.bytesOr(b.fileSize()));
            } catch (InvalidRequestException e) {
                String m = e.getMessage();
                int colon = m == null ? -1 : m.indexOf(':');
                skip("invalid request (" + (colon < 0 ? "refused" : m.substring(0, colon)) + ")");
                return;
            } catch (NotReadyException e) {
                throw new IllegalStateException(e.getMessage(), e); // checked before the first line
            }
            if (requests % PROGRESS_EVERY == 0) {
                progress.update(reader.lines(), reader.bytesRead(), totalBytes);
            }
        }

        private void skip(String reason) {
            skipped.merge(reason, 1L, Long::sum);
        }
    }
}
