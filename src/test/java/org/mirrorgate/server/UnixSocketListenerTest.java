package org.mirrorgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import org.mirrorgate.config.MirrorgateConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The service on a Unix socket beside TCP: what a co-located Nginx uses. */
class UnixSocketListenerTest {

    @TempDir
    Path dir;
    private MirrorgateServer server;
    private EventLoopGroup clientGroup;
    private ManagedChannel channel;

    private MirrorgateServer start(Path socket) throws Exception {
        return start(socket, "");
    }

    /** @param socketKeys more listen keys, each starting with ", " */
    private MirrorgateServer start(Path socket, String socketKeys) throws Exception {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve("pool/main/h"));
        Files.writeString(repo.resolve("pool/main/h/hello.deb"), "hello");
        Files.writeString(dir.resolve("mirrorgate.yaml"), """
                repository: {root: repo, url-prefix: /debian/}
                listen: {grpc: "127.0.0.1:0", metrics: "", grpc-socket: "%s"%s}
                resolve: {warmup-calls: 100}
                store: {path: state}
                mirrors:
                  - {name: m1, https-url: "https://m1.example.org/debian/", trusted: true}
                """.formatted(socket, socketKeys));
        MirrorgateServer s = MirrorgateServer.create(ConfigLoader.load(dir.resolve("mirrorgate.yaml")));
        s.start();
        return s;
    }

    private static MirrorgateConfig.UnixSocket socketAt(Path path) {
        return new MirrorgateConfig.UnixSocket(path, MirrorgateConfig.UnixSocket.DEFAULT_MODE, null, false);
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
    void theSocketGetsItsConfiguredGroupThenModeAndIsNoAdminEndpointWithoutATokenUnlessSaidSo() throws Exception {
        Path socket = dir.resolve("grpc.sock");
        String own = Files.getAttribute(dir, "posix:group").toString();
        Process id = new ProcessBuilder("id", "-Gn").start(); // the groups this user may give a file to
        java.util.List<String> mine = java.util.List.of(new String(id.getInputStream().readAllBytes()).trim().split(" "));
        id.waitFor();
        boolean root = "root".equals(System.getProperty("user.name"));
        String group = Files.readAllLines(Path.of("/etc/group")).stream().map(l -> l.split(":")[0])
                .filter(g -> !g.equals(own) && (root || mine.contains(g))).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(group != null, "this user is in no second group");
        server = start(socket, ", grpc-socket-mode: \"0660\", grpc-socket-group: " + group);
        await().atMost(Duration.ofSeconds(30)).until(server::isServing);
        assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-rw----"));
        assertThat(Files.getAttribute(socket, "posix:group").toString()).isEqualTo(group);

        overSocket(socket); // Resolve is for everyone who may open the socket; admin calls need the token
        var admin = org.mirrorgate.api.v1.MirrorAdminGrpc.newBlockingStub(channel);
        assertThatThrownBy(() -> admin.listMirrors(org.mirrorgate.api.v1.ListMirrorsRequest.getDefaultInstance()))
                .isInstanceOf(io.grpc.StatusRuntimeException.class)
                .hasMessage("UNAUTHENTICATED: admin calls over listen.grpc-socket need admin.token-file (or"
                        + " listen.grpc-socket-admin: true, which admits every local user who may open the socket); or"
                        + " call over loopback TCP");
        ManagedChannel tcp = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        try { // loopback TCP still counts as the host's operator
            assertThat(org.mirrorgate.api.v1.MirrorAdminGrpc.newBlockingStub(tcp).listMirrors(
                    org.mirrorgate.api.v1.ListMirrorsRequest.getDefaultInstance()).getMirrorsCount()).isEqualTo(1);
        } finally {
            tcp.shutdownNow();
        }
        server.stop();
        channel.shutdownNow();
        clientGroup.shutdownGracefully();
        channel = null;

        server = start(socket, ", grpc-socket-admin: true");
        await().atMost(Duration.ofSeconds(30)).until(server::isServing);
        overSocket(socket);
        assertThat(org.mirrorgate.api.v1.MirrorAdminGrpc.newBlockingStub(channel).listMirrors(
                org.mirrorgate.api.v1.ListMirrorsRequest.getDefaultInstance()).getMirrorsCount()).isEqualTo(1);
    }

    @Test
    void permissionBitsReadAsTheirLsForm() {
        assertThat(UnixSocketListener.permissions(0666)).isEqualTo("rw-rw-rw-");
        assertThat(UnixSocketListener.permissions(0750)).isEqualTo("rwxr-x---");
        assertThat(UnixSocketListener.permissions(0604)).isEqualTo("rw----r--");
    }

    @Test
    void connectionsToTheSocketLogNoKeepAliveWarningButOtherWarningsPass() throws Exception {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        root.addAppender(seen);
        try {
            Path socket = dir.resolve("grpc.sock");
            server = start(socket);
            await().atMost(Duration.ofSeconds(30)).until(server::isServing);
            for (int i = 0; i < 3; i++) { // three connections, each accepted anew
                overSocket(socket).resolve(ResolveRequest.newBuilder().setPath("/debian/pool/main/h/hello.deb")
                        .setClientIp("192.0.2.1").build());
                channel.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
                clientGroup.shutdownGracefully();
                channel = null;
            }
            Logger bootstrap = LoggerFactory.getLogger("io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap");
            bootstrap.warn("Unknown channel option 'SO_RCVBUF' for channel 'x'"); // not the one dropped
            // (the test's own client, a Bootstrap, still warns: only the server's accepts matter)
            assertThat(seen.list).filteredOn(e -> e.getLoggerName().endsWith("ServerBootstrap"))
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .noneMatch(m -> m.contains("'SO_KEEPALIVE'"))
                    .anyMatch(m -> m.contains("'SO_RCVBUF'"));
        } finally {
            root.detachAppender(seen);
        }
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
        assertThatThrownBy(() -> UnixSocketListener.start(socketAt(regular), b -> b))
                .isInstanceOf(IOException.class)
                .hasMessage("listen.grpc-socket: " + regular + " (exists and is not a socket; remove it or choose"
                        + " another path)");
        assertThat(regular).hasContent("precious");

        Path noDir = dir.resolve("missing/grpc.sock");
        assertThatThrownBy(() -> UnixSocketListener.start(socketAt(noDir), b -> b))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("listen.grpc-socket: " + noDir + " (cannot listen: ")
                .hasMessageEndingWith("check that the directory exists and this user may write to it)");
    }
}
