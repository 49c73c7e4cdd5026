package org.mirrorgate.server;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.mirrorgate.api.v1.ResolveRequest;
import org.mirrorgate.api.v1.ResolverGrpc;
import org.mirrorgate.api.v1.Scheme;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.IndexSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the service its own Resolve calls over real loopback gRPC before health says SERVING, so
 * the JIT has compiled the request path when Nginx's first real requests arrive: a cold JVM takes
 * over 100 ms for the first calls, past the hook's timeout (nginx-lua-grpc.md measured ~200
 * requests failing open in the first 15 s without this).
 *
 * <p>The calls use HEAD, so they are not counted as downloads; they do show in the resolve metrics.
 * Their paths are under {@code url-prefix}, as Nginx's are: one outside it would be logged and
 * counted as a prefix mismatch.
 */
final class Warmup {

    private static final Logger log = LoggerFactory.getLogger(Warmup.class);

    private Warmup() {}

    static void run(int port, IndexSnapshot snap, String urlPrefix, int calls, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        int done = 0;
        try {
            ResolverGrpc.ResolverBlockingStub stub = ResolverGrpc.newBlockingStub(channel);
            FileTable files = snap.files();
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (; done < calls && System.nanoTime() < deadline; done++) {
                String path = urlPrefix;
                if (files.idLimit() > 0) {
                    int id = random.nextInt(files.idLimit());
                    path = files.exists(id) ? urlPrefix + files.path(id) : path;
                }
                String ip = "198.18." + random.nextInt(256) + "." + random.nextInt(256); // RFC 2544 test range
                try {
                    stub.withDeadlineAfter(1, TimeUnit.SECONDS).resolve(ResolveRequest.newBuilder().setPath(path)
                            .setClientIp(ip).setMethod("HEAD")
                            .setScheme(random.nextBoolean() ? Scheme.HTTPS : Scheme.HTTP).build());
                } catch (RuntimeException e) {
                    // an odd name answers an error: still warms the path
                }
            }
        } finally {
            channel.shutdownNow();
        }
        log.info("warm-up: {} Resolve calls over loopback", done);
    }
}
