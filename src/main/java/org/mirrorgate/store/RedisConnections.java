package org.mirrorgate.store;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the Lettuce client for a store URI and opens its two connections: one shared command
 * connection (thread-safe, pipelining by itself) and one pub/sub connection (a subscribed connection
 * cannot run other commands).
 *
 * <p>URIs: {@code redis://} and {@code rediss://} (TLS) for one server, {@code redis-sentinel://}
 * and {@code rediss-sentinel://} for Sentinel ({@code redis-sentinel://host:26379,host2:26379/0#master}),
 * and {@code redis-cluster://host:7000,host2:7001} or {@code rediss-cluster://...} for Cluster seed
 * nodes. Credentials ({@code user:password@}) and the database number come from the URI.
 *
 * <p>Commands are rejected at once while disconnected (instead of Lettuce's unbounded queue): the
 * store keeps its own bounded buffers and counts what it drops. (Cluster: see {@link #connect}.)
 */
final class RedisConnections implements AutoCloseable {

    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final StatefulConnection<String, byte[]> connection;
    private final RedisClusterAsyncCommands<String, byte[]> commands;

    private RedisConnections(ClientResources resources, AbstractRedisClient client,
            StatefulConnection<String, byte[]> connection, RedisClusterAsyncCommands<String, byte[]> commands) {
        this.resources = resources;
        this.client = client;
        this.connection = connection;
        this.commands = commands;
    }

    /** Connects; throws a Lettuce exception when the server cannot be reached now. */
    static RedisConnections connect(String uri, Duration timeout) {
        SocketOptions socket = SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build();
        TimeoutOptions timeouts = TimeoutOptions.builder().fixedTimeout(timeout).build();
        // Reconnect attempts back off to at most 1 s (Lettuce's default grows to 30 s): a restarted
        // Redis is used again within a second.
        ClientResources resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.equalJitter(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        if (isCluster(uri)) {
            RedisClusterClient client = RedisClusterClient.create(resources, clusterSeeds(uri));
            // Cluster node connections open lazily: rejecting commands until each is up would fail
            // the first command per node. Commands wait instead, bounded by the queue and the timeout
            // (a timed-out command may still run later: counters are "at least once" here).
            client.setOptions(ClusterClientOptions.builder().requestQueueSize(100_000)
                    .socketOptions(socket).timeoutOptions(timeouts)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(Duration.ofSeconds(30)).build())
                    .build());
            try {
                StatefulRedisClusterConnection<String, byte[]> c = client.connect(CODEC);
                return new RedisConnections(resources, client, c, c.async());
            } catch (RuntimeException e) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
                resources.shutdown(0, 1, TimeUnit.SECONDS);
                throw e;
            }
        }
        RedisClient client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(socket).timeoutOptions(timeouts).build());
        try {
            StatefulRedisConnection<String, byte[]> c = client.connect(CODEC, RedisURI.create(uri));
            return new RedisConnections(resources, client, c, c.async());
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            resources.shutdown(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    RedisClusterAsyncCommands<String, byte[]> commands() {
        return commands;
    }

    boolean isOpen() {
        return connection.isOpen();
    }

    AbstractRedisClient client() {
        return client;
    }

    /** A new pub/sub connection (to a cluster's nodes, notices published anywhere reach it). */
    StatefulRedisPubSubConnection<String, byte[]> connectPubSub(String uri) {
        if (client instanceof RedisClusterClient cluster) {
            return cluster.connectPubSub(CODEC);
        }
        return ((RedisClient) client).connectPubSub(CODEC, RedisURI.create(uri));
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    static boolean isCluster(String uri) {
        return uri.startsWith("redis-cluster://") || uri.startsWith("rediss-cluster://");
    }

    /**
     * {@code redis-cluster://user:pw@h1:7000,h2:7001/?timeout=5s} to one {@code redis://} URI per
     * seed node, each with the same credentials, TLS and parameters.
     */
    static List<RedisURI> clusterSeeds(String uri) {
        boolean tls = uri.startsWith("rediss-");
        String rest = uri.substring(uri.indexOf("://") + 3);
        int end = indexOfAny(rest, "/?");
        String authority = end < 0 ? rest : rest.substring(0, end);
        String tail = end < 0 ? "" : rest.substring(end);
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? "" : authority.substring(0, at + 1);
        List<RedisURI> seeds = new ArrayList<>();
        for (String host : authority.substring(at + 1).split(",")) {
            if (host.isBlank()) {
                throw new IllegalArgumentException("cluster URI " + describe(uri) + ": empty seed node");
            }
            seeds.add(RedisURI.create((tls ? "rediss://" : "redis://") + userInfo + host.trim() + tail));
        }
        return seeds;
    }

    /** The URI without its password, for logs and messages. */
    static String describe(String uri) {
        return uri.replaceAll("//[^@/]*@", "//***@");
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
