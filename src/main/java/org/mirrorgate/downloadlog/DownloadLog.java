package org.mirrorgate.downloadlog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.common.hash.HashFunction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.resolve.Decision;
import org.mirrorgate.resolve.DecisionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The download log: one JSON line per decision ({@code time, client, country, asn, path, action,
 * mirror, reason, size}), as Mirrorbits' {@code downloads.log} but parseable.
 *
 * <p>Off the request path: {@link #decided} only offers a small record to a bounded queue and
 * returns; when the queue is full the line is dropped and counted ({@link #dropped()}), Resolve
 * never waits for the disk. One writer thread formats (the address form, JSON), writes through a
 * buffer, flushes whenever the queue runs empty, rotates by size, and reopens the file when asked
 * ({@link #reopen()}, wired to SIGUSR1 for logrotate). A write that fails drops its line (counted
 * in {@link #failed()}) and the file is opened again on the next line, at most every few seconds.
 */
public final class DownloadLog implements DecisionListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DownloadLog.class);
    private static final long RETRY_OPEN_MILLIS = 5_000;
    private static final JsonFactory JSON = new JsonFactory();

    /**
     * What a line needs, copied out of the decision: a queued decision would keep its generated
     * body (a mirror list, a Metalink) alive, up to the queue's length of them.
     */
    private record Entry(long timeMillis, String clientIp, String country, int asn, String path, Decision.Action action,
            String mirror, String reason, long size) {}

    private final DownloadLogSettings settings;
    private final BlockingQueue<Entry> queue;
    private final LongSupplier clock;
    private final HashFunction hashKey = ClientIpForm.newHashKey();
    private final LogFile file;
    private final Thread writer;
    private final LongAdder written = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder reopened = new LongAdder();
    private volatile boolean reopenRequested;
    private volatile boolean closing;
    private long lastOpenAttempt = Long.MIN_VALUE / 2;

    public DownloadLog(DownloadLogSettings settings, LongSupplier clockMillis) {
        this.settings = requireNonNull(settings, "settings");
        requireNonNull(settings.file(), "settings.file");
        this.clock = requireNonNull(clockMillis, "clockMillis");
        this.queue = new ArrayBlockingQueue<>(settings.queueLines());
        this.file = new LogFile(settings.file(), settings.maxBytes(), settings.keep());
        this.writer = new Thread(this::run, "mirrorgate-download-log");
        this.writer.setDaemon(true);
    }

    public void start() {
        writer.start();
    }

    @Override
    public void decided(String path, String clientIp, ClientLocation client, Decision decision) {
        if (!queue.offer(new Entry(clock.getAsLong(), clientIp, client.country(), client.asn(), path,
                decision.action(), decision.mirror(), decision.reason(), decision.fileSize()))) {
            dropped.increment();
        }
    }

    /** Closes and reopens the file at the next line (or within a second when idle). */
    public void reopen() {
        reopenRequested = true;
    }

    /** Lines written since start. */
    public long written() {
        return written.sum();
    }

    /** Lines dropped because the queue was full. */
    public long dropped() {
        return dropped.sum();
    }

    /** Lines lost because the file could not be opened or written. */
    public long failed() {
        return failed.sum();
    }

    /** Times the file was reopened on request. */
    public long reopened() {
        return reopened.sum();
    }

    public int queued() {
        return queue.size();
    }

    /** Writes what is queued (for up to 2 s), then closes the file. */
    @Override
    public void close() {
        closing = true;
        writer.interrupt();
        try {
            writer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        while (true) {
            Entry e;
            try {
                e = closing ? queue.poll() : queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                continue; // closing: drain what is queued, then stop
            }
            if (reopenRequested) {
                reopenRequested = false;
                reopenNow();
            }
            if (e == null) {
                flush();
                if (closing) {
                    break;
                }
                continue;
            }
            write(e, line);
            if (queue.isEmpty()) {
                flush();
            }
        }
        try {
            file.close();
        } catch (IOException ex) {
            log.warn("download log {}: closing: {}", settings.file(), ex.toString());
        }
    }

    private void write(Entry e, ByteArrayOutputStream line) {
        if (!file.isOpen() && !tryOpen()) {
            failed.increment();
            return;
        }
        line.reset();
        try {
            format(e, line);
            file.write(line.toByteArray(), line.size());
            written.increment();
        } catch (IOException ex) {
            failed.increment();
            log.warn("download log {}: writing: {}; lines are dropped (counted) until it can be opened again",
                    settings.file(), ex.toString());
            closeQuietly();
        }
    }

    private void format(Entry e, ByteArrayOutputStream out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", Instant.ofEpochMilli(e.timeMillis).toString());
            g.writeStringField("client", settings.clientIp().apply(e.clientIp, hashKey));
            g.writeStringField("country", e.country);
            g.writeNumberField("asn", e.asn);
            g.writeStringField("path", e.path);
            g.writeStringField("action", e.action.name().toLowerCase(Locale.ROOT));
            g.writeStringField("mirror", e.mirror);
            g.writeStringField("reason", e.reason);
            g.writeNumberField("size", e.size);
            g.writeEndObject();
        }
        out.write('\n');
    }

    private boolean tryOpen() {
        long now = System.nanoTime() / 1_000_000;
        if (now - lastOpenAttempt < RETRY_OPEN_MILLIS) {
            return false;
        }
        lastOpenAttempt = now;
        try {
            file.open();
            return true;
        } catch (IOException ex) {
            log.warn("download log {}: cannot open: {}; lines are dropped (counted) until it can", settings.file(),
                    ex.toString());
            return false;
        }
    }

    private void reopenNow() {
        try {
            file.reopen();
            reopened.increment();
            log.info("download log {}: reopened", settings.file());
        } catch (IOException ex) {
            log.warn("download log {}: reopening: {}", settings.file(), ex.toString());
            closeQuietly();
        }
    }

    private void flush() {
        try {
            file.flush();
        } catch (IOException ex) {
            log.warn("download log {}: flushing: {}", settings.file(), ex.toString());
            closeQuietly();
        }
    }

    private void closeQuietly() {
        try {
            file.close();
        } catch (IOException ignored) {
            // already failing: the warning above says so; the next line tries to open it again
        }
    }
}
