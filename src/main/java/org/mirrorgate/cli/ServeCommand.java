package org.mirrorgate.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.config.MirrorgateConfig;
import org.mirrorgate.config.Preflight;
import org.mirrorgate.server.MirrorgateServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Run the service: index the repository, serve Resolve over gRPC.")
final class ServeCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true, description = "YAML config file (see deploy/mirrorgate.yaml)")
    Path config;

    @Override
    public Integer call() throws Exception {
        MirrorgateConfig c = ConfigLoader.load(config);
        // What check-config checks, with the same message: a missing repository, token or GeoIP
        // file, or a port in use, stops serve here instead of leaving it up and never ready.
        Preflight.Result host = Preflight.check(c, true);
        host.throwProblems(config.toString());
        host.warnings().forEach(w -> log.warn("{}", w));
        c.policies().warnings().forEach(w -> log.warn("{}", w)); // as check-config prints them
        MirrorgateServer server = MirrorgateServer.create(c, config); // SIGHUP and Reload read it again
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "mirrorgate-shutdown"));
        server.start();
        server.blockUntilShutdown();
        return 0;
    }
}
