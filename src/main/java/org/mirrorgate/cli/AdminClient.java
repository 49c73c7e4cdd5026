package org.mirrorgate.cli;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.mirrorgate.api.v1.MirrorAdminGrpc;
import org.mirrorgate.api.v1.ResolverGrpc;
import org.mirrorgate.tls.PemFiles;
import org.mirrorgate.tls.TlsFileException;
import picocli.CommandLine.Option;

/**
 * Connection options shared by every command that talks to a running service: where, the admin
 * token, and TLS (the service's {@code listen.tls}): {@code --tls} with the system's CAs, {@code
 * --ca} with the CA that signed the service's certificate, {@code --cert}/{@code --key} for a
 * service that wants client certificates. A failed handshake becomes one line naming the target
 * and the option to pass ({@link TlsFailures}).
 */
final class AdminClient {

    @Option(names = {"-t", "--target"}, paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7390",
            description = "host:port of the service's gRPC listener (default: ${DEFAULT-VALUE})")
    String target;

    @Option(names = "--token-file", paramLabel = "FILE", description = "file holding the admin token (admin.token-file of the service)")
    Path tokenFile;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "seconds to wait for an answer (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Option(names = "--tls", description = "talk TLS (the service has listen.tls); trusts the system's CAs unless --ca")
    boolean tls;

    @Option(names = "--ca", paramLabel = "FILE", description = "PEM CA certificates that sign the service's certificate"
            + " (implies --tls)")
    Path ca;

    @Option(names = "--cert", paramLabel = "FILE", description = "PEM client certificate chain, for a service with"
            + " listen.tls.client-auth (implies --tls; with --key)")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "PKCS#8 PEM private key of --cert")
    Path key;

    private ManagedChannel channel;

    boolean usesTls() {
        return tls || ca != null || cert != null || key != null;
    }

    ManagedChannel channel() throws IOException {
        if (channel == null) {
            channel = usesTls() ? NettyChannelBuilder.forTarget(target, credentials()).build()
                    : NettyChannelBuilder.forTarget(target).usePlaintext().build();
        }
        return channel;
    }

    /** The TLS credentials the options ask for; the files are read and checked first, for a clear error. */
    private ChannelCredentials credentials() throws IOException {
        if ((cert == null) != (key == null)) {
            throw new IOException(cert == null ? "--key needs --cert (the client certificate it belongs to)"
                    : "--cert needs --key (its private key)");
        }
        try {
            TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
            if (ca != null) {
                KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
                trusted.load(null, null);
                int i = 0;
                for (var c : PemFiles.caCertificates("--ca", ca)) {
                    trusted.setCertificateEntry("ca-" + i++, c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trusted);
                b.trustManager(tmf.getTrustManagers());
            }
            if (cert != null) {
                PemFiles.Identity id = PemFiles.identity("--cert", cert, "--key", key);
                KeyStore own = KeyStore.getInstance(KeyStore.getDefaultType());
                own.load(null, null);
                char[] none = new char[0];
                own.setKeyEntry("client", id.key(), none, id.chain());
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(own, none);
                b.keyManager(kmf.getKeyManagers());
            }
            return b.build();
        } catch (TlsFileException e) {
            throw new IOException(e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e, e);
        }
    }

    MirrorAdminGrpc.MirrorAdminBlockingStub admin() throws IOException {
        MirrorAdminGrpc.MirrorAdminBlockingStub stub = MirrorAdminGrpc.newBlockingStub(channel())
                .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS);
        if (tokenFile != null) {
            Metadata md = new Metadata();
            md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                    "Bearer " + Files.readString(tokenFile, StandardCharsets.UTF_8).trim());
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
        }
        return stub;
    }

    /** A stub without a deadline for streaming calls (scans), which end when the work ends. */
    MirrorAdminGrpc.MirrorAdminBlockingStub adminStreaming() throws IOException {
        return admin().withDeadline(null);
    }

    ResolverGrpc.ResolverBlockingStub resolver() throws IOException {
        return ResolverGrpc.newBlockingStub(channel()).withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS);
    }

    /** A failed call as the operator should read it: a TLS problem named as one, else as it came. */
    RuntimeException explain(StatusRuntimeException e) {
        String tlsProblem = TlsFailures.describe(e, target, usesTls(), ca != null, cert != null);
        return tlsProblem == null ? e : new TlsFailures.HandshakeFailed(tlsProblem, e);
    }

    void close() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }
}
