package org.mirrorgate.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real nginx serving a directory as an HTTP mirror: autoindex on (HTML by default, JSON under
 * the locations given), a plain http listener and, with a certificate, an https one, each on a free
 * loopback port. Extra {@code location} blocks (redirects, crafted pages, errors) can be added.
 */
public final class NginxServer implements AutoCloseable {

    private final Path dir;
    private final Path root;
    private final List<String> locations = new ArrayList<>();
    private final List<String> directives = new ArrayList<>();
    private String timezone;
    private String address = "127.0.0.1";
    private Path cert;
    private Path key;
    private int httpPort;
    private int httpsPort;
    private Process process;

    private NginxServer(Path dir, Path root) {
        this.dir = dir;
        this.root = root;
    }

    /** @param dir config, logs and temp files; @param root the mirror tree served at "/" */
    public static NginxServer serving(Path dir, Path root) {
        return new NginxServer(dir, root);
    }

    public NginxServer https(Path certificate, Path privateKey) {
        this.cert = certificate;
        this.key = privateKey;
        return this;
    }

    /** Adds a raw directive to the server block, e.g. {@code autoindex_format json;}. */
    public NginxServer directive(String line) {
        directives.add(line);
        return this;
    }

    /**
     * Listens on this loopback address instead of 127.0.0.1 (127.0.0.2 ...): clients such as apt
     * remember an address that refused a connection, so mirrors meant to fail independently need
     * addresses of their own.
     */
    public NginxServer address(String loopbackAddress) {
        this.address = loopbackAddress;
        return this;
    }

    /** Runs nginx with this TZ (with {@code autoindex_localtime on;} the index shows local times). */
    public NginxServer timezone(String tz) {
        this.timezone = tz;
        return this;
    }

    /** Adds a raw {@code location} block, e.g. {@code location /old/ { return 301 /new/; }}. */
    public NginxServer location(String block) {
        locations.add(block);
        return this;
    }

    public NginxServer start() {
        try {
            Files.createDirectories(dir.resolve("logs"));
            Files.createDirectories(dir.resolve("temp"));
            httpPort = FreePorts.next();
            httpsPort = cert == null ? -1 : FreePorts.next();
            String server = """
                    server {
                      listen %s:%d;
                      %s
                      root %s;
                      autoindex on;
                      autoindex_exact_size on;
                      %s
                      %s
                    }
                    """.formatted(address, httpPort, cert == null ? "" : "listen %s:%d ssl; ssl_certificate %s; ssl_certificate_key %s;"
                    .formatted(address, httpsPort, cert, key), root, String.join("\n", directives), String.join("\n", locations));
            String conf = """
                    user root;
                    worker_processes 1;
                    pid %1$s/nginx.pid;
                    error_log %1$s/logs/error.log warn;
                    events { worker_connections 256; }
                    http {
                      access_log %1$s/logs/access.log;
                      client_body_temp_path %1$s/temp/body;
                      proxy_temp_path %1$s/temp/proxy;
                      fastcgi_temp_path %1$s/temp/fastcgi;
                      uwsgi_temp_path %1$s/temp/uwsgi;
                      scgi_temp_path %1$s/temp/scgi;
                      types { text/plain txt; application/octet-stream deb; }
                      default_type application/octet-stream;
                      %2$s
                    }
                    """.formatted(dir, server);
            Path confFile = dir.resolve("nginx.conf");
            Files.writeString(confFile, conf);
            launch();
            await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive()
                    || FreePorts.accepting(address, httpPort) && (httpsPort < 0 || FreePorts.accepting(address, httpsPort)));
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited: " + Files.readString(dir.resolve("logs/stdout.log")));
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch() throws IOException {
        ProcessBuilder pb = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-g", "daemon off;").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("logs/stdout.log").toFile()));
        if (timezone != null) {
            pb.environment().put("TZ", timezone);
        }
        process = pb.start();
    }

    /** http://address:port/ (127.0.0.1 unless {@link #address} said otherwise) */
    public String httpUrl() {
        return "http://" + address + ":" + httpPort + "/";
    }

    /** https://address:port/ */
    public String httpsUrl() {
        return "https://" + address + ":" + httpsPort + "/";
    }

    public String accessLog() {
        try {
            return Files.readString(dir.resolve("logs/access.log"));
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops nginx (the port stops answering: a mirror going down). */
    @Override
    public void close() {
        Processes.killTree(process);
    }

    /** Starts it again on the same ports and configuration. */
    public NginxServer restart() {
        close();
        try {
            launch();
            await().atMost(Duration.ofSeconds(10)).until(() -> FreePorts.accepting(address, httpPort));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
