package org.mirrorgate.server;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.mirrorgate.api.SyntheticCalls;
import org.mirrorgate.api.v1.ResolveBatchRequest;
import org.mirrorgate.api.v1.ResolveBatchResponse;
import org.mirrorgate.api.v1.ResolveRequest;
import org.mirrorgate.api.v1.ResolverGrpc;
import org.mirrorgate.api.v1.Scheme;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.IndexSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the service its own calls over real loopback gRPC before health says SERVING, so the JIT
 * has compiled the request path when Nginx's first real requests arrive: a cold JVM takes over
 * 100 ms for the first calls, past the hook's timeout (measured when the hook was designed: ~200
 * requests failing open in the first 15 s without this).
 *
 * <p>What it runs: {@code calls} RPC messages, four fifths of them ResolveStream batches (1-16
 * requests each, a new stream every {@value #WINDOW} batches, as the Nginx hook's dispatchers send
 * them: the path Nginx uses) and one fifth unary Resolve calls (grpcurl, other clients; every tenth asks
 * for a page, HTML and JSON, as Nginx sends them). It stops when both counts are done <em>and</em> the
 * stream path is warm (the 90th percentile of the last {@value #WINDOW} batches under
 * {@link #WARM_P90_MILLIS} ms), or at {@code ceiling}, whichever comes first. Count and time are
 * separate bounds: the ceiling is a safety net for a machine too loaded to ever look warm, not the
 * budget. (Issue 13: a 5 s budget shared with the first scans ran 619 of 20,000 calls, and two
 * batches then passed the 150 ms budget.)
 *
 * <p>The calls carry {@link SyntheticCalls}' header, so they count nowhere: not in the resolve
 * metrics, the download statistics or the download log (they also use HEAD, which is never a
 * download; before the header, ~20,000 of them showed in {@code mirrorgate_resolves_total}).
 * Their paths are under {@code url-prefix}, as Nginx's are: one outside it would be logged and
 * counted as a prefix mismatch.
 */
final class Warmup {

    private static final Logger log = LoggerFactory.getLogger(Warmup.class);
    /** Batches judged for warmth, and per stream before the next one opens (call setup warms too). */
    static final int WINDOW = 256;
    /** A warm batch of 16 takes well under 1 ms on loopback; a sixth of the hook's 150 ms budget. */
    static final long WARM_P90_MILLIS = 25;
    private static final int MAX_BATCH = 16;
    private static final Object END = new Object();

    /** What ran: counts, the stream path's recent 90th percentile, and whether time stopped it. */
    record Result(int unary, int batches, int batchedRequests, double recentP90Millis, boolean stoppedByTime,
            long elapsedMillis) {}

    private Warmup() {}

    /** @param synthetic the header that keeps these calls out of every count ({@link SyntheticCalls#header()}) */
    static Result run(int port, IndexSnapshot snap, String urlPrefix, int calls, Duration ceiling, Metadata synthetic) {
        return run(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .intercept(MetadataUtils.newAttachHeadersInterceptor(synthetic)).build(), snap, urlPrefix, calls, ceiling);
    }

    /**
     * @param channel to the service's own TCP listener (TLS when it has TLS), carrying the synthetic
     *     header ({@link SyntheticCalls#header()}); shut down when done
     */
    static Result run(ManagedChannel channel, IndexSnapshot snap, String urlPrefix, int calls, Duration ceiling) {
        long start = System.nanoTime();
        if (calls == 0) {
            channel.shutdownNow();
            log.info("warm-up: off (resolve.warmup-calls: 0)");
            return new Result(0, 0, 0, Double.NaN, false, 0);
        }
        long deadline = start + ceiling.toNanos();
        int unaryTarget = calls / 5;
        int batchTarget = calls - unaryTarget;
        Calls c = new Calls(channel, snap.files(), urlPrefix, Math.min(WINDOW, batchTarget));
        try {
            while ((c.batches < batchTarget || c.unary < unaryTarget || !c.warm()) && System.nanoTime() < deadline) {
                if (c.unary < unaryTarget && (c.unary < c.batches / 4 || c.batches >= batchTarget)) {
                    c.unary();
                } else {
                    c.batch();
                }
            }
            c.endStream();
        } finally {
            channel.shutdown();
            try {
                if (!channel.awaitTermination(1, TimeUnit.SECONDS)) {
                    channel.shutdownNow();
                }
            } catch (InterruptedException e) {
                channel.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        boolean byTime = c.batches < batchTarget || c.unary < unaryTarget || !c.warm();
        Result r = new Result(c.unary, c.batches, c.requests, c.p90Millis(), byTime,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        String summary = String.format(Locale.ROOT, "warm-up: %d ResolveStream batches (%d requests) and %d Resolve calls over"
                + " loopback in %d ms; 90th percentile of the last batches %.2f ms", r.batches(), r.batchedRequests(),
                r.unary(), r.elapsedMillis(), r.recentP90Millis());
        if (byTime) {
            log.warn("{}; stopped at its time limit of {} ms before it had run {} calls and the stream path was warm"
                    + " (90th percentile under {} ms): a loaded machine? Serving anyway", summary, ceiling.toMillis(),
                    calls, WARM_P90_MILLIS);
        } else {
            log.info(summary);
        }
        return r;
    }


    /** The calls and their counts; one thread. */
    private static final class Calls {
        private final ResolverGrpc.ResolverBlockingStub blocking;
        private final ResolverGrpc.ResolverStub async;
        private final FileTable files;
        private final ThreadLocalRandom random = ThreadLocalRandom.current();
        private final long[] recentNanos = new long[WINDOW];
        private final int judged;
        private final String urlPrefix;
        private int unary;
        private int batches;
        private int requests;
        private int onStream;
        private StreamObserver<ResolveBatchRequest> stream;
        private BlockingQueue<Object> replies;

        /** @param judged batches needed before warmth is judged */
        Calls(ManagedChannel channel, FileTable files, String urlPrefix, int judged) {
            this.judged = judged;
            this.urlPrefix = urlPrefix;
            this.blocking = ResolverGrpc.newBlockingStub(channel);
            this.async = ResolverGrpc.newStub(channel);
            this.files = files;
        }

        private static final String[] PAGES = {"mirrorlist", "mirrorlist=json", "fileinfo", "fileinfo=json", "mirrorstats",
            "mirrorstats=json", "meta4", "sha256"};

        void unary() {
            unary++;
            // Every eighth unary call asks for a page, so the renderers (templates, JSON) are warm
            // too: a cold first page took past the hook's 150 ms (nginx then serves the path itself).
            String page = unary % 8 == 0 ? PAGES[(unary / 8) % PAGES.length] : "";
            try {
                blocking.withDeadlineAfter(1, TimeUnit.SECONDS).resolve(request().toBuilder().setQuery(page).build());
            } catch (RuntimeException e) {
                // a path outside url-prefix or an odd name answers an error: still warms the path
            }
        }

        void batch() {
            if (stream == null || onStream >= WINDOW) {
                endStream();
                BlockingQueue<Object> q = new LinkedBlockingQueue<>();
                replies = q;
                stream = async.resolveStream(new StreamObserver<>() {
                    @Override
                    public void onNext(ResolveBatchResponse value) {
                        q.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        q.add(t);
                    }

                    @Override
                    public void onCompleted() {
                        q.add(END);
                    }
                });
                onStream = 0;
            }
            ResolveBatchRequest.Builder b = ResolveBatchRequest.newBuilder();
            int n = 1 + random.nextInt(MAX_BATCH);
            for (int i = 0; i < n; i++) {
                b.addRequests(request());
            }
            long t0 = System.nanoTime();
            stream.onNext(b.build());
            Object reply = poll();
            recentNanos[batches % WINDOW] = reply instanceof ResolveBatchResponse ? System.nanoTime() - t0 : Long.MAX_VALUE;
            batches++;
            requests += n;
            onStream++;
            if (!(reply instanceof ResolveBatchResponse)) {
                stream = null; // ended (or silent for a second): the next batch opens another
            }
        }

        /** Half-closes the stream and waits for the server's end, so nothing is cut mid-write. */
        void endStream() {
            if (stream != null) {
                stream.onCompleted();
                poll();
                stream = null;
            }
        }

        private Object poll() {
            try {
                Object r = replies.poll(1, TimeUnit.SECONDS);
                return r == null ? END : r;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return END;
            }
        }

        boolean warm() {
            return batches >= judged && p90Millis() <= WARM_P90_MILLIS;
        }

        double p90Millis() {
            int n = Math.min(batches, WINDOW);
            if (n == 0) {
                return Double.NaN;
            }
            long[] sorted = Arrays.copyOf(recentNanos, n);
            Arrays.sort(sorted);
            return sorted[(int) Math.ceil(n * 0.9) - 1] / 1e6;
        }

        private ResolveRequest request() {
            String path = urlPrefix;
            if (files.idLimit() > 0) {
                int id = random.nextInt(files.idLimit());
                path = files.exists(id) ? urlPrefix + files.path(id) : path;
            }
            String ip = "198.18." + random.nextInt(256) + "." + random.nextInt(256); // RFC 2544 test range
            return ResolveRequest.newBuilder().setPath(path).setClientIp(ip).setMethod("HEAD")
                    .setScheme(random.nextBoolean() ? Scheme.HTTPS : Scheme.HTTP).build();
        }
    }
}
