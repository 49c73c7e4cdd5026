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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * holds nothing, as a mirror not yet scanned) with the same random draws ({@link SeededDraw}): a
 * request counts as changed only when the configs move it. The two configs decide on two threads.
 */
public final class Replay {

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

    /** Told after each batch of a few thousand requests and at each file's end; on the replaying thread. */
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
            ReplaySide current = new ReplaySide(o.current(), currentIndex, currentGeo, new SeededDraw());
            ReplaySide proposed = new ReplaySide(o.proposed(), proposedIndex, proposedGeo, new SeededDraw());
            return new Run(o, current, proposed, progress, total).run();
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

    /**
     * One pass over the logs. Requests are decided in batches: the proposed config's side on a
     * second thread while this one decides the current config's, then both are counted here. Each
     * side stays confined to one thread at a time (its resolver, plan cache, draws, governor), and
     * {@link Future#get} orders a batch's decisions before their counting.
     */
    private static final class Run {
        static final int BATCH = 4096;

        private final Options o;
        private final ReplaySide current;
        private final ReplaySide proposed;
        private final Progress progress;
        private final long totalBytes;
        private final LogReader reader;
        private final Tally tally;
        private final String prefix;
        private final Map<String, Long> skipped = new HashMap<>();
        private final List<LogRequest> batch = new ArrayList<>(BATCH);
        private long requests;
        private long seen;

        Run(Options o, ReplaySide current, ReplaySide proposed, Progress progress, long totalBytes) {
            this.o = o;
            this.current = current;
            this.proposed = proposed;
            this.progress = progress;
            this.totalBytes = totalBytes;
            this.reader = new LogReader(o.format(), o.maxBadSamples());
            this.tally = new Tally(o.byCountry());
            this.prefix = o.current().resolve().urlPrefix();
            current.index().snapshot().specs().forEach(s -> tally.declare(s.name()));
            proposed.index().snapshot().specs().forEach(s -> tally.declare(s.name()));
        }

        ReplayReport run() throws IOException {
            ExecutorService second = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "mirrorgate-replay");
                t.setDaemon(true);
                return t;
            });
            try {
                for (Path log : o.logs()) {
                    reader.read(log, r -> {
                        if (admit(r)) {
                            batch.add(r);
                            if (batch.size() == BATCH) {
                                flush(second);
                            }
                        }
                    });
                    flush(second);
                    progress.update(reader.lines(), reader.bytesRead(), totalBytes);
                }
            } finally {
                second.shutdownNow();
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

        /** True when {@code r} is a request to replay; else counted as skipped, by reason. */
        private boolean admit(LogRequest r) {
            String method = r.method();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                // A token of capitals is a method; anything else (TLS bytes sent to port 80) is not
                // named, so the reasons stay few whatever the log holds.
                skip(method.length() <= 12 && method.chars().allMatch(c -> c >= 'A' && c <= 'Z')
                        ? "method " + method : "not an HTTP method");
                return false;
            }
            String path = r.path();
            if (!path.startsWith(prefix) && !(path.length() + 1 == prefix.length() && prefix.startsWith(path))) {
                skip("outside url-prefix " + prefix);
                return false;
            }
            if (r.ip().isEmpty()) {
                skip("no client address (a download log with log-client-ip: none)");
                return false;
            }
            return true;
        }

        private void flush(ExecutorService second) {
            if (batch.isEmpty()) {
                return;
            }
            long first = seen;
            seen += batch.size();
            Future<Decided> b = second.submit(() -> decide(proposed, batch, first));
            Decided a = decide(current, batch, first);
            Decided bs;
            try {
                bs = b.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            for (int i = 0; i < batch.size(); i++) {
                if (a.refused[i] != null || bs.refused[i] != null) {
                    String m = a.refused[i] != null ? a.refused[i] : bs.refused[i];
                    int colon = m.indexOf(':');
                    skip("invalid request (" + (colon < 0 ? "refused" : m.substring(0, colon)) + ")");
                    continue;
                }
                LogRequest r = batch.get(i);
                requests++;
                tally.add(a.countries[i], a.decisions[i], r.bytesOr(a.decisions[i].fileSize()), bs.decisions[i],
                        r.bytesOr(bs.decisions[i].fileSize()));
            }
            batch.clear();
            progress.update(reader.lines(), reader.bytesRead(), totalBytes);
        }

        /** One side's decisions for a batch; on whichever thread runs that side now. */
        private Decided decide(ReplaySide side, List<LogRequest> requests, long first) {
            Decided out = new Decided(requests.size());
            for (int i = 0; i < requests.size(); i++) {
                LogRequest r = requests.get(i);
                // The same seed on both sides: a group they share draws the same mirror.
                side.seed(r.ip().hashCode() * 0x9e3779b97f4a7c15L + r.path().hashCode() * 31L + first + i);
                try {
                    out.decisions[i] = side.decide(r, o.https());
                    out.countries[i] = side.location().country();
                } catch (InvalidRequestException e) {
                    out.refused[i] = e.getMessage() == null ? "refused" : e.getMessage();
                } catch (NotReadyException e) {
                    throw new IllegalStateException(e.getMessage(), e); // checked before the first line
                }
            }
            return out;
        }

        private void skip(String reason) {
            skipped.merge(reason, 1L, Long::sum);
        }
    }

    /** A batch's decisions by one side: a decision, or why the request was refused. */
    private static final class Decided {
        final Decision[] decisions;
        final String[] countries;
        final String[] refused;

        Decided(int n) {
            decisions = new Decision[n];
            countries = new String[n];
            refused = new String[n];
        }
    }
}
