package org.mirrorgate.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import org.mirrorgate.geo.GeoDatabaseException;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.geo.GeoLookups;
import org.mirrorgate.store.StoreSettings;
import org.mirrorgate.tls.PemFiles;
import org.mirrorgate.tls.TlsFileException;
import org.mirrorgate.tls.TlsSettings;

/**
 * What {@code serve} needs from this host beyond a well-formed file, checked before it starts:
 * the repository directory, the admin token file and its length, the GeoIP databases (opened as
 * serve opens them), the store directory, the download log's file, the CA file, the Unix socket's
 * directory and group, the TLS certificate, key (that they belong together) and client CAs, and the
 * TCP ports. {@code check-config} runs the same checks, so a config it passes is one serve can run,
 * and serve refuses to start with the same message. Problems read {@code key: value (what is
 * wrong; expected: what to do)}.
 *
 * <p>Warnings are for what runs but exposes more than an operator may think: gRPC or metrics
 * reachable from other hosts without an admin token, the token crossing a network without TLS,
 * and admin calls open to every local user over the Unix socket.
 */
public final class Preflight {

    /** Shortest admin token accepted (as the server reads it: the file's text, trimmed). */
    public static final int MIN_TOKEN_LENGTH = 16;

    /**
     * @param problems each stops serve; empty when it can start
     * @param warnings each worth reading, none stops it
     */
    public record Result(List<String> problems, List<String> warnings) {
        public Result {
            problems = List.copyOf(problems);
            warnings = List.copyOf(warnings);
        }

        /** Throws the problems as one {@link ConfigException} of {@code file}, as a config error reads. */
        public void throwProblems(String file) {
            if (!problems.isEmpty()) {
                throw new ConfigException(file, problems);
            }
        }
    }

    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private Preflight() {}

    /** @param ports whether to try binding the TCP ports (off for a config whose service runs now) */
    public static Result check(MirrorgateConfig config, boolean ports) {
        Preflight p = new Preflight();
        p.repository(config.repository().root());
        p.adminToken(config.adminTokenFile());
        p.geo(config);
        p.store(config.store());
        p.downloadLog(config.downloadLog().file());
        p.readableFile("scan.tls-ca-file", config.scan().probe().tlsCaFile(), "a PEM file of CA certificates, or \"\"");
        p.listen(config.listen(), ports);
        p.tls(config.listen().tls());
        p.exposure(config);
        return new Result(p.problems, p.warnings);
    }

    private void repository(Path root) {
        if (!Files.exists(root)) {
            problem("repository.root", root, "no such directory", "the directory holding the local copy of the archive");
        } else if (!Files.isDirectory(root)) {
            problem("repository.root", root, "not a directory", "the directory holding the local copy of the archive");
        } else if (!Files.isReadable(root) || !Files.isExecutable(root)) {
            problem("repository.root", root, "not readable by this user (" + user() + ")",
                    "a directory this user may list; fix its permissions or run as its owner");
        }
    }

    private void adminToken(Path file) {
        if (file == null || !readableFile("admin.token-file", file, "a file holding the admin token")) {
            return;
        }
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (token.length() < MIN_TOKEN_LENGTH) {
                problem("admin.token-file", file, "a token of " + token.length() + " characters",
                        "at least " + MIN_TOKEN_LENGTH + "; e.g. head -c 24 /dev/urandom | base64 > " + file);
            }
        } catch (IOException e) {
            problem("admin.token-file", file, "cannot be read as UTF-8 text: " + e.getMessage(),
                    "a file holding the admin token");
        }
    }

    private void geo(MirrorgateConfig config) {
        if (config.geo().isEmpty()) {
            return;
        }
        try {
            GeoLookup lookup = GeoLookups.open(config.geo());
            if (lookup instanceof AutoCloseable c) {
                c.close();
            }
        } catch (GeoDatabaseException e) {
            problems.add(e.getMessage());
        } catch (Exception e) {
            problems.add("geoip: cannot be opened: " + e);
        }
    }

    private void store(StoreSettings store) {
        if (store.type() != StoreSettings.Type.EMBEDDED) {
            return;
        }
        Path dir = store.path().toAbsolutePath();
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            problem("store.path", dir, existing == null ? "no such directory" : existing + " is not a directory",
                    "a directory for the embedded store's file, or one that can be created");
        } else if (!Files.isWritable(existing) || !Files.isExecutable(existing)) {
            problem("store.path", dir, (existing.equals(dir) ? "" : existing + ": ") + "not writable by this user ("
                    + user() + ")", "a directory this user may write to (the store file is created there)");
        }
    }

    /** The download log's file, when set: a writable file, or one its directory lets this user create. */
    private void downloadLog(Path file) {
        if (file == null) {
            return;
        }
        String expected = "a file this user may append to, or create (e.g. /var/log/mirrorgate/downloads.log"
                + " with LogsDirectory=mirrorgate under systemd)";
        if (Files.exists(file)) {
            if (!Files.isRegularFile(file)) {
                problem("downloads.log-file", file, "not a regular file", expected);
            } else if (!Files.isWritable(file)) {
                problem("downloads.log-file", file, "not writable by this user (" + user() + ")", expected);
            }
            return;
        }
        Path existing = file.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            problem("downloads.log-file", file, existing == null ? "no such directory" : existing
                    + " is not a directory", expected);
        } else if (!Files.isWritable(existing) || !Files.isExecutable(existing)) {
            problem("downloads.log-file", file, existing + ": not writable by this user (" + user() + ")", expected);
        }
    }

    /** The certificate, its key and the client CAs, read and checked as the listener will (PemFiles). */
    private void tls(TlsSettings tls) {
        if (!tls.enabled()) {
            return;
        }
        try {
            PemFiles.identity("listen.tls.cert-file", tls.certFile(), "listen.tls.key-file", tls.keyFile());
        } catch (TlsFileException e) {
            problems.add(e.getMessage());
        }
        if (tls.clientCaFile() != null) {
            try {
                PemFiles.caCertificates("listen.tls.client-ca-file", tls.clientCaFile());
            } catch (TlsFileException e) {
                problems.add(e.getMessage());
            }
        }
    }

    private void socketGroup(String group) {
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        } catch (UserPrincipalNotFoundException e) {
            problem("listen.grpc-socket-group", group, "no such group on this host",
                    "an existing group (getent group " + group + "), e.g. the one Nginx's workers run as");
        } catch (IOException | UnsupportedOperationException e) {
            problem("listen.grpc-socket-group", group, "cannot be looked up: " + e.getMessage(), "an existing group");
        }
    }

    private void listen(MirrorgateConfig.Listen listen, boolean ports) {
        Path socket = listen.grpcSocket();
        if (socket != null && listen.socket().group() != null) {
            socketGroup(listen.socket().group());
        }
        if (socket != null) {
            Path dir = socket.getParent();
            if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS) && (Files.isRegularFile(socket, LinkOption.NOFOLLOW_LINKS)
                    || Files.isDirectory(socket, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(socket))) {
                problem("listen.grpc-socket", socket, "exists and is not a socket", "remove it or choose another path");
            } else if (!Files.isDirectory(dir)) {
                problem("listen.grpc-socket", socket, "no directory " + dir,
                        "a path in an existing directory (e.g. RuntimeDirectory=mirrorgate under systemd)");
            } else if (!Files.isWritable(dir) || !Files.isExecutable(dir)) {
                problem("listen.grpc-socket", socket, dir + " not writable by this user (" + user() + ")",
                        "a directory this user may create the socket in");
            }
        }
        MirrorgateConfig.HostPort metrics = listen.metrics();
        if (metrics != null && metrics.port() != 0 && metrics.port() == listen.grpc().port()
                && sameHost(metrics.host(), listen.grpc().host())) {
            problem("listen.metrics", metrics, "the port of listen.grpc", "another port (or \"\" for no metrics)");
            return;
        }
        if (ports) {
            port("listen.grpc", listen.grpc());
            if (metrics != null) {
                port("listen.metrics", metrics);
            }
        }
    }

    private void port(String key, MirrorgateConfig.HostPort hp) {
        if (hp.port() == 0) {
            return;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(hp.host()), hp.port()));
        } catch (UnknownHostException e) {
            problem(key, hp, "unknown host " + hp.host(), "an address of this host, e.g. 127.0.0.1 or [::1]");
        } catch (IOException e) {
            problem(key, hp, "cannot listen: " + e.getMessage(), "a free port on an address of this host; if it is"
                    + " this config's own running service, check-config --no-port-check skips this");
        }
    }

    private void exposure(MirrorgateConfig config) {
        if (config.adminTokenFile() == null && !loopback(config.listen().grpc().host())) {
            warnings.add("listen.grpc: " + config.listen().grpc() + " is reachable from other hosts and admin.token-file"
                    + " is not set: Resolve, health and reflection answer anyone who reaches the port (admin calls"
                    + " are still refused from other hosts). Listen on 127.0.0.1 (and listen.grpc-socket) for an"
                    + " Nginx on this host, or set admin.token-file and firewall the port to your Nginx hosts");
        }
        if (config.adminTokenFile() != null && !config.listen().tls().enabled() && !loopback(config.listen().grpc().host())) {
            warnings.add("listen.grpc: " + config.listen().grpc() + " is reachable from other hosts without TLS: the"
                    + " admin token and every request cross the network in clear. Set listen.tls.cert-file and"
                    + " key-file (the CLI then takes --tls --ca), or keep the port on a network you trust");
        }
        MirrorgateConfig.UnixSocket socket = config.listen().socket();
        if (socket != null && socket.adminWithoutToken() && config.adminTokenFile() == null) {
            warnings.add("listen.grpc-socket-admin: true without admin.token-file: every local user who may open "
                    + socket.path() + " (mode " + String.format("%04o", socket.mode()) + (socket.group() == null ? ""
                    : ", group " + socket.group()) + ") may disable mirrors and start scans. Set admin.token-file,"
                    + " or narrow listen.grpc-socket-mode and -group");
        }
        MirrorgateConfig.HostPort metrics = config.listen().metrics();
        if (metrics != null && config.adminTokenFile() == null && !loopback(metrics.host())) {
            warnings.add("listen.metrics: " + metrics + " is reachable from other hosts, and the metrics endpoint has"
                    + " no authentication (it shows mirrors, counters and replicas). Listen on 127.0.0.1, or"
                    + " firewall the port to your Prometheus");
        }
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return true; // not a listening address at all: the port check reports it
        }
    }

    private static boolean sameHost(String a, String b) {
        try {
            InetAddress x = InetAddress.getByName(a);
            InetAddress y = InetAddress.getByName(b);
            return x.equals(y) || x.isAnyLocalAddress() || y.isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return a.equals(b);
        }
    }

    /** Reports a missing, odd or unreadable file; returns whether it is a readable regular file. */
    private boolean readableFile(String key, Path file, String expected) {
        if (file == null) {
            return false;
        }
        if (!Files.exists(file)) {
            problem(key, file, "no such file", expected);
        } else if (!Files.isRegularFile(file)) {
            problem(key, file, "not a regular file", expected);
        } else if (!Files.isReadable(file)) {
            problem(key, file, "not readable by this user (" + user() + ")", expected + " this user may read");
        } else {
            return true;
        }
        return false;
    }

    private void problem(String key, Object value, String what, String expected) {
        problems.add(key + ": " + value + " (" + what + "; expected: " + expected + ")");
    }

    private static String user() {
        return System.getProperty("user.name");
    }
}
