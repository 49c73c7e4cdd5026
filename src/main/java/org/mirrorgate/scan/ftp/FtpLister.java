package org.mirrorgate.scan.ftp;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Deque;
import java.util.List;
import org.apache.commons.net.ftp.FTPClientConfig;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.FTPFileEntryParser;
import org.apache.commons.net.ftp.FTPReply;
import org.apache.commons.net.ftp.parser.DefaultFTPFileEntryParserFactory;
import org.mirrorgate.scan.BoundedLineReader;
import org.mirrorgate.scan.HttpFetcher;
import org.mirrorgate.scan.ListingCollector;
import org.mirrorgate.scan.ListingPaths;
import org.mirrorgate.scan.MirrorLister;
import org.mirrorgate.scan.ScanFailedException;
import org.mirrorgate.scan.ScanSettings;

/**
 * Lists a mirror over FTP (Apache Commons Net): passive mode, connect and I/O timeouts, anonymous
 * login unless the URL carries credentials. Walks the tree with MLSD where the server has it (exact
 * size, UTC mtime to the second or millisecond); otherwise LIST, with one MDTM per file for the
 * exact mtime when the server supports it (LIST alone shows minutes for recent files and days for
 * old ones: the listing's precision is set to the coarsest seen).
 *
 * <p>Only directories that hold local files are entered: files elsewhere cannot be redirected to,
 * and loops through symlinked directories end there. Symlinks are resolved within the listing (see
 * {@link ListingCollector#symlink}), not walked.
 */
public final class FtpLister implements MirrorLister {

    private final ScanSettings settings;

    public FtpLister(ScanSettings settings) {
        this.settings = settings;
    }

    @Override
    public String protocol() {
        return "ftp";
    }

    @Override
    public List<String> list(URI url, ListingCollector out) throws ScanFailedException {
        ListingFtpClient ftp = new ListingFtpClient();
        out.onCancel(() -> disconnect(ftp));
        List<String> warnings = new ArrayList<>();
        try {
            connect(ftp, url);
            ftp.features();
            boolean mlsd = ftp.hasFeature("MLST");
            boolean mdtm = settings.sources().ftpMdtm() && ftp.hasFeature("MDTM");
            if (ftp.hasFeature("UTF8")) {
                ftp.sendCommand("OPTS UTF8 ON");
            }
            if (!mlsd) {
                warnings.add("no MLSD: listed with LIST" + (mdtm ? " + MDTM" : " (minute/day mtime precision)"));
            }
            String root = decode(url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath());
            root = root.endsWith("/") ? root : root + "/";
            Walk walk = new Walk(ftp, out, root, mlsd, mdtm, mlsd ? null : listParser(ftp));
            walk.run();
            out.precision(walk.precision());
            return warnings;
        } catch (IOException e) {
            out.checkAlive(); // a cancelled or timed-out scan says so, not "socket closed"
            throw new ScanFailedException("ftp: " + HttpFetcher.reason(e), e);
        } finally {
            disconnect(ftp);
        }
    }

    private void connect(ListingFtpClient ftp, URI url) throws IOException, ScanFailedException {
        int io = (int) settings.ioTimeout().toMillis();
        ftp.setConnectTimeout((int) settings.connectTimeout().toMillis());
        ftp.setDefaultTimeout(io);
        ftp.setDataTimeout(settings.ioTimeout());
        ftp.setControlEncoding(StandardCharsets.UTF_8.name());
        ftp.connect(url.getHost(), url.getPort() < 0 ? 21 : url.getPort());
        ftp.setSoTimeout(io);
        if (!FTPReply.isPositiveCompletion(ftp.getReplyCode())) {
            throw new ScanFailedException("ftp: server refused the connection: " + reply(ftp));
        }
        String user = "anonymous";
        String pass = "mirrorgate@";
        String info = url.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            pass = colon < 0 ? "" : decode(info.substring(colon + 1));
        }
        if (!ftp.login(user, pass)) {
            throw new ScanFailedException("ftp: login as " + user + " refused: " + reply(ftp));
        }
        ftp.enterLocalPassiveMode();
    }

    private static FTPFileEntryParser listParser(ListingFtpClient ftp) throws IOException {
        String system = ftp.getSystemType();
        String key = system != null && system.toUpperCase().contains("WINDOWS") ? FTPClientConfig.SYST_NT
                : FTPClientConfig.SYST_UNIX;
        FTPClientConfig config = new FTPClientConfig(key);
        config.setServerTimeZoneId("UTC");
        return new DefaultFTPFileEntryParserFactory().createFileEntryParser(config);
    }

    /** The depth-first walk of one listing; directories wait on a stack (memory ~ directory count). */
    private final class Walk {
        private final ListingFtpClient ftp;
        private final ListingCollector out;
        private final String root;
        private final boolean mlsd;
        private final boolean mdtm;
        private final FTPFileEntryParser parser;
        private long precision = 1;

        Walk(ListingFtpClient ftp, ListingCollector out, String root, boolean mlsd, boolean mdtm,
                FTPFileEntryParser parser) {
            this.ftp = ftp;
            this.out = out;
            this.root = root;
            this.mlsd = mlsd;
            this.mdtm = mdtm;
            this.parser = parser;
        }

        long precision() {
            return precision;
        }

        void run() throws IOException, ScanFailedException {
            Deque<String> dirs = new ArrayDeque<>();
            dirs.push("");
            while (!dirs.isEmpty()) {
                String dir = dirs.pop();
                out.checkAlive();
                if (!dir.isEmpty() && !out.directoryKnown(dir)) {
                    continue;
                }
                if (depth(dir) > settings.sources().maxDepth()) {
                    out.reject("directory too deep", dir);
                    continue;
                }
                List<String> subdirs = mlsd ? listMlsd(dir) : listWithList(dir);
                for (int i = subdirs.size() - 1; i >= 0; i--) {
                    dirs.push(subdirs.get(i));
                }
            }
        }

        private List<String> listMlsd(String dir) throws IOException, ScanFailedException {
            List<String> subdirs = new ArrayList<>();
            boolean[] seconds = {false};
            readListing("MLSD", dir, text -> {
                MlsdLine e = MlsdLine.parse(text);
                if (e == null) {
                    out.reject("unparsable line", text);
                    return;
                }
                String path = child(dir, e.name(), !e.type().equals("file"));
                if (path == null) {
                    return;
                }
                switch (e.type()) {
                    case "file" -> {
                        if (e.size() < 0) {
                            out.reject("unparsable line", text);
                        } else {
                            seconds[0] |= !e.modifyHasMillis();
                            out.file(path, e.size(), e.modifyMillis());
                        }
                    }
                    case "dir" -> subdirs.add(path + "/");
                    case "cdir", "pdir" -> { }
                    default -> {
                        if (e.linkTarget() != null) {
                            out.symlink(path, e.linkTarget());
                        } else if (e.type().contains("link")) {
                            out.symlinkSkipped();
                        } else {
                            out.skipOther();
                        }
                    }
                }
            });
            precision = Math.max(precision, seconds[0] ? 1000 : 1);
            return subdirs;
        }

        private List<String> listWithList(String dir) throws IOException, ScanFailedException {
            List<String> subdirs = new ArrayList<>();
            List<FTPFile> files = new ArrayList<>();
            readListing("LIST", dir, text -> {
                if (text.startsWith("total ")) {
                    return;
                }
                FTPFile f = parser.parseFTPEntry(text);
                if (f == null || f.getName() == null) {
                    out.reject("unparsable line", text);
                    return;
                }
                f.setRawListing(null);
                if (f.isSymbolicLink()) {
                    String path = child(dir, f.getName(), false);
                    if (path != null && f.getLink() != null) {
                        out.symlink(path, f.getLink());
                    } else {
                        out.symlinkSkipped();
                    }
                } else if (f.isDirectory()) {
                    String path = child(dir, f.getName(), true);
                    if (path != null) {
                        subdirs.add(path + "/");
                    }
                } else if (f.isFile()) {
                    files.add(f);
                } else {
                    out.skipOther();
                }
            });
            for (FTPFile f : files) { // after the data connection closed: MDTM uses the control one
                String path = child(dir, f.getName(), false);
                if (path != null) {
                    out.file(path, f.getSize(), mtime(path, f));
                }
            }
            return subdirs;
        }

        /** Sends {@code command dir}, hands each line of the data connection to {@code line}, checks the reply. */
        private void readListing(String command, String dir, LineHandler line) throws IOException, ScanFailedException {
            try (Socket data = open(command, dir); InputStream in = data.getInputStream()) {
                BoundedLineReader lines = new BoundedLineReader(in, settings.safety().maxLineBytes());
                for (int n; (n = lines.next()) != BoundedLineReader.EOF; ) {
                    if (n == BoundedLineReader.TOO_LONG) {
                        out.reject("line too long", dir + " line " + lines.lines());
                    } else {
                        line.accept(new String(lines.line(), 0, n, StandardCharsets.UTF_8));
                    }
                }
            }
            if (!ftp.completePendingCommand()) {
                throw new ScanFailedException("ftp: " + command + " " + root + dir + " failed: " + reply(ftp));
            }
        }

        private long mtime(String path, FTPFile f) throws IOException, ScanFailedException {
            if (mdtm) {
                String reply = ftp.getModificationTime(root + path);
                long t = reply == null ? -1 : MlsdLine.parseTime(reply.trim());
                if (t >= 0) {
                    precision = Math.max(precision, reply.indexOf('.') > 0 ? 1 : 1000);
                    return t;
                }
                out.checkAlive();
            }
            Calendar c = f.getTimestamp();
            if (c == null) {
                return -1;
            }
            precision = Math.max(precision, !c.isSet(Calendar.HOUR_OF_DAY) ? 86_400_000L
                    : !c.isSet(Calendar.SECOND) ? 60_000 : 1000);
            return c.getTimeInMillis();
        }

        private Socket open(String command, String dir) throws IOException, ScanFailedException {
            Socket data = ftp.openData(command, root + dir);
            if (data == null) {
                throw new ScanFailedException("ftp: " + command + " " + root + dir + " refused: " + reply(ftp));
            }
            data.setSoTimeout((int) settings.ioTimeout().toMillis());
            return data;
        }

        /**
         * dir + name, or null for the "." and ".." directories and for names that cannot be one
         * entry (reported).
         */
        private String child(String dir, String name, boolean directory) throws ScanFailedException {
            if (name.equals(".") || name.equals("..")) {
                if (!directory) {
                    out.reject(name.equals(".") ? ListingPaths.DOT : ListingPaths.DOT_DOT, dir + name);
                }
                return null;
            }
            if (name.indexOf('/') >= 0) {
                out.reject("name with '/'", dir + name);
                return null;
            }
            return dir + name;
        }
    }

    private interface LineHandler {
        void accept(String line) throws IOException, ScanFailedException;
    }

    private static int depth(String dir) {
        int d = 0;
        for (int i = 0; i < dir.length(); i++) {
            d += dir.charAt(i) == '/' ? 1 : 0;
        }
        return d;
    }

    private static String reply(ListingFtpClient ftp) {
        return ListingPaths.printable(String.valueOf(ftp.getReplyString()).trim());
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static void disconnect(ListingFtpClient ftp) {
        try {
            if (ftp.isConnected()) {
                ftp.disconnect();
            }
        } catch (IOException e) {
            // closing anyway
        }
    }
}
