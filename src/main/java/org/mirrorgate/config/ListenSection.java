package org.mirrorgate.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.mirrorgate.tls.TlsSettings;

/**
 * The {@code listen:} keys: the TCP listeners, the Unix socket and who may use it, and TLS of the
 * gRPC TCP listener ({@code listen.tls}). Files are only named here; {@link Preflight} checks
 * that they exist and serve (and {@code serve} refuses to start without).
 */
final class ListenSection {

    private ListenSection() {}

    static MirrorgateConfig.Listen read(ConfigNode listen, Path baseDir) {
        MirrorgateConfig.Listen d = MirrorgateConfig.Listen.DEFAULTS;
        var grpc = hostPort(listen, "grpc", d.grpc());
        String metricsText = listen.string("metrics", d.metrics().toString());
        var metrics = metricsText.isEmpty() ? null : hostPort(listen, "metrics", d.metrics());
        return new MirrorgateConfig.Listen(grpc, metrics, socket(listen), tls(listen.section("tls"), baseDir));
    }

    private static MirrorgateConfig.UnixSocket socket(ConfigNode listen) {
        Path path = unixSocketPath(listen, "grpc-socket");
        int mode = listen.fileMode("grpc-socket-mode", MirrorgateConfig.UnixSocket.DEFAULT_MODE);
        String group = listen.string("grpc-socket-group", "");
        boolean admin = listen.bool("grpc-socket-admin", false);
        if (!group.isEmpty() && !group.matches("[A-Za-z_][A-Za-z0-9_.-]{0,31}")) {
            listen.problem("grpc-socket-group", group, "a group name such as www-data, or \"\" for the service's own");
            group = "";
        }
        if (path == null) { // the sample's defaults may stand without a socket; anything else would be ignored
            if (mode != MirrorgateConfig.UnixSocket.DEFAULT_MODE) {
                listen.problem("grpc-socket-mode", "(set)", "only with listen.grpc-socket (no socket is configured)");
            }
            if (!group.isEmpty()) {
                listen.problem("grpc-socket-group", "(set)", "only with listen.grpc-socket (no socket is configured)");
            }
            if (admin) {
                listen.problem("grpc-socket-admin", "(set)", "only with listen.grpc-socket (no socket is configured)");
            }
            return null;
        }
        return new MirrorgateConfig.UnixSocket(path, mode, group.isEmpty() ? null : group, admin);
    }

    private static TlsSettings tls(ConfigNode tls, Path baseDir) {
        TlsSettings d = TlsSettings.DEFAULTS;
        Path cert = file(tls, "cert-file", baseDir);
        Path key = file(tls, "key-file", baseDir);
        Path clientCa = file(tls, "client-ca-file", baseDir);
        TlsSettings.ClientAuth auth = TlsSettings.ClientAuth.valueOf(tls.choice("client-auth",
                clientCa == null ? "none" : "require", TlsSettings.ClientAuth.keys()).toUpperCase(java.util.Locale.ROOT));
        Duration reload = tls.duration("reload-interval", d.reloadInterval(), Duration.ofMillis(100), Duration.ofDays(1));
        boolean ok = true;
        if (cert == null && key != null || cert != null && key == null) {
            tls.problem(cert == null ? "cert-file" : "key-file", "(missing)", "a PEM file beside "
                    + (cert == null ? "key-file: TLS needs the certificate chain" : "cert-file: TLS needs its private key"));
            ok = false;
        }
        if (cert == null && (clientCa != null || tls.has("client-auth"))) {
            tls.problem(clientCa != null ? "client-ca-file" : "client-auth", "(set)", "only with cert-file and key-file"
                    + " (TLS is off)");
            ok = false;
        } else if (clientCa == null && auth != TlsSettings.ClientAuth.NONE) {
            tls.problem("client-ca-file", "(missing)", "a PEM file of the CAs that sign client certificates, for"
                    + " client-auth: " + auth.key());
            ok = false;
        } else if (clientCa != null && auth == TlsSettings.ClientAuth.NONE) {
            tls.problem("client-auth", "none", "optional or require with client-ca-file (or client-ca-file: \"\")");
            ok = false;
        }
        return ok ? new TlsSettings(cert, key, clientCa, auth, reload) : d;
    }

    private static Path file(ConfigNode node, String key, Path baseDir) {
        String text = node.string(key, "");
        return text.isEmpty() ? null : baseDir.resolve(text).normalize();
    }

    private static MirrorgateConfig.HostPort hostPort(ConfigNode node, String key, MirrorgateConfig.HostPort def) {
        String text = node.string(key, def.toString());
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? "" : text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = -1;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            // reported below
        }
        if (colon < 0 || host.isEmpty() || port < 0 || port > 65535) {
            node.problem(key, text, "host:port, e.g. 127.0.0.1:7390 or [::1]:7390 (port 0 = any free port)");
            return def;
        }
        return new MirrorgateConfig.HostPort(host, port);
    }

    /** An absolute path that fits a Unix socket address (108 bytes with its NUL), or null for "". */
    private static Path unixSocketPath(ConfigNode node, String key) {
        String text = node.string(key, "");
        if (text.isEmpty()) {
            return null;
        }
        boolean clean = text.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
        if (!text.startsWith("/") || !clean || text.getBytes(StandardCharsets.UTF_8).length > 107) {
            node.problem(key, text, "an absolute path of at most 107 bytes, e.g. /run/mirrorgate/grpc.sock,"
                    + " or \"\" for none");
            return null;
        }
        return Path.of(text);
    }
}
