package org.mirrorgate.cli;

import org.mirrorgate.api.v1.ReloadRequest;
import org.mirrorgate.api.v1.ReloadResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code mirrorgate reload}: what SIGHUP does, with the outcome printed. Exit 0 once the changes
 * are in effect and durable; a file that does not load is refused whole (exit 1, the reason
 * printed, the running config unchanged).
 */
@Command(name = "reload", description = {
    "Read the service's config file again and apply it without a restart (as SIGHUP does): mirrors of the file"
            + " (added, changed, removed), their scan settings, fallbacks, policies, ranking, pages, GeoIP files"
            + " replaced on disk.",
    "A file with an error is refused whole and the running config stays. Keys that need a restart are listed."})
final class ReloadCommand extends AdminCommands.Base {

    @Mixin
    JsonOutput json;

    @Override
    void run() throws Exception {
        ReloadResponse r = client.admin().reload(ReloadRequest.getDefaultInstance());
        if (json.json) {
            JsonOutput.print(out(), r);
            return;
        }
        out().printf("reloaded %s in %d ms: %s%n", r.getConfigFile(), r.getTookMs(),
                r.getAppliedCount() == 0 ? "nothing changed" : r.getAppliedCount() + " change"
                        + (r.getAppliedCount() == 1 ? "" : "s"));
        r.getAppliedList().forEach(line -> out().printf("  applied       %s%n", line));
        r.getNeedsRestartList().forEach(key -> out().printf("  needs restart %s (the running value stays)%n", key));
    }
}
