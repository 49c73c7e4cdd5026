package org.mirrorgate.testing;

import java.nio.file.Path;
import java.util.List;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;

/**
 * Apache FtpServer in the test JVM, serving a tree read-only to anonymous users on a free loopback
 * port, passive mode only. It speaks MLSD (RFC 3659) with millisecond mtimes; vsftpd
 * ({@link FtpServerProcess}) covers servers that only have LIST and MDTM.
 */
public final class InProcessFtpServer implements AutoCloseable {

    private final FtpServer server;
    private final int port;

    private InProcessFtpServer(FtpServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static InProcessFtpServer serving(Path root) {
        try {
            int port = FreePorts.next();
            int passive = FreePorts.next();
            FtpServerFactory factory = new FtpServerFactory();
            ListenerFactory listener = new ListenerFactory();
            listener.setServerAddress("127.0.0.1");
            listener.setPort(port);
            DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
            data.setPassivePorts(Integer.toString(passive));
            data.setPassiveAddress("127.0.0.1");
            data.setActiveEnabled(false);
            listener.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
            factory.addListener("default", listener.createListener());
            var users = new PropertiesUserManagerFactory().createUserManager();
            BaseUser anonymous = new BaseUser();
            anonymous.setName("anonymous");
            anonymous.setHomeDirectory(root.toString());
            anonymous.setAuthorities(List.of());
            users.save(anonymous);
            factory.setUserManager(users);
            FtpServer server = factory.createServer();
            server.start();
            return new InProcessFtpServer(server, port);
        } catch (FtpException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ftp://127.0.0.1:port/ */
    public String url() {
        return "ftp://127.0.0.1:" + port + "/";
    }

    @Override
    public void close() {
        server.stop();
    }
}
