package org.mirrorgate.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster of three masters (no replicas) on loopback, for tests: three {@code
 * redis-server --cluster-enabled yes} processes joined by {@code redis-cli --cluster create}.
 */
public final class RedisCluster implements AutoCloseable {

    private final List<RedisServer> nodes;

    private RedisCluster(List<RedisServer> nodes) {
        this.nodes = nodes;
    }

    public static RedisCluster start() throws IOException, InterruptedException {
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                int port = RedisServer.freeClusterPort();
                nodes.add(RedisServer.start(port, "--cluster-enabled", "yes", "--cluster-config-file",
                        "nodes-" + port + ".conf", "--cluster-node-timeout", "2000"));
            }
            List<String> create = new ArrayList<>(List.of("--cluster", "create"));
            nodes.forEach(n -> create.add("127.0.0.1:" + n.port()));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            String out = nodes.get(0).cli(create.toArray(new String[0]));
            if (!out.contains("All 16384 slots covered")) {
                throw new IOException("redis-cli --cluster create failed: " + out);
            }
            RedisCluster cluster = new RedisCluster(nodes);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(cluster::allOk);
            return cluster;
        } catch (IOException | RuntimeException | InterruptedException e) {
            nodes.forEach(RedisServer::close);
            throw e;
        }
    }

    private boolean allOk() throws IOException, InterruptedException {
        for (RedisServer n : nodes) {
            if (!n.cli("CLUSTER", "INFO").contains("cluster_state:ok")) {
                return false;
            }
        }
        return true;
    }

    public List<RedisServer> nodes() {
        return nodes;
    }

    /** The URI mirrorgate takes for this cluster: {@code redis-cluster://host:p1,host:p2,host:p3}. */
    public String uri() {
        return "redis-cluster://" + nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    }

    /** Empties every master. */
    public void flushAll() throws IOException, InterruptedException {
        for (RedisServer n : nodes) {
            n.cli("FLUSHALL");
        }
    }

    /** Keys held by each node, in node order. */
    public List<Long> keysPerNode() throws IOException, InterruptedException {
        List<Long> out = new ArrayList<>();
        for (RedisServer n : nodes) {
            out.add(Long.parseLong(n.cli("DBSIZE").trim()));
        }
        return out;
    }

    @Override
    public void close() {
        for (RedisServer n : nodes) {
            n.close();
        }
    }
}
