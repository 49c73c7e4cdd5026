package org.mirrorgate.reload;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * What a reload did: the changes applied, the ones that wait for a restart, the mirrors whose
 * definition or switch changed (the admin API makes them durable before it answers), or why the
 * file was refused whole.
 *
 * @param refusal null when the file was applied; else why nothing changed
 */
public record ReloadReport(Path file, List<String> applied, List<String> needsRestart, List<String> mirrorsChanged,
        String refusal, long tookMillis) {

    public ReloadReport {
        requireNonNull(file, "file");
        applied = List.copyOf(applied);
        needsRestart = List.copyOf(needsRestart);
        mirrorsChanged = List.copyOf(mirrorsChanged);
    }

    static ReloadReport refused(Path file, String why, long tookMillis) {
        return new ReloadReport(file, List.of(), List.of(), List.of(), requireNonNull(why, "why"), tookMillis);
    }

    public boolean isRefused() {
        return refusal != null;
    }
}
