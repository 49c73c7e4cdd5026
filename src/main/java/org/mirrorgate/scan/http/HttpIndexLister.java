package org.mirrorgate.scan.http;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.mirrorgate.mirror.UrlPaths;
import org.mirrorgate.scan.BoundedLineReader;
import org.mirrorgate.scan.HttpFetcher;
import org.mirrorgate.scan.ListingCollector;
import org.mirrorgate.scan.ListingPaths;
import org.mirrorgate.scan.MirrorLister;
import org.mirrorgate.scan.ScanFailedException;
import org.mirrorgate.scan.ScanSettings;

/**
 * Lists a mirror that offers only HTTP(S) through its directory index pages (nginx, Apache,
 * lighttpd autoindex; nginx JSON), for mirrors that closed rsync and FTP (Mirrorbits #77, #129).
 *
 * <p>Politeness: at most {@code http-scan-concurrency} pages of one mirror are fetched at once, and
 * each worker pauses {@code http-scan-delay} between two requests. Only directories holding local
 * files are fetched. A page that cannot be fetched (network error, 5xx) fails the whole scan: a
 * listing with holes would make the mirror look as if it lost files. A 403/404 on a subdirectory
 * (listed by its parent a moment ago) is counted as a rejected entry instead.
 */
public final class HttpIndexLister implements MirrorLister {

    private static final long MAX_PAGE_BYTES = 64L << 20;

    private final ScanSettings settings;
    private final HttpFetcher http;

    public HttpIndexLister(ScanSettings settings, HttpFetcher http) {
        this.settings = settings;
        this.http = http;
    }

    @Override
    public String protocol() {
        return "http";
    }

    @Override
    public List<String> list(URI url, ListingCollector out) throws ScanFailedException {
        URI base = url.getRawPath() == null || url.getRawPath().endsWith("/") ? url : URI.create(url + "/");
        Crawl crawl = new Crawl(base, out);
        return crawl.run();
    }

    /** One crawl: a pool of workers taking directories, the caller waiting for all of them. */
    private final class Crawl {
        private final URI base;
        private final ListingCollector out;
        private final ExecutorService workers;
        @GuardedBy("this")
        private int pending;
        @GuardedBy("this")
        private ScanFailedException failure;
        @GuardedBy("this")
        private long precision = 1000;

        Crawl(URI base, ListingCollector out) {
            this.base = base;
            this.out = out;
            this.workers = Executors.newFixedThreadPool(settings.sources().httpConcurrency(), r -> {
                Thread t = new Thread(r, "http-scan " + base.getHost());
                t.setDaemon(true);
                return t;
            });
        }

        List<String> run() throws ScanFailedException {
            out.onCancel(workers::shutdownNow);
            try {
                submit("");
                synchronized (this) {
                    while (pending > 0 && failure == null) {
                        wait(Math.max(1, Math.min(1000, out.remainingMillis())));
                        out.checkAlive();
                    }
                    if (failure != null) {
                        throw failure;
                    }
                }
                out.precision(precisionSeen());
                return List.of();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ScanFailedException("interrupted", e);
            } finally {
                workers.shutdownNow();
                try {
                    workers.awaitTermination(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private synchronized long precisionSeen() {
            return precision;
        }

        private synchronized void submit(String dir) {
            pending++;
            workers.execute(() -> {
                try {
                    if (!settings.sources().httpDelay().isZero()) {
                        Thread.sleep(settings.sources().httpDelay().toMillis()); // politeness between requests
                    }
                    fetch(dir);
                    done(null);
                } catch (ScanFailedException e) {
                    done(e);
                } catch (InterruptedException e) {
                    done(new ScanFailedException("cancelled"));
                } catch (RuntimeException e) {
                    done(new ScanFailedException("http: " + e, e));
                }
            });
        }

        private synchronized void done(ScanFailedException e) {
            pending--;
            if (e != null && failure == null) {
                failure = e;
            }
            notifyAll();
        }

        private synchronized void seen(long pagePrecision) {
            precision = Math.max(precision, pagePrecision);
        }

        private void fetch(String dir) throws ScanFailedException {
            out.checkAlive();
            URI page = base.resolve(UrlPaths.encode(dir));
            int timeout = (int) settings.ioTimeout().toMillis();
            List<String> subdirs = new ArrayList<>();
            try {
                HttpURLConnection c = http.open(page, "GET", (int) settings.connectTimeout().toMillis(), timeout);
                c.setRequestProperty("Accept", "text/html, application/json;q=0.9");
                int status = c.getResponseCode();
                if (status != 200) {
                    drain(c);
                    String why = status >= 300 && status < 400 ? "redirect (HTTP " + status + ")" : "HTTP " + status;
                    if (dir.isEmpty() || status >= 500 || status == 429) {
                        throw new ScanFailedException("http: " + why + " on " + page);
                    }
                    out.reject(why + " on a listed directory", dir);
                    return;
                }
                String type = String.valueOf(c.getContentType()).toLowerCase(java.util.Locale.ROOT);
                boolean json = type.contains("json");
                Page p = new Page(dir, page.getRawPath());
                try (InputStream in = new LimitedInputStream(c.getInputStream(), MAX_PAGE_BYTES)) {
                    BoundedLineReader lines = new BoundedLineReader(in, settings.safety().maxLineBytes());
                    for (int n; (n = lines.next()) != BoundedLineReader.EOF; ) {
                        if (n == BoundedLineReader.TOO_LONG) {
                            out.reject("line too long", page + " line " + lines.lines());
                            continue;
                        }
                        String line = new String(lines.line(), 0, n, StandardCharsets.UTF_8);
                        if (json) {
                            AutoindexParser.jsonLine(line, p);
                        } else {
                            AutoindexParser.htmlLine(line, p.pagePath, p);
                        }
                    }
                }
                seen(p.precision);
                subdirs.addAll(p.subdirs);
            } catch (LimitedInputStream.LimitExceeded e) {
                out.reject("page larger than " + (MAX_PAGE_BYTES >> 20) + " MiB", page.toString());
            } catch (IOException e) {
                out.checkAlive();
                throw new ScanFailedException("http: " + HttpFetcher.reason(e) + " on " + page, e);
            }
            for (String sub : subdirs) {
                submit(sub);
            }
        }

        /** Collects one page's entries. */
        private final class Page implements AutoindexParser.Entries {
            final String dir;
            final String pagePath;
            final List<String> subdirs = new ArrayList<>();
            long precision = 1000;

            Page(String dir, String pagePath) {
                this.dir = dir;
                this.pagePath = pagePath;
            }

            @Override
            public void file(String name, long size, long tolerance, long mtime, long filePrecision)
                    throws ScanFailedException {
                precision = Math.max(precision, filePrecision);
                out.file(dir + name, size, tolerance, mtime);
            }

            @Override
            public void directory(String name) throws ScanFailedException {
                String sub = dir + name + "/";
                if (ListingPaths.rejection(dir + name, settings.safety().maxPathBytes()) != null) {
                    out.reject(ListingPaths.rejection(dir + name, settings.safety().maxPathBytes()), sub);
                } else if (depth(sub) > settings.sources().maxDepth()) {
                    out.reject("directory too deep", sub);
                } else if (out.directoryKnown(sub)) {
                    subdirs.add(sub);
                }
            }

            @Override
            public void reject(String reason, String sample) throws ScanFailedException {
                out.reject(reason, sample);
            }
        }
    }

    private static void drain(HttpURLConnection c) {
        try (InputStream in = c.getErrorStream() != null ? c.getErrorStream() : InputStream.nullInputStream()) {
            in.skip(65_536);
        } catch (IOException e) {
            // only freeing the connection
        }
    }

    private static int depth(String dir) {
        int d = 0;
        for (int i = 0; i < dir.length(); i++) {
            d += dir.charAt(i) == '/' ? 1 : 0;
        }
        return d;
    }
}
