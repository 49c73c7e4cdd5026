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
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.UnaryOperator;
import org.mirrorgate.config.MirrorgateConfig;

/**
 * gRPC on a Unix domain socket, beside the TCP listener, for an Nginx on the same host that
 * should not need a TCP port (the socket's directory can be locked down by filesystem permissions).
 * It is not faster: side by side in bench/nginx-bench.sh the hook cost the same CPU per redirect
 * over the socket as over loopback TCP (37.6 vs 37.5 us, five rounds; docs/benchmarks.md).
 *
 * <p>The socket gets {@code listen.grpc-socket-mode} (default 0666: any local user may connect,
 * as to a loopback port) and {@code listen.grpc-socket-group}; admin calls over it need the
 * admin token unless {@code listen.grpc-socket-admin} says otherwise (AdminAuthInterceptor). The
 * group is set before the mode, so the socket is never open to the wrong group; until both are
 * set it has the umask's mode (connect needs write permission, which a 022 umask gives only the
 * owner). A leftover socket from a previous run is replaced; any other file at that path is
 * refused rather than deleted.
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
    static UnixSocketListener start(MirrorgateConfig.UnixSocket socket, UnaryOperator<NettyServerBuilder> bind)
            throws IOException {
        Path path = socket.path();
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
        Server server;
        try {
            server = bind.apply(NettyServerBuilder.forAddress(new DomainSocketAddress(path.toString()))
                            .bossEventLoopGroup(group)
                            .workerEventLoopGroup(group)
                            .channelType(EpollServerDomainSocketChannel.class))
                    .build()
                    .start();
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully();
            throw new IOException("listen.grpc-socket: " + path + " (cannot listen: " + e.getMessage()
                    + "; check that the directory exists and this user may write to it)", e);
        }
        UnixSocketListener listener = new UnixSocketListener(path, server, group);
        try {
            applyAccess(socket);
        } catch (IOException e) {
            listener.close(); // not left listening with the wrong owner or mode
            throw e;
        }
        return listener;
    }

    /** Group first, then mode (see the class comment); each failure names its key. */
    private static void applyAccess(MirrorgateConfig.UnixSocket socket) throws IOException {
        Path path = socket.path();
        if (socket.group() != null) {
            try {
                GroupPrincipal g = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(socket.group());
                Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(g);
            } catch (IOException e) {
                throw new IOException("listen.grpc-socket-group: " + socket.group() + " (cannot give " + path + " to it: "
                        + e.getMessage() + "; expected: a group this user (" + System.getProperty("user.name")
                        + ") belongs to, e.g. usermod -aG " + socket.group() + " " + System.getProperty("user.name") + ")", e);
            }
        }
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions(socket.mode())));
        } catch (IOException e) {
            throw new IOException("listen.grpc-socket-mode: " + String.format("%04o", socket.mode()) + " (cannot set it on "
                    + path + ": " + e.getMessage() + ")", e);
        }
    }

    /** 0660 -> "rw-rw----". */
    static String permissions(int mode) {
        StringBuilder b = new StringBuilder(9);
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = mode >> shift;
            b.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-').append((bits & 1) != 0 ? 'x' : '-');
        }
        return b.toString();
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
