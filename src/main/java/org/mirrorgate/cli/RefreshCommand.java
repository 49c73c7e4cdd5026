package org.mirrorgate.cli;

import java.util.ArrayList;
import java.util.List;
import org.mirrorgate.api.v1.RefreshRepositoryRequest;
import org.mirrorgate.api.v1.RefreshRepositoryResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code mirrorgate refresh [PATH...]}: the push hook for an archive tool. Returns (exit 0) once
 * the service serves from a snapshot holding the change; a bad path fails the whole call (exit 1,
 * nothing applied).
 */
@Command(name = "refresh", description = {
    "Bring the index in step with the local tree now, after publishing (reprepro, dak, ftpsync, cron).",
    "Without PATH: walk the whole tree. Returns when the change is served; prints what changed."})
final class RefreshCommand extends AdminCommands.Base {

    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "files or directories, relative to repository.root or absolute inside it")
    List<String> paths = new ArrayList<>();

    @Override
    void run() throws Exception {
        // No deadline: a whole walk of a large tree takes minutes, and the caller wants it done.
        RefreshRepositoryResponse r = client.adminStreaming().refreshRepository(
                RefreshRepositoryRequest.newBuilder().addAllPaths(paths).build());
        out().printf("%s: %d added, %d changed, %d deleted in %d ms (serving snapshot %d)%n",
                r.getFullWalk() ? "walked the whole tree" : "refreshed " + paths.size() + " path"
                        + (paths.size() == 1 ? "" : "s"),
                r.getAdded(), r.getChanged(), r.getDeleted(), r.getDurationMillis(), r.getSnapshotVersion());
        list("added", r.getAddedPathsList(), r.getAdded());
        list("changed", r.getChangedPathsList(), r.getChanged());
        list("deleted", r.getDeletedPathsList(), r.getDeleted());
    }

    private void list(String kind, List<String> shown, long total) {
        for (String p : shown) {
            out().printf("  %-8s %s%n", kind, p);
        }
        if (total > shown.size()) {
            out().printf("  %-8s ... %d more%n", kind, total - shown.size());
        }
    }
}
