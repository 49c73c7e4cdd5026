package org.mirrorgate.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real Sentinel setup on loopback, for tests: one master, one replica of it, and one sentinel
 * (quorum 1) that fails over one second after the master stops answering.
 */
public final class RedisSentinel implements AutoCloseable {

    public static final String MASTER_NAME = "mymaster";

    private final RedisServer master;
    private final RedisServer replica;
    private final RedisServer sentinel;

    private RedisSentinel(RedisServer master, RedisServer replica, RedisServer sentinel) {
        this.master = master;
        this.replica = replica;
        this.sentinel = sentinel;
    }

    public static RedisSentinel start() throws IOException, InterruptedException {
        RedisServer master = RedisServer.start();
        RedisServer replica = RedisServer.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> replica.cli("INFO", "replication").contains("master_link_status:up"));
        Path dir = Files.createTempDirectory("sentinel-test");
        Path conf = dir.resolve("sentinel.conf");
        Files.writeString(conf, String.join("\n",
                "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 1",
                "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                "sentinel failover-timeout " + MASTER_NAME + " 5000",
                "sentinel parallel-syncs " + MASTER_NAME + " 1", ""));
        RedisServer sentinel = RedisServer.startWithConfig(RedisServer.freePort(), conf, "--sentinel");
        RedisSentinel s = new RedisSentinel(master, replica, sentinel);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> s.sentinel.cli("SENTINEL", "REPLICAS", MASTER_NAME).contains(Integer.toString(replica.port())));
        return s;
    }

    /** {@code redis-sentinel://127.0.0.1:<sentinel port>#mymaster} */
    public String uri() {
        return "redis-sentinel://127.0.0.1:" + sentinel.port() + "#" + MASTER_NAME;
    }

    public RedisServer master() {
        return master;
    }

    public RedisServer replica() {
        return replica;
    }

    /** The port of the server Sentinel currently names as master. */
    public int currentMasterPort() throws IOException, InterruptedException {
        String[] lines = sentinel.cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME).split("\n");
        return Integer.parseInt(lines[lines.length - 1].trim());
    }

    @Override
    public void close() {
        sentinel.close();
        replica.close();
        master.close();
    }
}
