package org.mirrorgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.api.v1.MirrorAdminGrpc;
import org.mirrorgate.api.v1.MirrorInfo;
import org.mirrorgate.api.v1.SetMirrorEnabledRequest;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.config.MirrorgateConfig;
import org.mirrorgate.index.Index;
import org.mirrorgate.store.ChildJvm;
import org.mirrorgate.store.StateStore;
import org.mirrorgate.testing.RedisExtension;

/**
 * An admin change answered OK survives {@code kill -9} right after the answer (issue 13, item 4:
 * it used to be written ~100 ms later and was lost 3 times out of 3). The whole service runs in a
 * child JVM with a write-delay of 10 s, so only the durable path can have written the change
 * before the kill; each round flips the mirror, kills the child as soon as the OK arrives, and
 * reads the store back.
 */
class DurableAdminIT {

    private static final int ROUNDS = 10;

    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    @TempDir
    Path dir;

    @Test
    void anEnableOrDisableAnsweredOkIsInTheEmbeddedStoreAfterKill9() throws Exception {
        killRightAfterEachOk("store: {path: state, write-delay: 10s}");
    }

    @Test
    void anEnableOrDisableAnsweredOkIsInRedisAfterKill9() throws Exception {
        killRightAfterEachOk("store: {type: redis, redis-uri: \"" + REDIS.uri() + "\", write-delay: 10s}");
    }

    private void killRightAfterEachOk(String store) throws Exception {
        Files.createDirectories(dir.resolve("repo/pool"));
        Files.writeString(dir.resolve("repo/pool/a.deb"), "a");
        Path config = dir.resolve("mirrorgate.yaml");
        Files.writeString(config, """
                repository: {root: repo, url-prefix: /debian/}
                listen: {grpc: "127.0.0.1:0"}
                resolve: {warmup-calls: 10}
                %s
                mirrors:
                  - {name: m1, https-url: "https://m1.example.org/debian/", trusted: true}
                """.formatted(store));
        MirrorgateConfig settings = ConfigLoader.load(config);
        boolean enabled = true;
        for (int round = 0; round < ROUNDS; round++) {
            enabled = !enabled;
            try (ChildJvm child = ChildJvm.start(ServerMain.class, config.toString())) {
                int port = Integer.parseInt(child.awaitLine("PORT ", Duration.ofSeconds(60)).substring(5));
                ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
                try {
                    MirrorInfo answer = MirrorAdminGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                            .setMirrorEnabled(SetMirrorEnabledRequest.newBuilder().setName("m1").setEnabled(enabled)
                                    .build());
                    child.kill9(); // right after the OK, long before the 10 s write-delay
                    assertThat(answer.getEnabled()).isEqualTo(enabled);
                } finally {
                    channel.shutdownNow();
                }
            }
            Index index = new Index(settings.mirrors(), System::currentTimeMillis);
            try (StateStore restored = StateStore.open(settings.store(), index)) {
                assertThat(index.snapshot().state(index.snapshot().positionOf("m1")).enabled())
                        .as("round %s: m1 enabled after kill -9", round).isEqualTo(enabled);
            }
        }
    }
}
