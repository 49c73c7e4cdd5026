package org.mirrorgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorgate.testing.TestMirror.mirror;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mirrorgate.api.v1.Action;
import org.mirrorgate.api.v1.ResolveBatchRequest;
import org.mirrorgate.api.v1.ResolveBatchResponse;
import org.mirrorgate.api.v1.ResolveRequest;
import org.mirrorgate.api.v1.ResolveResponse;
import org.mirrorgate.api.v1.ResolverGrpc;
import org.mirrorgate.index.Index;
import org.mirrorgate.metrics.ResolveMetrics;
import org.mirrorgate.resolve.Resolver;

/** ResolveStream over the in-process transport: batch after batch on one call, its end, its bound. */
class ResolveStreamTest {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        Resolver r = TestResolvers.withOneFile(new Index(List.of(mirror("m1").trusted().build()), () -> 1_000));
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new ResolverService(r, new ResolveMetrics(registry))).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void eachBatchIsAnsweredInOrderAsResolveBatchWouldAnswerIt() throws Exception {
        Client c = Client.open(channel, Long.MAX_VALUE);
        assertThat(openStreams()).isEqualTo(1);
        ResolveBatchRequest mixed = batch("/pool/a.deb", "/../x", "/nope");
        c.send(mixed);
        ResolveBatchResponse first = c.reply();
        assertThat(first).isEqualTo(ResolverGrpc.newBlockingStub(channel).resolveBatch(mixed));
        assertThat(first.getResponsesList()).extracting(ResolveResponse::getAction)
                .containsExactly(Action.REDIRECT, Action.ACTION_UNSPECIFIED, Action.SERVE_LOCAL);
        for (int i = 0; i < 3; i++) {
            c.send(batch("/nope", "/pool/a.deb"));
            assertThat(c.reply().getResponsesList()).extracting(ResolveResponse::getAction)
                    .containsExactly(Action.SERVE_LOCAL, Action.REDIRECT);
        }
        c.call.onCompleted();
        assertThat(c.end()).isEqualTo(Status.OK);
        assertThat(openStreams()).isZero();
        assertThat(redirects()).isEqualTo(5); // 4 on the stream, 1 by ResolveBatch
        assertThat(unindexed("not_indexed")).as("/nope, left to nginx").isEqualTo(5);
        assertThat(unindexed("deleted")).isZero();
    }

    @Test
    void anInvalidBatchEndsTheStreamWithTheStatusResolveBatchAnswers() throws Exception {
        Client c = Client.open(channel, Long.MAX_VALUE);
        c.send(batch("/pool/a.deb"));
        assertThat(c.reply().getResponsesCount()).isEqualTo(1);
        c.send(ResolveBatchRequest.getDefaultInstance());
        Status end = c.end();
        assertThat(end.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(end.getDescription()).isEqualTo("requests: 0 (expected: 1 .. 1024)");
        assertThat(openStreams()).isZero();
    }

    @Test
    void theNextBatchIsReadOnlyOnceItsReplyCouldBeSent() throws Exception {
        Client c = Client.open(channel, 1); // takes one reply, then reads no more
        for (int i = 0; i < 4; i++) {
            c.send(batch("/pool/a.deb"));
        }
        assertThat(c.reply().getResponsesCount()).isEqualTo(1);
        // a second reply would have nowhere to go (in-process, isReady means the client asked for
        // one): the service reads no further batch
        assertThat(redirects()).isEqualTo(1);
        assertThat(c.replies.poll(50, TimeUnit.MILLISECONDS)).isNull();
        assertThat(redirects()).isEqualTo(1);
        c.call.request(3); // room for three: the queued batches are read and answered
        for (int i = 0; i < 3; i++) {
            assertThat(c.reply().getResponsesCount()).isEqualTo(1);
        }
        assertThat(redirects()).isEqualTo(4);
    }

    @Test
    void aCancelledStreamIsNoLongerCountedOpen() throws Exception {
        Client c = Client.open(channel, Long.MAX_VALUE);
        c.send(batch("/pool/a.deb"));
        c.reply();
        c.call.cancel("client gone", null);
        assertThat(c.end().getCode()).isEqualTo(Status.Code.CANCELLED);
        assertThat(openStreams()).isZero();
    }

    private static ResolveBatchRequest batch(String... paths) {
        ResolveBatchRequest.Builder b = ResolveBatchRequest.newBuilder();
        for (String p : paths) {
            b.addRequests(ResolveRequest.newBuilder().setPath(p).setClientIp("192.0.2.1").setLinkHeader(true));
        }
        return b.build();
    }

    private double openStreams() {
        return ((GaugeSnapshot) metric("mirrorgate_resolve_streams")).getDataPoints().get(0).getValue();
    }

    private double redirects() {
        return ((CounterSnapshot) metric("mirrorgate_resolves")).getDataPoints().stream()
                .filter(p -> p.getLabels().get("action").equals("redirect")).findFirst().orElseThrow().getValue();
    }

    private double unindexed(String reason) {
        return ((CounterSnapshot) metric("mirrorgate_resolve_unindexed")).getDataPoints().stream()
                .filter(p -> p.getLabels().get("reason").equals(reason)).findFirst().orElseThrow().getValue();
    }

    private MetricSnapshot metric(String name) {
        return registry.scrape().stream().filter(m -> m.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow();
    }

    /** A stream's client side: replies and the end status queue up; {@code credit} replies are requested first. */
    private static final class Client implements ClientResponseObserver<ResolveBatchRequest, ResolveBatchResponse> {
        final BlockingQueue<ResolveBatchResponse> replies = new LinkedBlockingQueue<>();
        final BlockingQueue<Status> ends = new LinkedBlockingQueue<>();
        final long credit;
        ClientCallStreamObserver<ResolveBatchRequest> call;

        private Client(long credit) {
            this.credit = credit;
        }

        static Client open(ManagedChannel channel, long credit) {
            Client c = new Client(credit);
            ResolverGrpc.newStub(channel).resolveStream(c);
            return c;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<ResolveBatchRequest> requestStream) {
            call = requestStream;
            requestStream.disableAutoRequestWithInitial((int) Math.min(credit, Integer.MAX_VALUE));
        }

        void send(ResolveBatchRequest b) {
            call.onNext(b);
        }

        ResolveBatchResponse reply() throws InterruptedException {
            ResolveBatchResponse r = replies.poll(10, TimeUnit.SECONDS);
            assertThat(r).as("a reply within 10 s").isNotNull();
            return r;
        }

        Status end() throws InterruptedException {
            Status s = ends.poll(10, TimeUnit.SECONDS);
            assertThat(s).as("the stream's end within 10 s").isNotNull();
            return s;
        }

        @Override
        public void onNext(ResolveBatchResponse value) {
            replies.add(value);
        }

        @Override
        public void onError(Throwable t) {
            ends.add(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            ends.add(Status.OK);
        }
    }
}
