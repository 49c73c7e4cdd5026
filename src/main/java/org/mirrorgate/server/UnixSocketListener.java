package org.mirrorgate.server;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.UnaryOperator;

/**
 * gRPC on a Unix domain socket, beside the TCP listener, for an Nginx on the same host that
 * should not need a TCP port (the socket's directory can be locked down by filesystem permissions).
 * It is not faster: side by side in bench/nginx-bench.sh the hook cost the same CPU per redirect
 * over the socket as over loopback TCP (37.6 vs 37.5 us, five rounds; docs/benchmarks.md).
 *
 * <p>The socket is created with mode 0666: the same exposure as a loopback TCP port, which any
 * local user can reach too (admin calls over it count as local, as loopback ones do: protect them
 * with admin.token-file). A leftover socket from a previous run is replaced; any other file at
 * that path is refused rather than deleted.
 */
final class UnixSocketListener implements AutoCloseable {

    private final Path path;
    private final Server server;
    private final EventLoopGroup group;

    private UnixSocketListener(Path path, Server server, EventLoopGroup group) {
        this.path = path;
        this.server = server;
        this.group = group;
    }

    /**
     * Binds {@code path} and starts a server with the services {@code bind} adds.
     *
     * @throws IOException with what went wrong and what to do (no epoll, a non-socket file in the
     *     way, a missing directory, no permission)
     */
    static UnixSocketListener start(Path path, UnaryOperator<NettyServerBuilder> bind) throws IOException {
        if (!Epoll.isAvailable()) {
            throw new IOException("listen.grpc-socket: " + path + " (Unix sockets need Linux with epoll: "
                    + Epoll.unavailabilityCause() + "; set grpc-socket to \"\" and use listen.grpc)");
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                    || Files.isSymbolicLink(path)) {
                throw new IOException("listen.grpc-socket: " + path + " (exists and is not a socket; remove it"
                        + " or choose another path)");
            }
            Files.delete(path); // a socket left by a previous run that did not stop cleanly
        }
        UnixKeepAliveWarningFilter.install();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(0, EpollIoHandler.newFactory());
        try {
            Server server = bind.apply(NettyServerBuilder.forAddress(new DomainSocketAddress(path.toString()))
                            .bossEventLoopGroup(group)
                            .workerEventLoopGroup(group)
                            .channelType(EpollServerDomainSocketChannel.class))
                    .build()
                    .start();
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
            return new UnixSocketListener(path, server, group);
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully();
            throw new IOException("listen.grpc-socket: " + path + " (cannot listen: " + e.getMessage()
                    + "; check that the directory exists and this user may write to it)", e);
        }
    }

    Path path() {
        return path;
    }

    /** Stops the server (calls in flight get the same bounded grace as TCP ones) and removes the socket. */
    @Override
    public void close() {
        MirrorgateServer.shutdownBounded(server);
        group.shutdownGracefully();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // Harmless: the next start replaces a leftover socket.
        }
    }
}
