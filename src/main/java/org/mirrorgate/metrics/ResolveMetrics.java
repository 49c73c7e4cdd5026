package org.mirrorgate.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import org.mirrorgate.resolve.Decision;

/**
 * Resolve's metrics: answers by action, redirects and their bytes per mirror, mirror-list requests, local answers the
 * index could not vouch for, errors by kind, latency, open streams. Label children are looked up
 * once (per mirror: on its first redirect; mirror and fallback names come from the config, so the
 * label set stays as small as the mirror list), so the request path only increments.
 *
 * <p>The service's warm-up calls are not counted: they carry {@code SyntheticCalls}' header, and
 * the Resolver service skips these metrics for them.
 */
public final class ResolveMetrics {

    private final EnumMap<Decision.Action, CounterDataPoint> byAction = new EnumMap<>(Decision.Action.class);
    private final CounterDataPoint notIndexed;
    private final CounterDataPoint deleted;
    private final CounterDataPoint outsidePrefix;
    private final CounterDataPoint aptLists;
    private final CounterDataPoint invalid;
    private final CounterDataPoint unavailable;
    private final DistributionDataPoint latency;
    private final GaugeDataPoint streams;
    private final Counter redirects;
    private final Counter redirectBytes;
    /** Per mirror (or fallback) name: its redirects, then its bytes. */
    private final ConcurrentHashMap<String, CounterDataPoint[]> byMirror = new ConcurrentHashMap<>();

    public ResolveMetrics(PrometheusRegistry registry) {
        Counter resolves = Counter.builder()
                .name("mirrorgate_resolves_total")
                .help("Resolve answers by action (redirect, serve_local, not_found, content)")
                .labelNames("action")
                .register(registry);
        for (Decision.Action a : Decision.Action.values()) {
            byAction.put(a, resolves.labelValues(a.name().toLowerCase(Locale.ROOT)));
        }
        redirects = Counter.builder()
                .name("mirrorgate_redirects_total")
                .help("REDIRECT answers per mirror (or fallback name)")
                .labelNames("mirror")
                .register(registry);
        redirectBytes = Counter.builder()
                .name("mirrorgate_redirect_bytes_total")
                .help("Sizes of the files redirected to each mirror (or fallback): the traffic sent its way, as"
                        + " if every redirect were a whole GET (HEAD requests and broken-off downloads count in full)")
                .labelNames("mirror")
                .register(registry);
        Counter unindexed = Counter.builder()
                .name("mirrorgate_resolve_unindexed_total")
                .help("SERVE_LOCAL answers for a path the index holds no present file for, left to nginx's disk"
                        + " (it serves the file or answers its own 404): not_indexed (unknown path: added since"
                        + " the last local walk, or absent), deleted (missing at the last walk, no mirror may serve it),"
                        + " outside_prefix (not under repository.url-prefix: the prefix and nginx's location disagree?)")
                .labelNames("reason")
                .register(registry);
        notIndexed = unindexed.labelValues("not_indexed");
        deleted = unindexed.labelValues("deleted");
        outsidePrefix = unindexed.labelValues("outside_prefix");
        aptLists = Counter.builder()
                .name("mirrorgate_list_requests_total")
                .help("Mirror lists answered (kind=apt: apt's mirror-method list), not downloads: also counted in"
                        + " mirrorgate_resolves_total{action=content}, never in the redirect counters")
                .labelNames("kind")
                .register(registry)
                .labelValues("apt");
        Counter errors = Counter.builder()
                .name("mirrorgate_resolve_errors_total")
                .help("Resolve calls refused: invalid_argument (bad path or client IP), unavailable (no index yet)")
                .labelNames("status")
                .register(registry);
        invalid = errors.labelValues("invalid_argument");
        unavailable = errors.labelValues("unavailable");
        latency = Histogram.builder()
                .name("mirrorgate_resolve_duration_seconds")
                .help("Time spent deciding one Resolve call, in the service (excludes transport)")
                .classicUpperBounds(1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 5e-4, 1e-3, 1e-2)
                .classicOnly()
                .register(registry);
        streams = Gauge.builder()
                .name("mirrorgate_resolve_streams")
                .help("ResolveStream calls open (one per Nginx batch dispatcher using this replica)")
                .register(registry);
    }

    /** One decision made in {@code nanos}. */
    public void answered(Decision d, long nanos) {
        byAction.get(d.action()).inc();
        if (d.action() == Decision.Action.REDIRECT) {
            CounterDataPoint[] m = byMirror.get(d.mirror());
            if (m == null) {
                m = byMirror.computeIfAbsent(d.mirror(), name -> new CounterDataPoint[] {
                        redirects.labelValues(name), redirectBytes.labelValues(name)});
            }
            m[0].inc();
            m[1].inc(d.fileSize());
        } else if (d.action() == Decision.Action.CONTENT && d.reason().equals(Decision.APT_MIRROR_LIST)) {
            aptLists.inc();
        } else if (d.action() == Decision.Action.SERVE_LOCAL) {
            String reason = d.reason();
            if (reason.equals(Decision.NOT_INDEXED)) {
                notIndexed.inc();
            } else if (reason.startsWith(Decision.DELETED)) {
                deleted.inc();
            } else if (reason.equals(Decision.OUTSIDE_PREFIX)) {
                outsidePrefix.inc();
            }
        }
        latency.observe(nanos / 1e9);
    }

    public void invalid() {
        invalid.inc();
    }

    public void unavailable() {
        unavailable.inc();
    }

    public void streamOpened() {
        streams.inc();
    }

    public void streamClosed() {
        streams.dec();
    }
}
