package org.mirrorgate.repo;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.repo.HashJobs.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background hashing: a fixed set of daemon threads takes files lacking digests from {@link
 * HashJobs}, reads each once for all configured digests, and publishes the results in batches.
 *
 * <p>Why batches: every publication copies the file table (~45 MB at 500k files), so one per file
 * would be hours of copying on a first scan. A batch is published when it holds {@link
 * #BATCH_FILES} files, when its oldest result is {@link #BATCH_NANOS} old (a long backlog of big
 * files), or as soon as there is nothing left to hash, which is what makes the few files changed
 * between two walks get their digests within moments. Serving never waits for any of this: readers
 * see the previous snapshot meanwhile.
 */
final class HashPipeline {

    private static final Logger log = LoggerFactory.getLogger(RepositoryIndexer.class);
    static final int BATCH_FILES = 10_000;
    static final long BATCH_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(30);

    private record Hashed(Job job, byte[][] values) {}

    private final Index index;
    private final Object tableLock;
    private final Digest[] digests;
    private final int threadCount;
    private final HashJobs jobs;
    private final AtomicLong filesHashed = new AtomicLong();
    private final AtomicLong bytesHashed = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile Path realRoot;
    private volatile boolean stopped;

    @GuardedBy("this")
    private List<Hashed> batch = new ArrayList<>();
    @GuardedBy("this")
    private long batchStartNanos;
    @GuardedBy("this")
    private long busySinceNanos; // 0 while caught up
    @GuardedBy("this")
    private long busySinceFiles;
    @GuardedBy("this")
    private long nextProgressNanos;

    HashPipeline(Index index, Object tableLock, Set<Digest> digests, int threadCount) {
        this.index = index;
        this.tableLock = tableLock;
        this.digests = digests.toArray(Digest[]::new);
        this.threadCount = threadCount;
        this.jobs = new HashJobs(index, digests);
    }

    /** A walk published a table (from {@code realRoot}): hash what lacks digests. Starts the threads once. */
    synchronized void wake(Path realRoot) {
        this.realRoot = realRoot;
        if (digests.length == 0 || stopped) {
            return;
        }
        if (threads.isEmpty()) {
            for (int i = 0; i < threadCount; i++) {
                Thread t = new Thread(this::work, "mirrorgate-local-hash-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }
        jobs.wake();
    }

    /** True when nothing is being hashed or waits to be published (also before the first walk). */
    boolean idle() {
        synchronized (this) {
            if (threads.isEmpty()) {
                return true;
            }
        }
        return jobs.idle();
    }

    long filesHashed() {
        return filesHashed.get();
    }

    long bytesHashed() {
        return bytesHashed.get();
    }

    /**
     * Stops the threads, waiting until {@code deadlineNanos} (System.nanoTime) at most. Digests not
     * published yet are dropped: they are computed again on the next run.
     */
    boolean stop(long deadlineNanos) throws InterruptedException {
        List<Thread> started;
        synchronized (this) {
            stopped = true;
            started = List.copyOf(threads);
        }
        jobs.close();
        started.forEach(Thread::interrupt);
        for (Thread t : started) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
        }
        return started.stream().noneMatch(Thread::isAlive);
    }

    private void work() {
        FileDigester digester = new FileDigester(digests);
        try {
            while (!stopped) {
                Job job = jobs.poll();
                if (job == null) {
                    flush(); // caught up: publish what is pending now rather than in 30 s
                    caughtUp();
                    jobs.awaitWork();
                    continue;
                }
                try {
                    hash(digester, job);
                } catch (RuntimeException e) { // a bug, not the file: keep hashing the others
                    jobs.failed(job);
                    log.error("local hashing: {} failed; retried when its size or mtime changes", job.path(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop() asked us to end
        } catch (Error e) {
            log.error("local hashing thread {} died; digests stop being computed until restart",
                    Thread.currentThread().getName(), e);
            throw e;
        }
    }

    private void hash(FileDigester digester, Job job) {
        Path root = realRoot;
        byte[][] values;
        try {
            values = digester.digest(root, job);
        } catch (NoSuchFileException e) {
            jobs.changedWhileHashing(job); // removed since the walk: the next walk marks it deleted
            return;
        } catch (IOException e) {
            jobs.failed(job);
            if (!stopped) {
                log.warn("local hashing: cannot read {}: {}; retried when its size or mtime changes",
                        root.resolve(job.path()), TreeWalker.describe(e));
            }
            return;
        }
        if (values == null) {
            jobs.changedWhileHashing(job);
            return;
        }
        filesHashed.incrementAndGet();
        bytesHashed.addAndGet(job.size());
        boolean due;
        synchronized (this) {
            if (busySinceNanos == 0) {
                busySinceNanos = System.nanoTime();
                busySinceFiles = filesHashed.get() - 1;
                nextProgressNanos = busySinceNanos + PROGRESS_NANOS;
            }
            if (batch.isEmpty()) {
                batchStartNanos = System.nanoTime();
            }
            batch.add(new Hashed(job, values));
            due = batch.size() >= BATCH_FILES || System.nanoTime() - batchStartNanos >= BATCH_NANOS;
        }
        if (due) {
            flush();
        }
    }

    /** Publishes the pending digests of files whose version is still the one hashed. */
    private void flush() {
        List<Hashed> take;
        synchronized (this) {
            if (batch.isEmpty()) {
                return;
            }
            take = batch;
            batch = new ArrayList<>();
        }
        int stale = 0;
        synchronized (tableLock) {
            FileTable before = index.snapshot().files();
            FileTable.Builder b = before.toBuilder();
            for (Digest d : digests) {
                b.keepDigest(d);
            }
            for (Hashed h : take) {
                if (!h.job().sameVersionIn(before)) {
                    stale++;
                    continue;
                }
                for (int i = 0; i < digests.length; i++) {
                    b.setDigest(h.job().id(), digests[i], h.values()[i]);
                }
            }
            if (stale < take.size()) {
                index.publishFiles(b);
            }
        }
        jobs.finished(take.stream().map(Hashed::job).toList(), stale > 0);
        progress();
    }

    /** Every 30 s of a long backlog (the first scan of a big tree), how far hashing got. */
    private void progress() {
        long now = System.nanoTime();
        long files;
        synchronized (this) {
            if (busySinceNanos == 0 || now < nextProgressNanos) {
                return;
            }
            nextProgressNanos = now + PROGRESS_NANOS;
            files = filesHashed.get() - busySinceFiles;
        }
        log.info("local hashing: {} files hashed in {} s, still going ({} MiB since start)", files,
                TimeUnit.NANOSECONDS.toSeconds(now - busySinceNanos), bytesHashed.get() >> 20);
    }

    private void caughtUp() {
        long now = System.nanoTime();
        long files;
        long busyNanos;
        synchronized (this) {
            if (busySinceNanos == 0) {
                return;
            }
            busyNanos = now - busySinceNanos;
            files = filesHashed.get() - busySinceFiles;
            busySinceNanos = 0;
        }
        if (busyNanos >= PROGRESS_NANOS) {
            log.info("local hashing caught up: {} files hashed in {} s", files,
                    TimeUnit.NANOSECONDS.toSeconds(busyNanos));
        } else {
            log.debug("local hashing caught up: {} files hashed in {} ms", files,
                    TimeUnit.NANOSECONDS.toMillis(busyNanos));
        }
    }
}
