package org.mirrorgate.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;
import org.mirrorgate.repo.RepositoryIndexer;
import org.mirrorgate.repo.WalkCounters;
import org.mirrorgate.repo.WalkSummary;

/**
 * The local walker and its watcher, read at scrape time from the indexer running on this replica.
 * With Redis only the replica holding the walk lease runs one: elsewhere only {@code
 * mirrorgate_repository_walking 0} is exported, and the counters restart from 0 on the replica
 * that takes the lease over (Prometheus' rate() treats that as a counter reset).
 */
public final class RepositoryMetrics {

    private RepositoryMetrics() {}

    /** {@code indexer}: the indexer walking on this replica, or null while another one does. */
    public static void register(PrometheusRegistry registry, Supplier<RepositoryIndexer> indexer) {
        GaugeWithCallback.builder().name("mirrorgate_repository_walking")
                .help("1 when this replica walks (and watches) the local tree, 0 while another replica holds the"
                        + " walk lease")
                .callback(cb -> cb.call(indexer.get() == null ? 0 : 1)).register(registry);
        GaugeWithCallback.builder().name("mirrorgate_repository_last_walk_timestamp_seconds")
                .help("When the last whole walk of the local tree completed (epoch seconds; absent before the first)")
                .callback(cb -> {
                    RepositoryIndexer i = indexer.get();
                    if (i != null && i.counters().lastOkMillis() > 0) {
                        cb.call(i.counters().lastOkMillis() / 1000.0);
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("mirrorgate_repository_last_walk_duration_seconds")
                .help("Wall time of the last whole walk, failed or not (the walk and its publication, not the hashing)")
                .callback(cb -> {
                    WalkSummary s = summary(indexer);
                    if (s != null) {
                        cb.call(s.duration().toNanos() / 1e9);
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("mirrorgate_repository_last_walk_files")
                .help("Regular files the last successful whole walk saw (excluded names not counted)")
                .callback(cb -> {
                    WalkSummary s = summary(indexer);
                    if (s != null && s.ok()) {
                        cb.call(s.files());
                    }
                }).register(registry);
        CounterWithCallback.builder().name("mirrorgate_repository_walks")
                .help("Whole walks of the local tree by result: ok, failed (root missing or unreadable: the index"
                        + " keeps its files; the log says why)")
                .labelNames("result")
                .callback(cb -> {
                    RepositoryIndexer i = indexer.get();
                    if (i != null) {
                        cb.call(i.counters().walksOk(), "ok");
                        cb.call(i.counters().walksFailed(), "failed");
                    }
                }).register(registry);
        CounterWithCallback.builder().name("mirrorgate_repository_changes")
                .help("Files the walks, refreshes and watcher batches found added, changed (queued for hashing) or"
                        + " deleted")
                .labelNames("change")
                .callback(cb -> {
                    RepositoryIndexer i = indexer.get();
                    if (i != null) {
                        WalkCounters c = i.counters();
                        cb.call(c.added(), "added");
                        cb.call(c.changed(), "changed");
                        cb.call(c.deleted(), "deleted");
                    }
                }).register(registry);
        CounterWithCallback.builder().name("mirrorgate_repository_hashed_files")
                .help("Files hashed (a file that changed again while it was read is not counted)")
                .callback(cb -> ifWalking(indexer, i -> cb.call(i.filesHashed()))).register(registry);
        CounterWithCallback.builder().name("mirrorgate_repository_hashed_bytes")
                .help("Bytes read for hashing")
                .callback(cb -> ifWalking(indexer, i -> cb.call(i.bytesHashed()))).register(registry);
        GaugeWithCallback.builder().name("mirrorgate_repository_watched_directories")
                .help("Directories the watcher (inotify) watches; 0 when repository.watch is off")
                .callback(cb -> ifWalking(indexer, i -> cb.call(i.watchedDirectories()))).register(registry);
        GaugeWithCallback.builder().name("mirrorgate_repository_watch_limit_reached")
                .help("1 when fs.inotify.max_user_watches left directories unwatched (their changes wait for the"
                        + " next walk: raise the sysctl)")
                .callback(cb -> ifWalking(indexer, i -> cb.call(i.watchLimitReached() ? 1 : 0))).register(registry);
        CounterWithCallback.builder().name("mirrorgate_repository_watch_batches")
                .help("Batches of changed paths the watcher applied as partial updates")
                .callback(cb -> ifWalking(indexer, i -> cb.call(i.watchBatches()))).register(registry);
        CounterWithCallback.builder().name("mirrorgate_repository_watch_overflows")
                .help("Times the watcher lost events (a queue overflowed, too many paths at once) and walked the"
                        + " whole tree instead")
                .callback(cb -> ifWalking(indexer, i -> cb.call(i.watchOverflows()))).register(registry);
    }

    private static WalkSummary summary(Supplier<RepositoryIndexer> indexer) {
        RepositoryIndexer i = indexer.get();
        return i == null ? null : i.lastSummary();
    }

    private static void ifWalking(Supplier<RepositoryIndexer> indexer, java.util.function.Consumer<RepositoryIndexer> read) {
        RepositoryIndexer i = indexer.get();
        if (i != null) {
            read.accept(i);
        }
    }
}
