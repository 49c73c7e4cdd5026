package org.mirrorgate.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The origin's nginx with the real mirrorgate hook, configured by the project's {@code
 * nginx/render.sh} (as deployed), plain HTTP on a loopback port chosen by the caller (the service's
 * config may need the public URL before nginx starts). For tests outside {@code org.mirrorgate.nginx}
 * that drive real clients (apt) through the whole path; {@code nginx.NginxHarness} is the richer one.
 */
public final class GatewayNginx implements AutoCloseable {

    private static final Pattern BAD_LEVEL = Pattern.compile("\\[(error|crit|alert|emerg)\\]");

    private final Path dir;
    private final int port;
    private final Process process;

    private GatewayNginx(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** True when Debian's nginx and its Lua module are installed. */
    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/nginx"))
                && Files.exists(Path.of("/usr/share/nginx/modules/ngx_http_lua_module.so"));
    }

    /**
     * @param settings render.sh settings without the {@code MG_} prefix (ROOT, URL_PREFIX, REPLICAS ...)
     */
    public static GatewayNginx start(Path dir, int port, Map<String, String> settings) {
        try {
            Files.createDirectories(dir);
            Path conf = dir.resolve("conf");
            Path project = Path.of(System.getProperty("mirrorgate.projectDir", ".")).toAbsolutePath();
            ProcessBuilder render = new ProcessBuilder(project.resolve("nginx/render.sh").toString(), conf.toString())
                    .redirectErrorStream(true);
            settings.forEach((k, v) -> render.environment().put("MG_" + k, v));
            render.environment().put("MG_HTTP_LISTEN", "127.0.0.1:" + port);
            render.environment().putIfAbsent("MG_WORKERS", "1");
            Process r = render.start();
            String out = new String(r.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!r.waitFor(30, TimeUnit.SECONDS) || r.exitValue() != 0) {
                throw new IllegalStateException("render.sh failed: " + out);
            }
            Process p = new ProcessBuilder("/usr/sbin/nginx", "-p", conf.toString(), "-c",
                    conf.resolve("nginx.conf").toString(), "-e", conf.resolve("error.log").toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            GatewayNginx g = new GatewayNginx(dir, port, p);
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException("nginx exited: " + Files.readString(dir.resolve("nginx.out"))
                            + g.errorLog());
                }
                return FreePorts.accepting(port);
            });
            return g;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** http://127.0.0.1:port */
    public String origin() {
        return "http://127.0.0.1:" + port;
    }

    public String errorLog() {
        try {
            return Files.readString(dir.resolve("conf/error.log"));
        } catch (IOException e) {
            return "";
        }
    }

    /** Error-log lines at error level or worse, except those containing one of {@code allowed}. */
    public List<String> unexpectedErrors(String... allowed) {
        List<String> out = new ArrayList<>();
        lines:
        for (String line : errorLog().split("\n")) {
            if (!BAD_LEVEL.matcher(line).find()) {
                continue;
            }
            for (String a : allowed) {
                if (line.contains(a)) {
                    continue lines;
                }
            }
            out.add(line);
        }
        return out;
    }

    @Override
    public void close() {
        Processes.killTree(process);
    }
}
