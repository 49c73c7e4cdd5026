package org.mirrorgate.cli;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.mirrorgate.api.v1.MirrorAdminGrpc;
import org.mirrorgate.api.v1.ResolverGrpc;
import picocli.CommandLine.Option;

/** Connection options shared by every command that talks to a running service. */
final class AdminClient {

    @Option(names = {"-t", "--target"}, paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7390",
            description = "host:port of the service's gRPC listener (default: ${DEFAULT-VALUE})")
    String target;

    @Option(names = "--token-file", paramLabel = "FILE", description = "file holding the admin token (admin.token-file of the service)")
    Path tokenFile;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "seconds to wait for an answer (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    private ManagedChannel channel;

    ManagedChannel channel() {
        if (channel == null) {
            channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
        }
        return channel;
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

    ResolverGrpc.ResolverBlockingStub resolver() {
        return ResolverGrpc.newBlockingStub(channel()).withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS);
    }

    void close() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }
}
