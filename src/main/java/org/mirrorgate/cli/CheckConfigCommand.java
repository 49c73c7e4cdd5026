package org.mirrorgate.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.config.MirrorgateConfig;
import org.mirrorgate.config.Preflight;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code check-config}: the file, then what {@code serve} will need from this host ({@link
 * Preflight}: directories, files, permissions, token length, GeoIP databases, ports), so "ok"
 * means serve can start. Problems fail it with the message serve would stop with; warnings
 * (exposure without an admin token) are printed and do not.
 */
@Command(name = "check-config", description = "Validate a config file, and whether serve can run it on this host.")
final class CheckConfigCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true, description = "YAML config file")
    Path config;

    @Option(names = "--file-only", description = "Check the file alone, not this host (for a config meant for"
            + " another machine, such as the sample deploy/mirrorgate.yaml).")
    boolean fileOnly;

    @Option(names = "--no-port-check", description = "Do not try the listen ports (when this config's service is"
            + " running: it holds them).")
    boolean noPortCheck;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        MirrorgateConfig c = ConfigLoader.load(config);
        Preflight.Result host = fileOnly ? new Preflight.Result(java.util.List.of(), java.util.List.of())
                : Preflight.check(c, !noPortCheck);
        host.throwProblems(config.toString());
        var out = spec.commandLine().getOut();
        String scope = fileOnly ? " (the file only; this host not checked)" : noPortCheck ? " (ports not checked)" : "";
        out.printf("%s: ok%s%n", config, scope);
        // Warnings, not errors: the config runs, but it exposes something, or some promise it seems
        // to make is not kept as written.
        for (String w : host.warnings()) {
            out.printf("  warning: %s%n", w);
        }
        for (String w : c.policies().warnings()) {
            out.printf("  warning: %s%n", w);
        }
        out.printf("  repository %s served under %s, rescanned every %s%n", c.repository().root(),
                c.resolve().urlPrefix(), ConfigLoader.formatDuration(c.repository().scanInterval()));
        out.printf("  %d mirrors, %d fallbacks, %d path rules; grpc on %s%n", c.mirrors().size(), c.fallbacks().size(),
                c.policies().rules().size(), c.listen().grpc());
        return 0;
    }
}
