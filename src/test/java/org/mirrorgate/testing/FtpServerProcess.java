package org.mirrorgate.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's vsftpd as a child process, serving a tree read-only to anonymous users on a free
 * loopback port (passive mode, times in UTC). vsftpd lists with LIST only (no MLSD) and answers
 * MDTM: the FTP scanner's fallback path. The tree's directories must be readable by user "ftp".
 */
public final class FtpServerProcess implements AutoCloseable {

    private final Process process;
    private final int port;

    private FtpServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** @param dir config and log; @param root the anonymous root (not writable by user ftp) */
    public static FtpServerProcess vsftpd(Path dir, Path root) {
        try {
            Files.createDirectories(dir.resolve("empty"));
            int port = FreePorts.next();
            int pasv = FreePorts.next();
            Path conf = dir.resolve("vsftpd.conf");
            Files.writeString(conf, """
                    listen=YES
                    listen_ipv6=NO
                    listen_address=127.0.0.1
                    listen_port=%d
                    background=NO
                    anonymous_enable=YES
                    no_anon_password=YES
                    anon_root=%s
                    local_enable=NO
                    write_enable=NO
                    pasv_enable=YES
                    pasv_min_port=%d
                    pasv_max_port=%d
                    pasv_address=127.0.0.1
                    port_enable=NO
                    secure_chroot_dir=%s
                    use_localtime=NO
                    seccomp_sandbox=NO
                    xferlog_enable=NO
                    vsftpd_log_file=%s
                    utf8_filesystem=YES
                    hide_ids=YES
                    """.formatted(port, root, pasv, pasv, dir.resolve("empty"), dir.resolve("vsftpd.log")));
            Process p = new ProcessBuilder("vsftpd", conf.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("vsftpd.out").toFile()).start();
            await().atMost(Duration.ofSeconds(10)).until(() -> !p.isAlive() || FreePorts.accepting(port));
            if (!p.isAlive()) {
                throw new IllegalStateException("vsftpd exited: " + Files.readString(dir.resolve("vsftpd.out")));
            }
            return new FtpServerProcess(p, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "ftp://127.0.0.1:" + port + "/";
    }

    @Override
    public void close() {
        Processes.killTree(process);
    }
}
