package org.mirrorgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mirrorgate.tls.TlsSettings;

/** The listen section's socket access and TLS keys: what they become, and every way to get them wrong. */
class ListenSectionTest {

    private static MirrorgateConfig.Listen listen(String listen) {
        return ConfigLoader.parse("repository: {root: /srv/debian}\nlisten: " + listen + "\n", "test.yaml",
                Path.of("/etc/mirrorgate")).listen();
    }

    private static java.util.List<String> problems(String listen) {
        return catchThrowableOfType(ConfigException.class, () -> listen(listen)).problems();
    }

    @Test
    void withoutTlsKeysTheListenerIsPlaintextAndTheSocketIsNotAdminWithoutAToken() {
        MirrorgateConfig.Listen l = listen("{grpc-socket: /run/mirrorgate/grpc.sock}");
        assertThat(l.tls()).isEqualTo(TlsSettings.DEFAULTS);
        assertThat(l.tls().enabled()).isFalse();
        assertThat(l.socket()).isEqualTo(new MirrorgateConfig.UnixSocket(Path.of("/run/mirrorgate/grpc.sock"), 0666,
                null, false));
    }

    @Test
    void readsTheSocketsModeGroupAndAdminAndTlsFilesRelativeToTheConfig() {
        MirrorgateConfig.Listen l = listen("""
                {grpc-socket: /run/mirrorgate/grpc.sock, grpc-socket-mode: "0660", grpc-socket-group: www-data,
                 grpc-socket-admin: true,
                 tls: {cert-file: tls/cert.pem, key-file: /etc/ssl/private/key.pem, client-ca-file: clients.pem,
                       reload-interval: 5m}}""");
        assertThat(l.socket()).isEqualTo(new MirrorgateConfig.UnixSocket(Path.of("/run/mirrorgate/grpc.sock"), 0660,
                "www-data", true));
        assertThat(l.tls()).isEqualTo(new TlsSettings(Path.of("/etc/mirrorgate/tls/cert.pem"),
                Path.of("/etc/ssl/private/key.pem"), Path.of("/etc/mirrorgate/clients.pem"),
                TlsSettings.ClientAuth.REQUIRE, Duration.ofMinutes(5))); // a client CA alone means require
        assertThat(listen("{tls: {cert-file: c.pem, key-file: k.pem, client-ca-file: ca.pem, client-auth: optional}}")
                .tls().clientAuth()).isEqualTo(TlsSettings.ClientAuth.OPTIONAL);
    }

    @Test
    void aModeMustBeAQuotedOctalNumberOfPermissionBitsOnly() {
        assertThat(problems("{grpc-socket: /run/g.sock, grpc-socket-mode: 0660}")).singleElement().asString()
                .startsWith("listen.grpc-socket-mode: ")
                .endsWith("(expected: an octal mode in quotes, such as \"0660\" (unquoted, YAML reads it as a number))");
        assertThat(problems("{grpc-socket: /run/g.sock, grpc-socket-mode: \"4755\"}")).containsExactly(
                "listen.grpc-socket-mode: 4755 (expected: an octal mode in quotes, such as \"0660\")");
        assertThat(problems("{grpc-socket: /run/g.sock, grpc-socket-mode: \"0689\"}")).hasSize(1);
        assertThat(listen("{grpc-socket: /run/g.sock, grpc-socket-mode: \"600\"}").socket().mode()).isEqualTo(0600);
    }

    @Test
    void socketKeysWithoutASocketAndBadGroupNamesAreProblems() {
        assertThat(problems("{grpc-socket-mode: \"0660\", grpc-socket-admin: true}")).containsExactly(
                "listen.grpc-socket-mode: (set) (expected: only with listen.grpc-socket (no socket is configured))",
                "listen.grpc-socket-admin: (set) (expected: only with listen.grpc-socket (no socket is configured))");
        assertThat(problems("{grpc-socket: /run/g.sock, grpc-socket-group: \"www data\"}")).containsExactly(
                "listen.grpc-socket-group: www data (expected: a group name such as www-data, or \"\" for the"
                        + " service's own)");
    }

    @Test
    void tlsNeedsBothFilesAndClientAuthAndItsCaGoTogether() {
        assertThat(problems("{tls: {cert-file: c.pem}}")).containsExactly(
                "listen.tls.key-file: (missing) (expected: a PEM file beside cert-file: TLS needs its private key)");
        assertThat(problems("{tls: {key-file: k.pem}}")).containsExactly(
                "listen.tls.cert-file: (missing) (expected: a PEM file beside key-file: TLS needs the certificate chain)");
        assertThat(problems("{tls: {cert-file: c.pem, key-file: k.pem, client-auth: require}}")).containsExactly(
                "listen.tls.client-ca-file: (missing) (expected: a PEM file of the CAs that sign client certificates,"
                        + " for client-auth: require)");
        assertThat(problems("{tls: {cert-file: c.pem, key-file: k.pem, client-ca-file: ca.pem, client-auth: none}}"))
                .containsExactly("listen.tls.client-auth: none (expected: optional or require with client-ca-file (or"
                        + " client-ca-file: \"\"))");
        assertThat(problems("{tls: {client-ca-file: ca.pem}}")).containsExactly(
                "listen.tls.client-ca-file: (set) (expected: only with cert-file and key-file (TLS is off))");
        assertThat(problems("{tls: {cert-file: c.pem, key-file: k.pem, client-auth: always, reload-interval: 1ms,"
                + " certfile: x}}")).hasSize(3).anyMatch(p -> p.startsWith("listen.tls.client-auth: always"))
                .anyMatch(p -> p.startsWith("listen.tls.reload-interval: 1ms"))
                .anyMatch(p -> p.startsWith("listen.tls.certfile"));
    }
}
