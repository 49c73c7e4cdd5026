package org.mirrorgate.api;

import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.mirrorgate.api.v1.AddMirrorRequest;
import org.mirrorgate.api.v1.ExplainRequest;
import org.mirrorgate.api.v1.ExplainResponse;
import org.mirrorgate.api.v1.GeoUpdateMirrorRequest;
import org.mirrorgate.api.v1.GeoUpdateMirrorResponse;
import org.mirrorgate.api.v1.GetMirrorEventsRequest;
import org.mirrorgate.api.v1.GetMirrorEventsResponse;
import org.mirrorgate.api.v1.GetMirrorRequest;
import org.mirrorgate.api.v1.GetStatsRequest;
import org.mirrorgate.api.v1.GetStatsResponse;
import org.mirrorgate.api.v1.ListMirrorsRequest;
import org.mirrorgate.api.v1.ListMirrorsResponse;
import org.mirrorgate.api.v1.MirrorAdminGrpc;
import org.mirrorgate.api.v1.MirrorDefinition;
import org.mirrorgate.api.v1.MirrorEvent;
import org.mirrorgate.api.v1.MirrorInfo;
import org.mirrorgate.api.v1.RefreshRepositoryRequest;
import org.mirrorgate.api.v1.ReloadRequest;
import org.mirrorgate.api.v1.ReloadResponse;
import org.mirrorgate.api.v1.RemoveMirrorRequest;
import org.mirrorgate.api.v1.RemoveMirrorResponse;
import org.mirrorgate.api.v1.RefreshRepositoryResponse;
import org.mirrorgate.api.v1.ScanMirrorRequest;
import org.mirrorgate.api.v1.ScanProgress;
import org.mirrorgate.api.v1.Scheme;
import org.mirrorgate.api.v1.SetMirrorEnabledRequest;
import org.mirrorgate.api.v1.UpdateMirrorRequest;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.load.Admission;
import org.mirrorgate.mirror.EventLog;
import org.mirrorgate.rank.Verdict;
import org.mirrorgate.reload.ConfigReloads;
import org.mirrorgate.repo.RepositoryIndexer;
import org.mirrorgate.resolve.Explanation;
import org.mirrorgate.resolve.InvalidRequestException;
import org.mirrorgate.resolve.NotReadyException;
import org.mirrorgate.resolve.LiveResolver;
import org.mirrorgate.resolve.Resolver;
import org.mirrorgate.scan.monitor.MirrorMonitor;
import org.mirrorgate.stats.StatsQueries;

/** gRPC binding of the operator's API over the index, the resolver and the event log. */
public class MirrorAdminService extends MirrorAdminGrpc.MirrorAdminImplBase {

    private final Index index;
    private final LiveResolver resolver;
    private final EventLog events;
    private final ScanRpc scans;
    private final RefreshRpc refreshes;
    private final MirrorStateWrites durable;
    private final MirrorEditRpc edits;
    private final StatsRpc stats;
    private final GeoUpdateRpc geoUpdates;
    private final ReloadRpc reloads;

    /**
     * Admin changes kept in memory only (no store), and no local tree walker on this replica:
     * RefreshRepository answers FAILED_PRECONDITION.
     */
    public MirrorAdminService(Index index, Resolver resolver, EventLog events, MirrorMonitor monitor) {
        this(index, resolver, events, monitor, () -> null, MirrorStateWrites.IN_MEMORY);
    }

    /**
     * @param indexer the local tree's indexer while this replica walks it, else null (with Redis,
     *     the walk moves between replicas with its lease)
     * @param durable makes a state change durable before the call answers OK ({@link DurableAnswer})
     */
    public MirrorAdminService(Index index, Resolver resolver, EventLog events, MirrorMonitor monitor,
            Supplier<RepositoryIndexer> indexer, MirrorStateWrites durable) {
        this(index, resolver, events, monitor, indexer, durable, null, List::of);
    }

    /**
     * @param stats the download statistics GetStats answers from, or null (FAILED_PRECONDITION)
     * @param fallbackNames the configured fallbacks' names: downloads are counted under them too
     */
    public MirrorAdminService(Index index, Resolver resolver, EventLog events, MirrorMonitor monitor,
            Supplier<RepositoryIndexer> indexer, MirrorStateWrites durable, StatsQueries stats,
            Supplier<? extends Collection<String>> fallbackNames) {
        this(index, resolver, events, monitor, indexer, durable, stats, fallbackNames, GeoLookup.NONE);
    }

    /** @param geo where GeoUpdateMirror places a mirror's host (the service's own databases) */
    public MirrorAdminService(Index index, Resolver resolver, EventLog events, MirrorMonitor monitor,
            Supplier<RepositoryIndexer> indexer, MirrorStateWrites durable, StatsQueries stats,
            Supplier<? extends Collection<String>> fallbackNames, GeoLookup geo) {
        this(index, new LiveResolver(resolver), events, monitor, indexer, durable, stats, fallbackNames, geo,
                ConfigReloads.NONE);
    }

    /**
     * @param resolver the resolver serving now (Explain reads it per call: a reload swaps it)
     * @param reloads what Reload runs (the service's config file read anew)
     */
    public MirrorAdminService(Index index, LiveResolver resolver, EventLog events, MirrorMonitor monitor,
            Supplier<RepositoryIndexer> indexer, MirrorStateWrites durable, StatsQueries stats,
            Supplier<? extends Collection<String>> fallbackNames, GeoLookup geo, ConfigReloads reloads) {
        this.stats = new StatsRpc(stats, requireNonNull(index, "index"), requireNonNull(fallbackNames, "fallbackNames"));
        this.durable = requireNonNull(durable, "durable");
        this.index = requireNonNull(index, "index");
        this.resolver = requireNonNull(resolver, "resolver");
        this.events = requireNonNull(events, "events");
        this.scans = new ScanRpc(requireNonNull(monitor, "monitor"));
        this.refreshes = new RefreshRpc(requireNonNull(indexer, "indexer"));
        MirrorEdits definitions = new MirrorEdits(index); // Index.editMirrors serializes it with reloads
        this.edits = new MirrorEditRpc(index, definitions, events, durable);
        this.geoUpdates = new GeoUpdateRpc(index, definitions, events, durable, geo);
        this.reloads = new ReloadRpc(requireNonNull(reloads, "reloads"), events, durable);
    }

    @Override
    public void reload(ReloadRequest request, StreamObserver<ReloadResponse> response) {
        reloads.reload(response);
    }

    @Override
    public void addMirror(AddMirrorRequest request, StreamObserver<MirrorInfo> response) {
        edits.add(request, response);
    }

    @Override
    public void updateMirror(UpdateMirrorRequest request, StreamObserver<MirrorInfo> response) {
        edits.update(request, response);
    }

    @Override
    public void removeMirror(RemoveMirrorRequest request, StreamObserver<RemoveMirrorResponse> response) {
        edits.remove(request, response);
    }

    @Override
    public void getMirrorDefinition(GetMirrorRequest request, StreamObserver<MirrorDefinition> response) {
        edits.definition(request, response);
    }

    @Override
    public void geoUpdateMirror(GeoUpdateMirrorRequest request, StreamObserver<GeoUpdateMirrorResponse> response) {
        geoUpdates.update(request, response);
    }

    @Override
    public void refreshRepository(RefreshRepositoryRequest request,
            StreamObserver<RefreshRepositoryResponse> response) {
        refreshes.refresh(request, response);
    }

    @Override
    public void scanMirror(ScanMirrorRequest request, StreamObserver<ScanProgress> response) {
        scans.scan(request.getName(), response);
    }

    @Override
    public void getStats(GetStatsRequest request, StreamObserver<GetStatsResponse> response) {
        stats.get(request, response);
    }

    /** Stops manual scans, refreshes and statistics queries still running. */
    public void shutdown() {
        scans.shutdown();
        refreshes.shutdown();
        stats.shutdown();
        reloads.shutdown();
    }

    @Override
    public void listMirrors(ListMirrorsRequest request, StreamObserver<ListMirrorsResponse> response) {
        IndexSnapshot s = index.snapshot();
        ListMirrorsResponse.Builder b = ListMirrorsResponse.newBuilder();
        for (int i = 0; i < s.mirrorCount(); i++) {
            b.addMirrors(withLoad(ProtoMapping.mirror(s.spec(i), s.state(i), s.availability(i))));
        }
        response.onNext(b.build());
        response.onCompleted();
    }

    @Override
    public void getMirror(GetMirrorRequest request, StreamObserver<MirrorInfo> response) {
        IndexSnapshot s = index.snapshot();
        int m = position(s, request.getName(), response);
        if (m >= 0) {
            response.onNext(withLoad(ProtoMapping.mirror(s.spec(m), s.state(m), s.availability(m))));
            response.onCompleted();
        }
    }

    /** The capacity governor's latest figures for the mirror: its load and the share it keeps. */
    private MirrorInfo withLoad(MirrorInfo info) {
        Admission.Mirror load = resolver.admission().of(info.getName());
        return load == null ? info.toBuilder().setAdmittedShare(1).build()
                : info.toBuilder().setLoadMbps(load.loadMbps()).setAdmittedShare(load.share()).build();
    }

    @Override
    public void setMirrorEnabled(SetMirrorEnabledRequest request, StreamObserver<MirrorInfo> response) {
        if (position(index.snapshot(), request.getName(), response) < 0) {
            return;
        }
        IndexSnapshot snap = index.snapshot();
        int m = snap.positionOf(request.getName());
        boolean wasEnabled = snap.state(m).enabled();
        boolean enabled = request.getClearOverride() ? snap.spec(m).enabled() : request.getEnabled();
        index.updateMirrorState(request.getName(), st -> st.withEnabled(enabled));
        if (wasEnabled != enabled) {
            events.record(request.getName(), enabled ? "enabled" : "disabled", request.getClearOverride()
                    ? "override cleared through the admin API: as the config file says" : "through the admin API");
        }
        DurableAnswer.after(durable.persist(request.getName()), (request.getClearOverride() ? "clear the override of "
                : request.getEnabled() ? "enable " : "disable ")
                + request.getName(), response,
                () -> getMirror(GetMirrorRequest.newBuilder().setName(request.getName()).build(), response));
    }

    @Override
    public void explain(ExplainRequest request, StreamObserver<ExplainResponse> response) {
        Explanation e;
        try {
            e = resolver.get().explain(request.getPath(), request.getClientIp(), request.getScheme() == Scheme.HTTPS);
        } catch (InvalidRequestException ex) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(ex.getMessage()).asRuntimeException());
            return;
        } catch (NotReadyException ex) {
            response.onError(Status.UNAVAILABLE.withDescription(ex.getMessage()).asRuntimeException());
            return;
        }
        ExplainResponse.Builder b = ExplainResponse.newBuilder()
                .setClient(ProtoMapping.client(e.clientIp(), e.client()))
                .setDecision(ResolverService.toProto(e.decision(), false));
        if (e.fileId() >= 0) {
            b.setFile(ProtoMapping.file(e.snapshot().files(), e.fileId())).setPolicy(e.policy().describe());
        }
        for (Verdict v : e.verdicts()) {
            b.addVerdicts(ProtoMapping.verdict(e.snapshot().spec(v.mirror()).name(), v));
        }
        response.onNext(b.build());
        response.onCompleted();
    }

    @Override
    public void getMirrorEvents(GetMirrorEventsRequest request, StreamObserver<GetMirrorEventsResponse> response) {
        if (position(index.snapshot(), request.getName(), response) < 0) {
            return;
        }
        // limit is a uint32: above 2^31 Java sees it negative, which must still mean "many", not "none"
        int limit = request.getLimit() == 0 ? 100 : (int) Math.min(Integer.toUnsignedLong(request.getLimit()), 10_000);
        GetMirrorEventsResponse.Builder b = GetMirrorEventsResponse.newBuilder();
        for (var ev : events.recent(request.getName(), limit)) {
            b.addEvents(MirrorEvent.newBuilder().setTime(ProtoMapping.timestamp(ev.timeMillis()))
                    .setKind(ev.kind()).setMessage(ev.message()));
        }
        response.onNext(b.build());
        response.onCompleted();
    }

    /** The mirror's position, or -1 after answering NOT_FOUND. */
    static int position(IndexSnapshot s, String name, StreamObserver<?> response) {
        int m = s.positionOf(name);
        if (m < 0) {
            response.onError(Status.NOT_FOUND.withDescription("mirror: " + name + " (expected: one of "
                    + s.specs().stream().map(x -> x.name()).toList() + ")").asRuntimeException());
        }
        return m;
    }
}
