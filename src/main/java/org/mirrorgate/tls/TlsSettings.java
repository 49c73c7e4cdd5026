package org.mirrorgate.tls;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * TLS of the gRPC TCP listener ({@code listen.tls}). Off when {@code certFile} is null: the
 * listener then speaks plaintext, as the Unix socket always does (both are for an Nginx on the
 * same host; TLS is for one on another host, and for the admin token crossing a network).
 *
 * @param certFile PEM certificate chain, leaf first; null for no TLS
 * @param keyFile the leaf's PKCS#8 PEM private key, unencrypted; null exactly when certFile is
 * @param clientCaFile PEM CA certificates that sign client certificates; null unless clientAuth asks for them
 * @param clientAuth whether clients must show a certificate signed by clientCaFile
 * @param reloadInterval how often the files are checked for changes (a renewed certificate is
 *     picked up without a restart)
 */
public record TlsSettings(Path certFile, Path keyFile, Path clientCaFile, ClientAuth clientAuth, Duration reloadInterval) {

    /** Client certificates: not asked for, checked when shown, or required (mutual TLS). */
    public enum ClientAuth {
        NONE, OPTIONAL, REQUIRE;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static List<String> keys() {
            return List.of("none", "optional", "require");
        }
    }

    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(30);

    /** No TLS. */
    public static final TlsSettings DEFAULTS = new TlsSettings(null, null, null, ClientAuth.NONE, DEFAULT_RELOAD_INTERVAL);

    public TlsSettings {
        requireNonNull(clientAuth, "clientAuth");
        requireNonNull(reloadInterval, "reloadInterval");
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("cert-file and key-file: both or neither (expected: both for TLS)");
        }
        if ((clientCaFile == null) != (clientAuth == ClientAuth.NONE)) {
            throw new IllegalArgumentException("client-ca-file: " + (clientCaFile == null ? "\"\"" : clientCaFile)
                    + " with client-auth: " + clientAuth.key() + " (expected: a CA file exactly when client-auth is"
                    + " optional or require)");
        }
        if (certFile == null && clientCaFile != null) {
            throw new IllegalArgumentException("client-ca-file: " + clientCaFile + " (expected: only with cert-file"
                    + " and key-file)");
        }
    }

    public boolean enabled() {
        return certFile != null;
    }
}
