package org.mirrorgate.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.config.MirrorgateConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "check-config", description = "Validate a config file and print what it sets up.")
final class CheckConfigCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, description = "YAML config file")
    Path config;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        MirrorgateConfig c = ConfigLoader.load(config);
        var out = spec.commandLine().getOut();
        out.printf("%s: ok%n", config);
        out.printf("  repository %s served under %s, rescanned every %s%n", c.repository().root(),
                c.resolve().urlPrefix(), c.repository().scanInterval());
        out.printf("  %d mirrors, %d fallbacks, %d path rules; grpc on %s%n", c.mirrors().size(), c.fallbacks().size(),
                c.policies().rules().size(), c.listen().grpc());
        // Warnings, not errors: the config runs, but some promise it seems to make is not kept as written.
        for (String w : c.policies().warnings()) {
            out.printf("  warning: %s%n", w);
        }
        return 0;
    }
}
