package org.mirrorgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.api.v1.Action;
import org.mirrorgate.api.v1.ResolveRequest;
import org.mirrorgate.api.v1.ResolveResponse;
import org.mirrorgate.api.v1.ResolverGrpc;
import org.mirrorgate.api.v1.Scheme;
import org.mirrorgate.config.ConfigLoader;

/** The service on a Unix socket beside TCP: what a co-located Nginx uses. */
class UnixSocketListenerTest {

    @TempDir
    Path dir;
    private MirrorgateServer server;
    private EventLoopGroup clientGroup;
    private ManagedChannel channel;

    private MirrorgateServer start(Path socket) throws Exception {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve("pool/main/h"));
        Files.writeString(repo.resolve("pool/main/h/hello.deb"), "hello");
        Files.writeString(dir.resolve("mirrorgate.yaml"), """
                repository: {root: repo, url-prefix: /debian/}
                listen: {grpc: "127.0.0.1:0", metrics: "", grpc-socket: "%s"}
                resolve: {warmup-calls: 100}
                store: {path: state}
                mirrors:
                  - {name: m1, https-url: "https://m1.example.org/debian/", trusted: true}
                """.formatted(socket));
        MirrorgateServer s = MirrorgateServer.create(ConfigLoader.load(dir.resolve("mirrorgate.yaml")));
        s.start();
        return s;
    }

    private ResolverGrpc.ResolverBlockingStub overSocket(Path socket) {
        clientGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .eventLoopGroup(clientGroup)
                .channelType(EpollDomainSocketChannel.class)
                .usePlaintext()
                .build();
        return ResolverGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
            clientGroup.shutdownGracefully();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void resolvesOverTheSocketWhichAnyLocalUserMayOpenAndIsRemovedOnStop() throws Exception {
        Path socket = dir.resolve("grpc.sock");
        server = start(socket);
        await().atMost(Duration.ofSeconds(30)).until(server::isServing);
        assertThat(server.grpcSocket()).isEqualTo(socket);
        assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-rw-rw-"));

        ResolveResponse r = overSocket(socket).resolve(ResolveRequest.newBuilder()
                .setPath("/debian/pool/main/h/hello.deb").setClientIp("192.0.2.1").setScheme(Scheme.HTTPS).build());
        assertThat(r.getAction()).isEqualTo(Action.REDIRECT);
        assertThat(r.getUrl()).isEqualTo("https://m1.example.org/debian/pool/main/h/hello.deb");

        server.stop();
        server = null;
        assertThat(socket).doesNotExist();
    }

    @Test
    void replacesASocketLeftByACrashButNeverAnotherFile() throws Exception {
        Path socket = dir.resolve("grpc.sock");
        // What a killed process leaves: a bound socket file nobody listens on (a JDK channel, closed,
        // keeps its file; Netty's would remove it).
        try (var leftover = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            leftover.bind(java.net.UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        server = start(socket);
        await().atMost(Duration.ofSeconds(30)).until(server::isServing);
        assertThat(overSocket(socket).resolve(ResolveRequest.newBuilder().setPath("/debian/pool/main/h/hello.deb")
                .setClientIp("192.0.2.1").setScheme(Scheme.HTTPS).build()).getAction()).isEqualTo(Action.REDIRECT);
        server.stop();
        server = null;

        Path regular = dir.resolve("not-a-socket");
        Files.writeString(regular, "precious");
        assertThatThrownBy(() -> UnixSocketListener.start(regular, b -> b))
                .isInstanceOf(IOException.class)
                .hasMessage("listen.grpc-socket: " + regular + " (exists and is not a socket; remove it or choose"
                        + " another path)");
        assertThat(regular).hasContent("precious");

        Path noDir = dir.resolve("missing/grpc.sock");
        assertThatThrownBy(() -> UnixSocketListener.start(noDir, b -> b))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("listen.grpc-socket: " + noDir + " (cannot listen: ")
                .hasMessageEndingWith("check that the directory exists and this user may write to it)");
    }
}
