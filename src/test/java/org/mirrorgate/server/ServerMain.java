package org.mirrorgate.server;

import java.nio.file.Path;
import org.mirrorgate.config.ConfigLoader;

/**
 * The whole service in a child JVM, for tests that kill it with SIGKILL: starts from the config
 * file given as the only argument and prints {@code PORT <grpc port>} once it listens.
 */
public final class ServerMain {

    private ServerMain() {}

    public static void main(String[] args) throws Exception {
        MirrorgateServer server = MirrorgateServer.create(ConfigLoader.load(Path.of(args[0])), Path.of(args[0]));
        server.start();
        System.out.println("PORT " + server.grpcPort());
        System.out.flush();
        server.blockUntilShutdown();
    }
}
