package org.mirrorgate.store;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A main class of the test classpath run in its own JVM, so a test can kill it with SIGKILL
 * ({@code kill -9}) at a moment of its choosing. Its stdout lines are collected as they come.
 */
public final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private ChildJvm(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process died: that is what tests do to it
            }
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    public static ChildJvm start(Class<?> main, String... args) throws IOException {
        return startWithHeap("512m", main, args);
    }

    public static ChildJvm startWithHeap(String maxHeap, Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** Waits until the child printed a line starting with {@code prefix}; returns the last such line. */
    public String awaitLine(String prefix, Duration atMost) {
        await().atMost(atMost).until(() -> lines.stream().anyMatch(l -> l.startsWith(prefix)) || !process.isAlive());
        return lines.stream().filter(l -> l.startsWith(prefix)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("child exited without printing " + prefix + ": " + lines));
    }

    /** Closes the child's standard input (a signal some children wait for). */
    public void closeStdin() throws IOException {
        process.getOutputStream().close();
    }

    /** Waits for the child to exit by itself. */
    public void awaitExit(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child still running after " + atMost + ": " + lines);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !process.isAlive());
    }

    /** The child's process id (to send it a signal). */
    public long pid() {
        return process.pid();
    }

    public List<String> lines() {
        return lines;
    }

    /** SIGKILL, and wait until it is gone. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
