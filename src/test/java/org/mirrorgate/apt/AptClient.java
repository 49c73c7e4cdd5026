package org.mirrorgate.apt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real {@code apt-get}, chroot-free: its sources.list, state, cache and status file all in the
 * test's directory ({@code -o Dir::...}), no lock, no sandbox user (the test tree belongs to root),
 * no retries (a failure must show, not be retried away), one architecture, no translations.
 */
final class AptClient {

    private final Path dir;

    private AptClient(Path dir) {
        this.dir = dir;
    }

    /** A client whose sources.list holds {@code sourcesLine}, with fresh (empty) state. */
    static AptClient at(Path dir, String sourcesLine) throws IOException {
        for (String d : List.of("state/lists/partial", "cache/archives/partial", "sources.list.d", "apt.conf.d",
                "preferences.d", "downloads", "log")) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.writeString(dir.resolve("status"), "");
        Files.writeString(dir.resolve("sources.list"), sourcesLine + "\n");
        return new AptClient(dir);
    }

    /** Where {@code apt-get download} saves files. */
    Path downloads() {
        return dir.resolve("downloads");
    }

    Commands.Result update() {
        return apt("update");
    }

    /** {@code apt-get download pkg[=version]}, into {@link #downloads()}. */
    Commands.Result download(String pkg) {
        return apt("download", pkg);
    }

    private Commands.Result apt(String... args) {
        List<String> cmd = new ArrayList<>(List.of("apt-get", "-q",
                "-o", "Dir::Etc::sourcelist=" + dir.resolve("sources.list"),
                "-o", "Dir::Etc::sourceparts=" + dir.resolve("sources.list.d"),
                "-o", "Dir::Etc::parts=" + dir.resolve("apt.conf.d"),
                "-o", "Dir::Etc::preferencesparts=" + dir.resolve("preferences.d"),
                "-o", "Dir::State=" + dir.resolve("state"),
                "-o", "Dir::State::status=" + dir.resolve("status"),
                "-o", "Dir::Cache=" + dir.resolve("cache"),
                "-o", "Dir::Log=" + dir.resolve("log"),
                "-o", "Debug::NoLocking=1",
                "-o", "APT::Sandbox::User=root",
                "-o", "APT::Architecture=amd64",
                "-o", "APT::Architectures=amd64",
                "-o", "Acquire::Languages=none",
                "-o", "Acquire::Retries=0",
                "-o", "Acquire::http::Proxy=DIRECT",
                "-o", "Acquire::http::Timeout=10"));
        cmd.addAll(List.of(args));
        return Commands.run(downloads(), cmd);
    }
}
