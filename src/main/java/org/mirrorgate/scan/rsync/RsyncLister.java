package org.mirrorgate.scan.rsync;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mirrorgate.scan.BoundedLineReader;
import org.mirrorgate.scan.ListingCollector;
import org.mirrorgate.scan.MirrorLister;
import org.mirrorgate.scan.ScanFailedException;
import org.mirrorgate.scan.ScanSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists a mirror with the {@code rsync} binary, as Mirrorbits does: {@code rsync -r -l --list-only}
 * against an {@code rsync://} URL, or {@code rsync-ssl} for {@code rsyncs://}. Output is read as it
 * comes (bounded lines, one parser), so memory does not grow with the listing. Symlinks are listed
 * with their targets and resolved within the listing (unless {@code follow-symlinks} has rsync
 * list what they point to with {@code --copy-links}).
 *
 * <p>Exit codes 23 and 24 (partial transfer: an unreadable directory, files vanished during the
 * listing) keep the listing with a warning; any other non-zero exit, a timeout or a kill fails the
 * scan. Credentials in the URL go to rsync through USER and RSYNC_PASSWORD, never on the command
 * line (where {@code ps} would show them).
 */
public final class RsyncLister implements MirrorLister {

    private static final Logger log = LoggerFactory.getLogger(RsyncLister.class);
    private static final Map<Integer, String> EXIT_CODES = Map.ofEntries(
            Map.entry(1, "syntax or usage error"), Map.entry(2, "protocol incompatibility"),
            Map.entry(3, "errors selecting input/output files, dirs"), Map.entry(5, "error starting client-server protocol"),
            Map.entry(10, "error in socket I/O"), Map.entry(11, "error in file I/O"),
            Map.entry(12, "error in rsync protocol data stream"), Map.entry(14, "error in IPC code"),
            Map.entry(20, "received SIGUSR1 or SIGINT"), Map.entry(23, "partial transfer due to error"),
            Map.entry(24, "partial transfer due to vanished source files"), Map.entry(30, "timeout in data send/receive"),
            Map.entry(35, "timeout waiting for daemon connection"));

    private final ScanSettings settings;

    public RsyncLister(ScanSettings settings) {
        this.settings = settings;
    }

    @Override
    public String protocol() {
        return "rsync";
    }

    @Override
    public List<String> list(URI url, ListingCollector out) throws ScanFailedException {
        out.precision(1000);
        ProcessBuilder pb = new ProcessBuilder(command(url));
        environment(pb.environment(), url);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ScanFailedException("cannot start " + pb.command().get(0) + ": " + e.getMessage(), e);
        }
        out.onCancel(() -> kill(p));
        StderrTail stderr = StderrTail.start(p.getErrorStream(), "rsync-stderr " + url.getHost());
        Watchdog watchdog = Watchdog.start(p, out.remainingNanos());
        try (InputStream stdout = p.getInputStream()) {
            BoundedLineReader lines = new BoundedLineReader(stdout, settings.safety().maxLineBytes());
            RsyncLineParser parser = new RsyncLineParser(out, settings.safety().maxLineBytes());
            for (int len; (len = lines.next()) != BoundedLineReader.EOF; ) {
                if (len == BoundedLineReader.TOO_LONG) {
                    out.reject("line too long", "line " + lines.lines());
                } else {
                    parser.parse(lines.line(), len);
                }
            }
            out.checkAlive(); // a cancelled scan ends here, not as "rsync killed by signal 9"
            if (!p.waitFor(out.remainingMillis(), TimeUnit.MILLISECONDS)) {
                throw new ScanFailedException(out.timeoutText());
            }
        } catch (IOException e) {
            throw new ScanFailedException("reading rsync output: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScanFailedException("interrupted", e);
        } finally {
            watchdog.stop();
            kill(p);
        }
        if (watchdog.fired()) {
            throw new ScanFailedException(out.timeoutText());
        }
        int exit = p.exitValue();
        String detail = stderr.await();
        String meaning = EXIT_CODES.getOrDefault(exit, exit > 128 ? "killed by signal " + (exit - 128) : "unknown");
        String described = "rsync exit " + exit + ": " + meaning + (detail.isEmpty() ? "" : " (" + detail + ")");
        if (exit == 0) {
            return List.of();
        }
        if (exit == 23 || exit == 24) {
            log.warn("{}: {}; listing kept", url.getHost(), described);
            return List.of(described);
        }
        throw new ScanFailedException(described);
    }

    List<String> command(URI url) {
        boolean ssl = url.getScheme().equals("rsyncs");
        List<String> cmd = new ArrayList<>();
        cmd.add(ssl ? settings.sources().rsyncSslCommand() : settings.sources().rsyncCommand());
        cmd.addAll(List.of("-r", "-l", "--list-only", "--no-motd", "--no-h", "-8"));
        for (String ex : settings.sources().rsyncExcludes()) {
            cmd.add("--exclude=" + ex);
        }
        cmd.add("--timeout=" + Math.max(1, settings.ioTimeout().toSeconds()));
        if (!ssl) {
            cmd.add("--contimeout=" + Math.max(1, settings.connectTimeout().toSeconds()));
        }
        if (settings.sources().followSymlinks()) {
            cmd.add("--copy-links");
        }
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        cmd.add("rsync://" + hostPort(url) + URLDecoder.decode(path.endsWith("/") ? path : path + "/",
                StandardCharsets.UTF_8));
        return cmd;
    }

    private void environment(Map<String, String> env, URI url) {
        env.keySet().removeIf(k -> k.startsWith("RSYNC_") && !k.startsWith("RSYNC_SSL_"));
        env.put("TZ", "UTC");
        env.put("LC_ALL", "C");
        if (settings.probe().tlsCaFile() != null) {
            env.put("RSYNC_SSL_CA_CERT", settings.probe().tlsCaFile().toString());
        }
        String info = url.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            env.put("USER", URLDecoder.decode(colon < 0 ? info : info.substring(0, colon), StandardCharsets.UTF_8));
            if (colon >= 0) {
                env.put("RSYNC_PASSWORD", URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8));
            }
        }
    }

    private static String hostPort(URI url) {
        String host = url.getHost().contains(":") ? "[" + url.getHost() + "]" : url.getHost();
        return url.getPort() < 0 ? host : host + ":" + url.getPort();
    }

    static void kill(Process p) {
        if (p.isAlive()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
