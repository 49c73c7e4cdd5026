package org.mirrorgate.store;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pub/sub side of {@link RedisEngine}: one dedicated connection, the channels subscribed on it,
 * and a reconnect signal. Lettuce resubscribes by itself after a reconnect; what it cannot give back
 * are the notices published meanwhile, hence {@code onReconnect}, after which the store reloads
 * everything that changed (style rule 6: flush the local cache completely on reconnect).
 */
final class RedisSubscriptions implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisSubscriptions.class);

    private record Subscription(String channel, Consumer<byte[]> onMessage, Runnable onReconnect) {}

    private final String uri;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile StatefulRedisPubSubConnection<String, byte[]> pubSub;

    RedisSubscriptions(String uri) {
        this.uri = uri;
    }

    AutoCloseable add(String channel, Consumer<byte[]> onMessage, Runnable onReconnect) {
        Subscription s = new Subscription(channel, onMessage, onReconnect);
        subscriptions.add(s);
        StatefulRedisPubSubConnection<String, byte[]> c = pubSub;
        if (c != null) {
            c.async().subscribe(channel);
        }
        return () -> subscriptions.remove(s);
    }

    /**
     * Opens the pub/sub connection once the command connection is up. A failure here is logged and
     * leaves notices off until the next start; reconnects are Lettuce's job afterwards.
     */
    void attach(RedisConnections connections) {
        try {
            StatefulRedisPubSubConnection<String, byte[]> c = connections.connectPubSub(uri);
            c.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, byte[] message) {
                    for (Subscription s : subscriptions) {
                        if (s.channel.equals(channel)) {
                            s.onMessage.accept(message);
                        }
                    }
                }
            });
            connections.client().addListener(new RedisConnectionStateListener() {
                @Override
                public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                    if (connection == pubSub) {
                        subscriptions.forEach(s -> s.onReconnect.run());
                    }
                }
            });
            pubSub = c;
            subscriptions.stream().map(Subscription::channel).distinct()
                    .forEach(ch -> c.sync().subscribe(ch));
            subscriptions.forEach(s -> s.onReconnect.run()); // notices before this attach were missed
        } catch (RuntimeException e) {
            log.warn("{}: cannot open the pub/sub connection, change notices are off: {}",
                    RedisConnections.describe(uri), e.toString());
        }
    }

    @Override
    public void close() {
        StatefulRedisPubSubConnection<String, byte[]> c = pubSub;
        if (c != null) {
            c.close();
        }
    }
}
