package org.mirrorgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mirrorgate.testing.TestMirror.mirror;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mirrorgate.api.v1.MirrorAdminGrpc;
import org.mirrorgate.api.v1.MirrorInfo;
import org.mirrorgate.api.v1.SetMirrorEnabledRequest;
import org.mirrorgate.index.Index;
import org.mirrorgate.mirror.InMemoryEventLog;
import org.mirrorgate.resolve.Resolver;
import org.mirrorgate.scan.ScanSettings;
import org.mirrorgate.scan.monitor.MirrorMonitor;
import org.mirrorgate.store.StoreUnavailableException;

/** SetMirrorEnabled answers OK only once the store holds the change (issue 13, item 4). */
class DurableAdminAnswerTest {

    private final LinkedBlockingQueue<CompletableFuture<Void>> writes = new LinkedBlockingQueue<>();
    private final InMemoryEventLog events = new InMemoryEventLog(10, () -> 5_000);
    private Index index;
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        index = new Index(List.of(mirror("m1").trusted().build(), mirror("m2").trusted().build()), () -> 1_000);
        Resolver r = TestResolvers.withOneFile(index);
        MirrorStateWrites store = name -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            writes.add(f);
            return f;
        };
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new MirrorAdminService(index, r, events,
                        new MirrorMonitor(index, events, ScanSettings.DEFAULTS, Map.of(), () -> 1_000), () -> null, store))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    private ListenableFuture<MirrorInfo> disable(String mirror) {
        return MirrorAdminGrpc.newFutureStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .setMirrorEnabled(SetMirrorEnabledRequest.newBuilder().setName(mirror).setEnabled(false).build());
    }

    private boolean enabledInMemory(String mirror) {
        return index.snapshot().state(index.snapshot().positionOf(mirror)).enabled();
    }

    @Test
    void theOkWaitsUntilTheStoreHoldsTheChangeWhichIsInEffectMeanwhile() throws Exception {
        ListenableFuture<MirrorInfo> answer = disable("m1");
        CompletableFuture<Void> write = writes.poll(10, TimeUnit.SECONDS);
        assertThat(write).as("the store was asked to write").isNotNull();
        assertThat(answer.isDone()).as("no answer before the store holds it").isFalse();
        assertThat(enabledInMemory("m1")).as("serving already skips it").isFalse();

        write.complete(null);
        assertThat(answer.get(10, TimeUnit.SECONDS).getEnabled()).isFalse();
    }

    @Test
    void aStoreThatDoesNotTakeTheChangeAnswersUnavailableAndTheChangeStaysInEffect() throws Exception {
        ListenableFuture<MirrorInfo> answer = disable("m2");
        writes.poll(10, TimeUnit.SECONDS).completeExceptionally(
                new StoreUnavailableException("/var/lib/mirrorgate/mirrorgate.mv.db: No space left on device", null));

        assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(e.getStatus().getDescription()).startsWith("disable m2: applied and in effect, but not"
                            + " yet durable: /var/lib/mirrorgate/mirrorgate.mv.db: No space left on device.")
                            .contains("repeat the call until it answers OK");
                });
        assertThat(enabledInMemory("m2")).isFalse();
        assertThat(enabledInMemory("m1")).isTrue();
    }
}
