package org.mirrorgate.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's binary) run as a child process on a free loopback port, for
 * tests. No persistence unless asked; {@link #kill()} is a SIGKILL, {@link #restart()} brings it back
 * on the same port. Where Docker exists, Testcontainers could replace this; here there is none.
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final String configFile; // null, or a file given first (sentinel)
    private final List<String> extraArgs;
    private Process process;

    private RedisServer(int port, Path dir, String configFile, List<String> extraArgs) {
        this.port = port;
        this.dir = dir;
        this.configFile = configFile;
        this.extraArgs = extraArgs;
    }

    /** Starts a server on a free port; {@code extraArgs} are passed as {@code --name value} pairs. */
    public static RedisServer start(String... extraArgs) throws IOException {
        return start(freePort(), extraArgs);
    }

    /** Starts a server on {@code port}. */
    public static RedisServer start(int port, String... extraArgs) throws IOException {
        RedisServer s = new RedisServer(port, Files.createTempDirectory("redis-test"), null, List.of(extraArgs));
        s.restart();
        return s;
    }

    /**
     * Starts {@code redis-server <configFile> <extraArgs>} on {@code port} (the config file must come
     * first, e.g. for {@code --sentinel}; it must be writable, Sentinel rewrites it).
     */
    public static RedisServer startWithConfig(int port, Path configFile, String... extraArgs) throws IOException {
        RedisServer s = new RedisServer(port, configFile.getParent(), configFile.toString(), List.of(extraArgs));
        s.restart();
        return s;
    }

    /** (Re)starts the process on this server's port and waits until it answers PING. */
    public synchronized void restart() throws IOException {
        List<String> cmd = new ArrayList<>(List.of("redis-server"));
        if (configFile != null) {
            cmd.add(configFile);
        }
        cmd.addAll(List.of("--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no",
                "--protected-mode", "no", "--logfile", dir.resolve("redis.log").toString()));
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        awaitPing(port, Duration.ofSeconds(10));
    }

    /** Kills the process with SIGKILL and waits for it to be gone. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Runs {@code redis-cli} against this server and returns its output. */
    public String cli(String... args) throws IOException, InterruptedException {
        return cli(port, args);
    }

    public static String cli(int port, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out.trim();
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** A port nobody listens on now (redis-server must not get --port 0: that turns TCP off). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A free port whose Cluster bus port (port + 10000) is free too. */
    public static int freeClusterPort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(25_000);
            if (isFree(port) && isFree(port + 10_000)) {
                return port;
            }
        }
        throw new IOException("no free port pair (p, p + 10000) found");
    }

    @SuppressWarnings("try")
    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until a server on {@code port} answers PING. */
    public static void awaitPing(int port, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(10)).ignoreExceptions().until(() -> ping(port));
    }

    static boolean ping(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = in.readNBytes(buf, 0, 7);
            String answer = new String(buf, 0, n, StandardCharsets.US_ASCII);
            return answer.equals("+PONG\r\n") || answer.startsWith("-NOAUTH"); // up, and wants a password
        }
    }
}
