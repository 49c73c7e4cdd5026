package org.mirrorgate.nginx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real chromium, headless, with JavaScript on, for loading the pages nginx serves. Every
 * request that would leave loopback goes to a black-hole proxy of this class instead, which
 * records it ({@link #offLoopback}): a page that loads an external font, script or image is seen.
 * Each run gets a fresh profile directory; console messages go to the captured stderr.
 */
final class HeadlessChromium implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private final Path dir;
    private final ServerSocket blackHole;
    private final List<String> offLoopback = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    HeadlessChromium() throws IOException {
        dir = Files.createTempDirectory("mirrorgate-chromium-");
        blackHole = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptForever, "chromium-black-hole");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static boolean installed() {
        return Files.isExecutable(CHROMIUM);
    }

    /** What chromium printed: the DOM after load (with --dump-dom) and its stderr (console messages). */
    record Run(String stdout, String stderr) {
        List<String> consoleErrors() {
            List<String> out = new ArrayList<>();
            for (String line : stderr.split("\n")) {
                if (line.contains("CONSOLE") && (line.contains("ERROR") || line.contains("error"))) {
                    out.add(line);
                }
            }
            return out;
        }
    }

    Run dumpDom(String url) {
        return run(List.of("--dump-dom", url), 1280, 900);
    }

    Run screenshot(String url, Path png, int width, int height) {
        return run(List.of("--screenshot=" + png.toAbsolutePath(), "--hide-scrollbars", url), width, height);
    }

    /** The first line of each request chromium tried to send off loopback (through the black hole). */
    List<String> offLoopback() {
        return List.copyOf(offLoopback);
    }

    /**
     * A page driven through the DevTools protocol (clicks run the page's own handlers), in a
     * browser of its own with the same black hole; its output is copied to {@code devtools.txt}.
     */
    DevToolsSession devTools(int width, int height) throws IOException, InterruptedException {
        List<String> cmd = command(width, height);
        cmd.addAll(List.of("--remote-debugging-port=0", "--remote-allow-origins=*", "about:blank"));
        return new DevToolsSession(cmd, dir.resolve("devtools.txt"));
    }

    private List<String> command(int width, int height) throws IOException {
        Path profile = Files.createTempDirectory(dir, "profile-");
        return new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
                "--enable-logging=stderr", "--v=0",
                "--proxy-server=http://127.0.0.1:" + blackHole.getLocalPort(), "--proxy-bypass-list=127.0.0.1"));
    }

    private Run run(List<String> what, int width, int height) {
        try {
            List<String> cmd = command(width, height);
            cmd.addAll(what);
            Path out = dir.resolve("out.txt");
            Path err = dir.resolve("err.txt");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("chromium did not finish within 60 s: " + Files.readString(err));
            }
            return new Run(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void acceptForever() {
        while (!blackHole.isClosed()) {
            try (Socket s = blackHole.accept()) {
                s.setSoTimeout(2000);
                byte[] buf = new byte[512];
                int n = s.getInputStream().read(buf);
                String first = n <= 0 ? "(nothing sent)" : new String(buf, 0, n, StandardCharsets.ISO_8859_1).split("\r\n")[0];
                offLoopback.add(first);
            } catch (IOException e) {
                if (!blackHole.isClosed()) {
                    offLoopback.add("(black hole: " + e + ")");
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        blackHole.close();
        NginxHarness.deleteTree(dir);
    }
}
