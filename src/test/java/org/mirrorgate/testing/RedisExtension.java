package org.mirrorgate.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real redis-server for a test class: started before the first test, emptied (FLUSHALL) before
 * each, stopped after the last. Use: {@code @RegisterExtension static final RedisExtension redis =
 * new RedisExtension();}
 */
public final class RedisExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    private final String[] args;
    private RedisServer server;

    /** @param args extra {@code redis-server} arguments */
    public RedisExtension(String... args) {
        this.args = args;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = RedisServer.start(args);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        server.cli("FLUSHALL");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close();
    }

    public RedisServer server() {
        return server;
    }

    public String uri() {
        return server.uri();
    }
}
