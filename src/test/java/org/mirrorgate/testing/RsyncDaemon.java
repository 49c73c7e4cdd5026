package org.mirrorgate.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real {@code rsync --daemon} on a free loopback port, serving the given directories as modules.
 * Runs in the foreground ({@code --no-detach}) as a child of the test JVM; {@link #close()} stops it.
 * Each connection is served by a forked child; {@link #killConnections()} kills those (a daemon
 * dying mid-listing) while the daemon itself keeps listening.
 */
public final class RsyncDaemon implements AutoCloseable {

    private final Path dir;
    private final Map<String, String> modules = new LinkedHashMap<>();
    private int port;
    private Process process;

    private RsyncDaemon(Path dir) {
        this.dir = dir;
    }

    /** @param dir where the config and log go */
    public static RsyncDaemon in(Path dir) {
        return new RsyncDaemon(dir);
    }

    /** A read-only module; {@code extra} lines ("uid = nobody") go into its section. */
    public RsyncDaemon module(String name, Path path, String... extra) {
        StringBuilder b = new StringBuilder("[" + name + "]\npath = " + path + "\nread only = yes\n");
        for (String line : extra) {
            b.append(line).append('\n');
        }
        modules.put(name, b.toString());
        return this;
    }

    public RsyncDaemon start() {
        try {
            Files.createDirectories(dir);
            port = FreePorts.next();
            StringBuilder conf = new StringBuilder("use chroot = no\nuid = root\ngid = root\nnumeric ids = yes\n"
                    + "pid file = " + dir.resolve("rsyncd.pid") + "\n");
            modules.values().forEach(conf::append);
            Path confFile = dir.resolve("rsyncd.conf");
            Files.writeString(confFile, conf);
            process = new ProcessBuilder("rsync", "--daemon", "--no-detach", "--config=" + confFile,
                    "--port=" + port, "--address=127.0.0.1", "--log-file=" + dir.resolve("rsyncd.log"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("rsyncd.out").toFile()).start();
            await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive() || FreePorts.accepting(port));
            if (!process.isAlive()) {
                throw new IllegalStateException("rsync daemon exited: " + Files.readString(dir.resolve("rsyncd.out")));
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** rsync://127.0.0.1:port/module/ */
    public String url(String module) {
        return "rsync://127.0.0.1:" + port + "/" + module + "/";
    }

    /** Kills the children serving connections now: every listing in progress breaks off. */
    public int killConnections() {
        int[] n = {0};
        process.descendants().forEach(p -> {
            p.destroyForcibly();
            n[0]++;
        });
        return n[0];
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("rsyncd.log"));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        Processes.killTree(process);
    }
}
