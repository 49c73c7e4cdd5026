package org.mirrorgate.server;

import com.google.common.base.Ticker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.mirrorgate.api.MirrorAdminService;
import org.mirrorgate.config.MirrorgateConfig;
import org.mirrorgate.downloadlog.DownloadLog;
import org.mirrorgate.downloadlog.ReopenSignal;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.geo.GeoLookups;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.MirrorGapsRefresher;
import org.mirrorgate.lease.LeasedTask;
import org.mirrorgate.metrics.DownloadLogMetrics;
import org.mirrorgate.metrics.LoadMetrics;
import org.mirrorgate.metrics.RepositoryMetrics;
import org.mirrorgate.metrics.StoreMetrics;
import org.mirrorgate.mirror.EventLog;
import org.mirrorgate.rank.Ranker;
import org.mirrorgate.repo.RepositoryIndexer;
import org.mirrorgate.resolve.DecisionListener;
import org.mirrorgate.reload.ConfigReloader;
import org.mirrorgate.reload.ConfigReloads;
import org.mirrorgate.resolve.Fallback;
import org.mirrorgate.resolve.LiveResolver;
import org.mirrorgate.resolve.Resolver;
import org.mirrorgate.scan.monitor.MirrorMonitor;
import org.mirrorgate.load.CapacityGovernor;
import org.mirrorgate.load.LoadMeter;
import org.mirrorgate.stats.DownloadRecorder;
import org.mirrorgate.stats.DownloadTotals;
import org.mirrorgate.stats.SameDownloadFilter;
import org.mirrorgate.stats.StatsQueries;
import org.mirrorgate.store.StateStore;
import org.mirrorgate.store.StoreSettings;

/**
 * The service's components, wired from the config in one place: what depends on what is read
 * here, top to bottom, and nowhere else.
 */
public final class Services {

    private final Index index;
    private final LiveResolver resolver;
    private final EventLog events;
    private final MirrorAdminService admin;
    private final PrometheusRegistry registry;
    private final List<Lifecycle> background;
    private final ConfigReloads reloads;

    /** Something with a start and a bounded stop (scanners, monitors, the store). */
    interface Lifecycle {
        void start() throws IOException;

        void stop();
    }

    private Services(Index index, LiveResolver resolver, EventLog events, MirrorAdminService admin,
            PrometheusRegistry registry, List<Lifecycle> background, ConfigReloads reloads) {
        this.reloads = reloads;
        this.index = index;
        this.resolver = resolver;
        this.events = events;
        this.admin = admin;
        this.registry = registry;
        this.background = background;
    }

    /** Scans finishing within this of each other cost one rebuild of the index's gap rows. */
    private static final Duration GAPS_REFRESH_DELAY = Duration.ofSeconds(2);
    /** Rebuilds of the gap rows at most this often: a scan storm must not rebuild after every scan (MirrorGapsRefresher). */
    private static final Duration GAPS_REFRESH_MIN_INTERVAL = Duration.ofSeconds(15);
    /** How old the download totals of ?mirrorstats may be (the page says it; docs/pages.md). */
    private static final long TOTALS_REFRESH_SECONDS = 30;

    /** @param configFile the file {@code config} was read from (Reload and SIGHUP read it again), or null */
    static Services create(MirrorgateConfig config, Path configFile) throws IOException {
        Index index = new Index(config.mirrors(), System::currentTimeMillis);
        // Restores the last state (files, bitmaps, mirror states) in one publication before anything
        // else runs, so a restart serves from where it stopped instead of waiting for a walk.
        PrometheusRegistry registry = new PrometheusRegistry();
        StoreMetrics storeMetrics = new StoreMetrics(registry); // times every store call, the restore's too
        StateStore store = StateStore.open(config.store(), index, storeMetrics);
        EventLog events = store.eventLog();
        GeoLookup geo = GeoLookups.open(config.geo());
        // A client's repeated requests for one file within the window count once (Range parts, resumes).
        // The load meter sits behind the filter: a download's Range parts add its size once.
        LoadMeter load = new LoadMeter(store.recorder());
        DownloadRecorder counted = new SameDownloadFilter(load, config.counting(), Ticker.systemTicker());
        DownloadLog downloadLog = config.downloadLog().enabled()
                ? new DownloadLog(config.downloadLog(), System::currentTimeMillis) : null;
        // ?mirrorstats shows today's and this month's downloads from an in-memory snapshot, read off
        // the request path every TOTALS_REFRESH_SECONDS: a page request never reads the store.
        DownloadTotals totals = new DownloadTotals(store.stats(), index::nowMillis);
        // A reload swaps the resolver (ranking, policies, fallbacks, pages) whole; everything that
        // needs the one serving now reads it from here.
        LiveResolver resolver = new LiveResolver(new Resolver(index, geo, new Ranker(config.rank()), config.policies(),
                config.fallbacks(), config.resolve(), counted, config.pages(),
                downloadLog == null ? DecisionListener.NONE : downloadLog, totals::current));
        CapacityGovernor governor = new CapacityGovernor(load, store.loadBoard(), () -> index.snapshot().specs(),
                resolver::admit, System::currentTimeMillis);
        StatsQueries stats = new StatsQueries(store.stats(), new StatsQueries.Retention(
                config.store().statsRetentionDays(), config.store().statsMonthlyRetentionMonths()),
                () -> LocalDate.ofEpochDay(Math.floorDiv(index.nowMillis(), 86_400_000L))); // counters' days are UTC
        MirrorMonitor monitor = new MirrorMonitor(index, events, config.scan(), config.mirrorScans(),
                System::currentTimeMillis, store.scanLease(), store.replicas()::owns);
        monitor.registerMetrics(registry);
        storeMetrics.registerStatus(store::status);
        LoadMetrics.register(registry, resolver::admission);
        // The indexer walking (and watching) the tree on this replica, for RefreshRepository: with
        // Redis it exists only while this replica holds the walk lease.
        AtomicReference<RepositoryIndexer> walking = new AtomicReference<>();
        RepositoryMetrics.register(registry, walking::get);
        ConfigReloads reloads = configFile == null ? ConfigReloads.NONE
                : new ConfigReloader(configFile, config, index, resolver, monitor, geo);
        MirrorAdminService admin = new MirrorAdminService(index, resolver, events, monitor, walking::get,
                store::persistMirrorState, // an admin change answers OK once durable
                stats, () -> resolver.get().fallbacks().stream().map(Fallback::name).toList(), geo, reloads);
        List<Lifecycle> background = new ArrayList<>();
        background.add(lifecycle(() -> { }, store::close)); // stops last: flushes, releases leases
        if (downloadLog != null) {
            DownloadLogMetrics.register(registry, downloadLog);
            background.add(lifecycle(() -> {
                downloadLog.start();
                ReopenSignal.install(downloadLog::reopen); // logrotate's postrotate sends SIGUSR1
            }, downloadLog::close));
        }
        ScheduledExecutorService balancing = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mirrorgate-capacity");
            t.setDaemon(true);
            return t;
        });
        background.add(lifecycle(() -> governor.start(balancing), () -> {
            governor.stop();
            balancing.shutdownNow();
        }));
        ScheduledExecutorService totalsThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mirrorgate-page-totals");
            t.setDaemon(true);
            return t;
        });
        background.add(lifecycle(() -> totals.start(totalsThread, TOTALS_REFRESH_SECONDS), () -> {
            totals.stop();
            totalsThread.shutdownNow();
        }));
        MirrorGapsRefresher gaps = new MirrorGapsRefresher(index, GAPS_REFRESH_DELAY, GAPS_REFRESH_MIN_INTERVAL);
        background.add(lifecycle(gaps::start, gaps::close));
        if (config.store().type() == StoreSettings.Type.REDIS) {
            LeasedTask walk = new LeasedTask(store.leases(), "walk", () -> {
                RepositoryIndexer indexer = new RepositoryIndexer(config.repository().scan(), index);
                indexer.start();
                walking.set(indexer);
                return () -> {
                    walking.compareAndSet(indexer, null);
                    indexer.stop();
                };
            }, 5_000);
            background.add(lifecycle(walk::start, walk::stop));
        } else {
            RepositoryIndexer local = new RepositoryIndexer(config.repository().scan(), index);
            walking.set(local);
            background.add(lifecycle(local::start, local::stop));
        }
        // Mirror scans compare against the local table: the monitor starts after the local scanner,
        // and its first scans wait for the index to be ready (jenkins-infra #820: a mirror scan before
        // the local one sends everything to the fallback).
        background.add(lifecycle(monitor::start, () -> {
            admin.shutdown();
            monitor.stop();
        }));
        if (geo instanceof AutoCloseable closeable) {
            background.add(lifecycle(() -> { }, () -> close(closeable))); // stops the database reload thread
        }
        return new Services(index, resolver, events, admin, registry, background, reloads);
    }

    private static Lifecycle lifecycle(Runnable start, Runnable stop) {
        return new Lifecycle() {
            @Override
            public void start() {
                start.run();
            }

            @Override
            public void stop() {
                stop.run();
            }
        };
    }

    private static void close(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(Services.class).warn("closing {}: {}", closeable, e.toString());
        }
    }

    void start() throws IOException {
        for (Lifecycle l : background) {
            l.start();
        }
    }

    void stop() {
        for (int i = background.size() - 1; i >= 0; i--) {
            background.get(i).stop(); // reverse order: what started last depends on what started first
        }
    }

    public Index index() {
        return index;
    }

    /** The resolver serving now (a reload swaps it). */
    public Resolver resolver() {
        return resolver.get();
    }

    LiveResolver liveResolver() {
        return resolver;
    }

    public EventLog events() {
        return events;
    }

    /** Where every component registers its metrics; the server exports it. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** What SIGHUP and the Reload RPC run. */
    ConfigReloads reloads() {
        return reloads;
    }

    MirrorAdminService admin() {
        return admin;
    }
}
