package org.mirrorgate.api;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.mirrorgate.api.v1.FileStats;
import org.mirrorgate.api.v1.GetStatsRequest;
import org.mirrorgate.api.v1.GetStatsResponse;
import org.mirrorgate.api.v1.StatsGranularity;
import org.mirrorgate.api.v1.StatsPoint;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.stats.DownloadStats;
import org.mirrorgate.stats.StatsQueries;
import org.mirrorgate.stats.StatsQueryException;

/**
 * GetStats: protos to {@link StatsQueries} and back. The counters are read from the store (disk
 * or Redis), so queries run on one thread of their own, never on the transport threads Resolve
 * uses; 8 more may wait, beyond that RESOURCE_EXHAUSTED.
 */
final class StatsRpc {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;

    private final StatsQueries queries;
    private final Index index;
    private final Supplier<? extends Collection<String>> fallbackNames;
    private final ExecutorService executor = new ThreadPoolExecutor(0, 1, 60, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(8), r -> {
                Thread t = new Thread(r, "mirrorgate-stats-query");
                t.setDaemon(true);
                return t;
            });

    /** @param queries null when the service keeps no statistics (FAILED_PRECONDITION) */
    StatsRpc(StatsQueries queries, Index index, Supplier<? extends Collection<String>> fallbackNames) {
        this.queries = queries;
        this.index = index;
        this.fallbackNames = fallbackNames;
    }

    void get(GetStatsRequest request, StreamObserver<GetStatsResponse> response) {
        if (queries == null) {
            response.onError(Status.FAILED_PRECONDITION.withDescription("this service keeps no download statistics")
                    .asRuntimeException());
            return;
        }
        try {
            executor.execute(() -> answer(request, response));
        } catch (RejectedExecutionException e) {
            response.onError(Status.RESOURCE_EXHAUSTED.withDescription("too many statistics queries waiting; try"
                    + " again later").asRuntimeException());
        }
    }

    void shutdown() {
        executor.shutdownNow();
    }

    private void answer(GetStatsRequest request, StreamObserver<GetStatsResponse> response) {
        try {
            response.onNext(toProto(query(request)));
            response.onCompleted();
        } catch (StatsQueryException e) {
            Status s = e.kind() == StatsQueryException.Kind.NOT_FOUND ? Status.NOT_FOUND : Status.INVALID_ARGUMENT;
            response.onError(s.withDescription(e.getMessage()).asRuntimeException());
        } catch (RuntimeException e) {
            response.onError(Status.UNAVAILABLE.withDescription("reading the statistics from the store: " + e)
                    .asRuntimeException());
        }
    }

    private StatsQueries.Report query(GetStatsRequest r) throws StatsQueryException {
        DownloadStats.Granularity g = switch (r.getGranularity()) {
            case STATS_DAY -> DownloadStats.Granularity.DAY;
            case STATS_MONTH -> DownloadStats.Granularity.MONTH;
            case STATS_YEAR -> DownloadStats.Granularity.YEAR;
            default -> null;
        };
        return switch (r.getDimension()) {
            case STATS_MIRROR -> queries.mirror(r.getName(), knownNames(), r.getFrom(), r.getTo(), g);
            case STATS_COUNTRY -> queries.country(r.getName(), r.getFrom(), r.getTo(), g);
            case STATS_FILE -> queries.files(r.getName(), r.getFrom(), r.getTo(), g, r.getLimit() == 0 ? DEFAULT_LIMIT
                    : (int) Math.min(Integer.toUnsignedLong(r.getLimit()), MAX_LIMIT));
            default -> throw StatsQueryException.invalid("dimension: " + r.getDimension() + " (expected: STATS_MIRROR, STATS_FILE or STATS_COUNTRY)");
        };
    }

    private List<String> knownNames() {
        List<String> names = new ArrayList<>();
        index.snapshot().specs().stream().map(MirrorSpec::name).forEach(names::add);
        names.addAll(fallbackNames.get());
        names.add(DownloadStats.LOCAL);
        return names;
    }

    private GetStatsResponse toProto(StatsQueries.Report report) {
        GetStatsResponse.Builder b = GetStatsResponse.newBuilder().setFrom(report.from().toString())
                .setTo(report.to().toString())
                .setGranularity(switch (report.granularity()) {
                    case DAY -> StatsGranularity.STATS_DAY;
                    case MONTH -> StatsGranularity.STATS_MONTH;
                    case YEAR -> StatsGranularity.STATS_YEAR;
                })
                .setTotalRequests(report.total().requests()).setTotalBytes(report.total().bytes())
                .setFilesMatched(report.filesMatched());
        for (DownloadStats.Point p : report.points()) {
            b.addPoints(StatsPoint.newBuilder().setPeriod(p.period().toString()).setRequests(p.counts().requests())
                    .setBytes(p.counts().bytes()));
        }
        IndexSnapshot snap = index.snapshot();
        FileTable files = snap.files();
        for (StatsQueries.FileCount f : report.files()) {
            int id = files.idOf(f.path());
            b.addFiles(FileStats.newBuilder().setPath(f.path()).setRequests(f.requests())
                    .setBytes(id >= 0 ? f.requests() * files.size(id) : 0));
        }
        return b.build();
    }
}
