package org.mirrorgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mirrorgate.api.SyntheticCalls;
import org.mirrorgate.api.v1.ResolveBatchRequest;
import org.mirrorgate.api.v1.ResolveBatchResponse;
import org.mirrorgate.api.v1.ResolveRequest;
import org.mirrorgate.api.v1.ResolveResponse;
import org.mirrorgate.api.v1.ResolverGrpc;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;

/**
 * The warm-up drives the path Nginx uses, ResolveStream, as well as Resolve, and its call count and
 * its time limit bound it separately (issue 13, item 10: a 5 s budget ran 619 of 20,000 calls,
 * none of them on a stream).
 */
class WarmupTest {

    private final AtomicInteger unary = new AtomicInteger();
    private final AtomicInteger batches = new AtomicInteger();
    private final AtomicInteger streams = new AtomicInteger();
    private Server server;
    private final IndexSnapshot snap = new Index(List.of(), () -> 0).snapshot();

    @BeforeEach
    void start() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor()
                .addService(new ResolverGrpc.ResolverImplBase() {
                    @Override
                    public void resolve(ResolveRequest request, StreamObserver<ResolveResponse> response) {
                        unary.incrementAndGet();
                        response.onNext(ResolveResponse.getDefaultInstance());
                        response.onCompleted();
                    }

                    @Override
                    public StreamObserver<ResolveBatchRequest> resolveStream(
                            StreamObserver<ResolveBatchResponse> responses) {
                        streams.incrementAndGet();
                        return new StreamObserver<>() {
                            @Override
                            public void onNext(ResolveBatchRequest batch) {
                                batches.incrementAndGet();
                                ResolveBatchResponse.Builder b = ResolveBatchResponse.newBuilder();
                                batch.getRequestsList().forEach(r -> b.addResponses(ResolveResponse.getDefaultInstance()));
                                responses.onNext(b.build());
                            }

                            @Override
                            public void onError(Throwable t) {}

                            @Override
                            public void onCompleted() {
                                responses.onCompleted();
                            }
                        };
                    }
                }).build().start();
    }

    @AfterEach
    void stop() {
        server.shutdownNow();
    }

    @Test
    void runsFourFifthsOfItsCallsAsStreamBatchesAndTheRestAsResolveCalls() {
        Warmup.Result r = Warmup.run(server.getPort(), snap, "/", 1000, Duration.ofMinutes(2), new SyntheticCalls().header());

        assertThat(r.stoppedByTime()).isFalse();
        assertThat(r.batches()).isGreaterThanOrEqualTo(800).isEqualTo(batches.get());
        assertThat(r.unary()).isEqualTo(200).isEqualTo(unary.get());
        assertThat(r.batchedRequests()).isBetween(r.batches(), 16 * r.batches());
        assertThat(streams.get()).as("a new stream every %s batches", Warmup.WINDOW).isGreaterThanOrEqualTo(3);
        assertThat(r.recentP90Millis()).isLessThanOrEqualTo(Warmup.WARM_P90_MILLIS);
    }

    @Test
    void itsTimeLimitIsASeparateBoundThatStopsAnUnfinishedCount() {
        Warmup.Result r = Warmup.run(server.getPort(), snap, "/", 100_000_000, Duration.ofMillis(300), new SyntheticCalls().header());

        assertThat(r.stoppedByTime()).isTrue();
        assertThat(r.batches()).isPositive().isLessThan(100_000_000);
        assertThat(r.elapsedMillis()).isLessThan(10_000);
    }

    @Test
    void zeroCallsTurnsItOff() {
        assertThat(Warmup.run(server.getPort(), snap, "/", 0, Duration.ofMinutes(1), new SyntheticCalls().header()).batches()).isZero();
        assertThat(batches.get() + unary.get()).isZero();
    }
}
