package org.mirrorgate.nginx;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Debian's nginx with the real Lua module and the real mirrorgate Lua code, configured by
 * {@code nginx/render.sh} from the project's own templates, on free loopback ports: an HTTP/1.1
 * listener and an HTTPS listener that speaks HTTP/2 (a self-signed certificate made with openssl).
 * Gives HTTP clients for both and reads the error log.
 */
final class NginxHarness implements AutoCloseable {

    static final Path NGINX = Path.of("/usr/sbin/nginx");
    static final Path LUA_MODULE = Path.of("/usr/share/nginx/modules/ngx_http_lua_module.so");
    /** Error-log levels that never appear when mirrorgate works as intended. */
    private static final Pattern BAD_LEVEL = Pattern.compile("\\[(error|crit|alert|emerg)\\]");

    private final Map<String, String> settings;
    private final Path dir;
    private final int httpPort = freePort();
    private final int httpsPort = freePort();
    private Path cert;
    private Process process;
    private HttpClient http1;
    private HttpClient http2;

    private NginxHarness(Map<String, String> settings, Path dir) {
        this.settings = settings;
        this.dir = dir;
    }

    /** Skips the calling test, with a message, when Debian's nginx or its Lua module is absent. */
    static void assumeNginx() {
        Assumptions.assumeTrue(Files.isExecutable(NGINX) && Files.exists(LUA_MODULE),
                "nginx tests need /usr/sbin/nginx and libnginx-mod-http-lua (apt-get install nginx "
                        + "libnginx-mod-http-lua lua-resty-core)");
    }

    static Path projectDir() {
        return Path.of(System.getProperty("mirrorgate.projectDir", ".")).toAbsolutePath();
    }

    static int freePort() {
        return org.mirrorgate.testing.FreePorts.next();
    }

    /**
     * A new directory for a repository tree holding the given files, each with the given content. The
     * rendered config runs nginx's workers as the invoking user (root included: NginxDeploymentIT reads
     * everything from a mode-700 directory); the tree is world-readable all the same.
     */
    static Path tree(Map<String, byte[]> files) {
        try {
            Path root = Files.createTempDirectory("mirrorgate-tree-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path p = root.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, f.getValue());
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Settings for render.sh ({@code MG_*} variables, without the prefix); see its header. */
    static Builder builder(Path root) {
        return new Builder(root);
    }

    static final class Builder {
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder(Path root) {
            settings.put("ROOT", root.toString());
            settings.put("WORKERS", "2");
            settings.put("LOG_LEVEL", "info");
        }

        Builder replicas(String... hostPorts) {
            settings.put("REPLICAS", String.join(" ", hostPorts));
            return this;
        }

        Builder set(String name, Object value) {
            settings.put(name, String.valueOf(value));
            return this;
        }

        NginxHarness start() {
            try {
                NginxHarness h = new NginxHarness(settings, Files.createTempDirectory("mirrorgate-nginx-"));
                h.startNginx();
                return h;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void startNginx() throws IOException {
        cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"), Map.of());
        Map<String, String> env = new LinkedHashMap<>();
        settings.forEach((k, v) -> env.put("MG_" + k, v));
        env.put("MG_HTTP_LISTEN", "127.0.0.1:" + httpPort);
        env.put("MG_TLS_LISTEN", "127.0.0.1:" + httpsPort);
        env.put("MG_TLS_CERT", cert.toString());
        env.put("MG_TLS_KEY", key.toString());
        Path conf = dir.resolve("conf");
        run(List.of(projectDir().resolve("nginx/render.sh").toString(), conf.toString()), env);
        process = new ProcessBuilder(NGINX.toString(), "-p", conf.toString(), "-c", conf.resolve("nginx.conf").toString(),
                "-e", conf.resolve("error.log").toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("nginx.out")) + errorLog());
            }
            return accepts(httpPort) && accepts(httpsPort);
        });
        http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(trusting(cert))
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static SSLContext trusting(Path cert) {
        try (InputStream in = Files.newInputStream(cert)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            ks.setCertificateEntry("nginx", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot trust " + cert, e);
        }
    }

    private String run(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(command.get(0) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The plain-HTTP base URL, e.g. for a browser: {@code http://127.0.0.1:PORT}. */
    String httpBase() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** A GET (or the given method) over HTTP/1.1 with extra headers as name, value pairs. */
    HttpResponse<byte[]> http1(String method, String pathAndQuery, String... headers) {
        return send(http1, "http://127.0.0.1:" + httpPort, method, pathAndQuery, headers);
    }

    HttpResponse<byte[]> get(String pathAndQuery, String... headers) {
        return http1("GET", pathAndQuery, headers);
    }

    /** A request over HTTPS with HTTP/2 (ALPN h2). */
    HttpResponse<byte[]> http2(String method, String pathAndQuery, String... headers) {
        return send(http2, "https://127.0.0.1:" + httpsPort, method, pathAndQuery, headers);
    }

    private static HttpResponse<byte[]> send(HttpClient client, String base, String method, String pathAndQuery,
            String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The response headers curl prints (status line first) for a GET over HTTP/1.1 on the plain listener,
     * or over HTTP/2 on the TLS one: a second, independent client for what goes on the wire.
     */
    String curlHeaders(boolean http2, String pathAndQuery) {
        List<String> command = http2
                ? List.of("curl", "-sS", "--http2", "--cacert", cert.toString(), "-D", "-", "-o", "/dev/null",
                        "https://127.0.0.1:" + httpsPort + pathAndQuery)
                : List.of("curl", "-sS", "--http1.1", "-D", "-", "-o", "/dev/null",
                        "http://127.0.0.1:" + httpPort + pathAndQuery);
        try {
            return run(command, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The Link entries of a response, in order, whether they came as one header line per alternate or as
     * one comma-joined line (RFC 8288): every value split at ", <" (the URLs are percent-encoded, so a
     * '<' only ever starts an entry).
     */
    static List<String> links(HttpResponse<?> r) {
        List<String> out = new ArrayList<>();
        for (String value : r.headers().allValues("Link")) {
            String[] entries = value.split(", (?=<)");
            out.addAll(List.of(entries));
        }
        return out;
    }

    /** The worker processes' pids, as the master's children. */
    java.util.Set<Long> workerPids() {
        java.util.Set<Long> out = new java.util.HashSet<>();
        process.toHandle().children().forEach(c -> out.add(c.pid()));
        return out;
    }

    /** {@code nginx -s reload} for this instance: SIGHUP to the master (new workers, old ones drain). */
    void reload() {
        try {
            run(List.of("kill", "-HUP", String.valueOf(process.pid())), Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int httpPort() {
        return httpPort;
    }

    int httpsPort() {
        return httpsPort;
    }

    /** The /mirrorgate-status page. */
    String status() {
        return new String(get("/mirrorgate-status").body(), StandardCharsets.UTF_8);
    }

    /** The value of one sample line of the status page, e.g. {@code mirrorgate_nginx_failopen_total{reason="timeout"}}. */
    long metric(String sample) {
        for (String line : status().split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Long.parseLong(line.substring(sample.length() + 1).trim());
            }
        }
        return 0;
    }

    String errorLog() {
        try {
            return Files.readString(dir.resolve("conf/error.log"));
        } catch (IOException e) {
            return "";
        }
    }

    List<String> errorLogLines(String contains) {
        List<String> out = new ArrayList<>();
        for (String line : errorLog().split("\n")) {
            if (line.contains(contains)) {
                out.add(line);
            }
        }
        return out;
    }

    /** Error-log lines at [error] or worse, except those matching one of the allowed patterns. */
    List<String> unexpectedErrors(String... allowed) {
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
        if (process != null && process.isAlive()) {
            process.destroy(); // SIGTERM: fast shutdown of master and workers
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!Boolean.getBoolean("mirrorgate.keepNginx")) {
            deleteTree(dir);
        }
    }

    /** Deletes a directory tree (nginx's run directory, a test repository tree); best effort. */
    static void deleteTree(Path top) {
        if (top == null || !Files.exists(top)) {
            return;
        }
        try (var paths = Files.walk(top)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // leftovers in /tmp are harmless
        }
    }
}
