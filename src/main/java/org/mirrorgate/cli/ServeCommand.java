package org.mirrorgate.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.server.MirrorgateServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Run the service: index the repository, serve Resolve over gRPC.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, description = "YAML config file (see deploy/mirrorgate.yaml)")
    Path config;

    @Override
    public Integer call() throws Exception {
        MirrorgateServer server = MirrorgateServer.create(ConfigLoader.load(config));
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "mirrorgate-shutdown"));
        server.start();
        server.blockUntilShutdown();
        return 0;
    }
}
