package org.mirrorgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.testing.FreePorts;

/**
 * The Debian package as an operator meets it: {@code deploy/build-deb.sh} builds it, {@code apt-get
 * install ./mirrorgate_*.deb} installs it on this machine, the installed config passes {@code
 * mirrorgate check-config}, the system nginx still passes {@code nginx -t}, the service starts as
 * mirrorgate.service would (its ExecStart as its User, then its ExecStartPost readiness wait: systemd
 * itself is not needed, nor used), an nginx with the package's http piece turned on and the one-line
 * snippet in a location asks it, and a purge leaves nothing behind.
 *
 * <p>It changes the machine (a package, a system user), so it runs only as root with apt-get, and
 * not where mirrorgate is installed already (it would purge the operator's install).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebianPackageIT {

    private static final Path UNIT = Path.of("/lib/systemd/system/mirrorgate.service");
    private static final Duration APT = Duration.ofMinutes(3);

    @TempDir
    static Path work;

    private static boolean installed;
    private static Process service;
    private static Process nginx;

    @BeforeAll
    static void buildAndInstall() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "DebianPackageIT installs a package and a system user: it runs as root only");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/apt-get"))
                        && Files.isExecutable(Path.of("/usr/bin/dpkg-deb")),
                "DebianPackageIT needs apt-get and dpkg-deb (a Debian machine)");
        Assumptions.assumeFalse(run(Duration.ofSeconds(30), "dpkg-query", "-W", "-f=${Status}", "mirrorgate")
                        .output().contains("installed"),
                "mirrorgate is installed on this machine already; DebianPackageIT would purge it");
        for (int port : new int[] {7390, 9390}) {
            Assumptions.assumeFalse(FreePorts.accepting(port),
                    "port " + port + " (the installed config's listen.grpc / listen.metrics) is in use");
        }
        Path project = Path.of(System.getProperty("mirrorgate.projectDir", ".")).toAbsolutePath();
        Result build = run(Duration.ofMinutes(5), project.resolve("deploy/build-deb.sh").toString());
        assertThat(build.exit()).as(build.output()).isZero();
        Path deb = project.resolve(build.lastLine());
        assertThat(deb.getFileName().toString()).matches("mirrorgate_[0-9][^_]*_all\\.deb");

        installed = true;
        Result install = run(APT, "apt-get", "install", "-y", "-q", "-o", "DPkg::Lock::Timeout=120", deb.toString());
        assertThat(install.exit()).as(install.output()).isZero();
    }

    @AfterAll
    static void stopAndPurge() throws Exception {
        stop(nginx);
        stop(service);
        if (installed) {
            run(APT, "apt-get", "purge", "-y", "-q", "-o", "DPkg::Lock::Timeout=120", "mirrorgate");
        }
    }

    @Test
    @Order(1)
    void installs_the_jar_wrapper_unit_hook_and_a_user_owning_the_state_directory() throws Exception {
        assertThat(Path.of("/usr/share/mirrorgate/mirrorgate.jar")).isRegularFile();
        assertThat(Path.of("/usr/bin/mirrorgate")).isExecutable();
        assertThat(Path.of("/usr/share/mirrorgate/lua/mirrorgate/access.lua")).isRegularFile();
        assertThat(UNIT).isRegularFile();
        assertThat(run(Duration.ofSeconds(10), "dpkg-query", "-W", "-f=${Conffiles}", "mirrorgate").output())
                .contains("/etc/mirrorgate/mirrorgate.yaml", "/etc/default/mirrorgate",
                        "/etc/nginx/conf.d/mirrorgate.conf", "/etc/nginx/snippets/mirrorgate.conf");
        assertThat(run(Duration.ofSeconds(10), "getent", "passwd", "mirrorgate").output())
                .contains(":/var/lib/mirrorgate:/usr/sbin/nologin");
        assertThat(Files.getOwner(Path.of("/var/lib/mirrorgate")).getName()).isEqualTo("mirrorgate");
    }

    @Test
    @Order(2)
    void leaves_the_system_nginx_config_valid() throws Exception {
        Result t = run(Duration.ofSeconds(30), "nginx", "-t");
        assertThat(t.exit()).as(t.output()).isZero();
    }

    @Test
    @Order(3)
    void installed_config_passes_check_config() throws Exception {
        Result check = run(Duration.ofSeconds(60), "mirrorgate", "check-config");
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("/etc/mirrorgate/mirrorgate.yaml: ok", "grpc on 127.0.0.1:7390");
    }

    @Test
    @Order(4)
    void unit_passes_systemd_analyze_verify() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "no systemd-analyze here");
        Result verify = run(Duration.ofSeconds(60), "systemd-analyze", "verify", UNIT.toString());
        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output()).doesNotContain("mirrorgate.service:");
    }

    @Test
    @Order(5)
    void service_started_as_the_unit_does_reports_serving() throws Exception {
        List<String> unit = Files.readAllLines(UNIT);
        String user = directive(unit, "User");
        Path log = work.resolve("service.log");
        // setpriv execs (runuser would fork): the process is the service, as the unit's MAINPID.
        service = new ProcessBuilder(asUser(user, directive(unit, "ExecStart")))
                .directory(Path.of(directive(unit, "WorkingDirectory")).toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        List<String> post = asUser(user, directive(unit, "ExecStartPost"));
        post.addAll(post.indexOf("--") + 1, List.of("env", "MAINPID=" + service.pid()));
        post.add("90");
        Result ready = run(Duration.ofSeconds(100), post.toArray(String[]::new));
        assertThat(ready.exit()).as(ready.output() + "\nservice log:\n" + Files.readString(log)).isZero();
        assertThat(ready.output()).contains("SERVING");
        assertThat(ProcessHandle.of(service.pid()).flatMap(h -> h.info().user())).hasValue(user);
    }

    @Test
    @Order(6)
    void reload_as_the_unit_does_rereads_the_config_and_keeps_serving() throws Exception {
        List<String> unit = Files.readAllLines(UNIT);
        String reload = directive(unit, "ExecReload").replace("$MAINPID", Long.toString(service.pid()));
        Result r = run(Duration.ofSeconds(30), asUser(directive(unit, "User"), reload).toArray(String[]::new));
        assertThat(r.exit()).as(r.output()).isZero();
        Path log = work.resolve("service.log");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("config reloaded from"));
        assertThat(service.isAlive()).as("SIGHUP reloads; it no longer stops the JVM").isTrue();
    }

    @Test
    @Order(7)
    void nginx_with_the_piece_turned_on_and_the_snippet_in_a_location_asks_the_service() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/usr/share/nginx/modules/ngx_http_lua_module.so")),
                "libnginx-mod-http-lua (a Recommends) is not installed");
        Assumptions.assumeTrue(service != null && service.isAlive(), "the service did not start");
        // What the header of conf.d/mirrorgate.conf tells the operator to run, on a copy.
        Path piece = work.resolve("mirrorgate-http.conf");
        Result on = run(Duration.ofSeconds(10), "sh", "-c",
                "sed 's/^#//' /etc/nginx/conf.d/mirrorgate.conf > " + piece);
        assertThat(on.exit()).as(on.output()).isZero();
        int port = FreePorts.next();
        Path conf = work.resolve("nginx.conf");
        Files.writeString(conf, """
                include /etc/nginx/modules-enabled/*.conf;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    include %2$s;
                    server {
                        listen 127.0.0.1:%3$d;
                        location / {
                            root /srv/mirror/debian;
                            log_not_found off;   # the tree is empty: the file is served locally, 404
                            include /etc/nginx/snippets/mirrorgate.conf;
                        }
                        include /etc/nginx/snippets/mirrorgate-status.conf;
                    }
                }
                """.formatted(work, piece, port));
        Result t = run(Duration.ofSeconds(30), "nginx", "-t", "-c", conf.toString(), "-e", work + "/error.log");
        assertThat(t.exit()).as(t.output()).isZero();
        nginx = new ProcessBuilder("nginx", "-c", conf.toString(), "-e", work + "/error.log", "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(work.resolve("nginx.out").toFile()).start();

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        URI base = URI.create("http://127.0.0.1:" + port);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> http.send(
                HttpRequest.newBuilder(base.resolve("/mirrorgate-status")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(base.resolve("/pool/none.deb")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
        }
        String status = http.send(HttpRequest.newBuilder(base.resolve("/mirrorgate-status")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        // Decided by the service (an unknown file: served locally), not failed open.
        assertThat(status).containsPattern("mirrorgate_nginx_decisions_total\\{action=\"[a-z_]+\"} [1-9]");
        assertThat(status).doesNotContainPattern("mirrorgate_nginx_failopen_total\\{[^}]*} [1-9]");
        assertThat(Files.readString(work.resolve("error.log"))).doesNotContainPattern("\\[(error|crit|alert|emerg)]");
    }

    @Test
    @Order(8)
    void purge_removes_the_package_its_user_state_and_config() throws Exception {
        stop(nginx);
        stop(service);
        Result purge = run(APT, "apt-get", "purge", "-y", "-q", "-o", "DPkg::Lock::Timeout=120", "mirrorgate");
        assertThat(purge.exit()).as(purge.output()).isZero();
        installed = false;
        assertThat(run(Duration.ofSeconds(10), "getent", "passwd", "mirrorgate").exit()).isNotZero();
        assertThat(run(Duration.ofSeconds(10), "getent", "group", "mirrorgate").exit()).isNotZero();
        for (String gone : new String[] {"/var/lib/mirrorgate", "/etc/mirrorgate", "/etc/default/mirrorgate",
                "/etc/nginx/conf.d/mirrorgate.conf", "/etc/nginx/snippets/mirrorgate.conf", "/usr/share/mirrorgate",
                "/usr/bin/mirrorgate", UNIT.toString()}) {
            assertThat(Path.of(gone)).as(gone).doesNotExist();
        }
        Result t = run(Duration.ofSeconds(30), "nginx", "-t");
        assertThat(t.exit()).as(t.output()).isZero();
    }

    /** The value of the unit's {@code KEY=} line. */
    private static String directive(List<String> unit, String key) {
        return unit.stream().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError("mirrorgate.service has no " + key + "="));
    }

    /** The unit's command line (no quoting in it) run as its user and group, with its supplementary groups. */
    private static List<String> asUser(String user, String commandLine) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups",
                "--reset-env", "--"));
        cmd.addAll(Arrays.asList(commandLine.trim().split("\\s+")));
        return cmd;
    }

    record Result(int exit, String output) {
        String lastLine() {
            String[] lines = output.strip().split("\n");
            return lines[lines.length - 1].strip();
        }
    }

    private static Result run(Duration timeout, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("mirrorgate-deb-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb.start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + ": no exit within " + timeout + ":\n"
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** SIGTERM, as systemctl stop sends, then at most 30 s (the unit's TimeoutStopSec). */
    private static void stop(Process p) {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while stopping " + p.pid(), e));
        }
    }
}
