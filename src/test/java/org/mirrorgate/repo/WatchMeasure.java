package org.mirrorgate.repo;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Measures the watcher on a generated tree (docs/scanning.md): time to register every directory,
 * heap and RSS growth, and the inotify watches the kernel holds for this process. Run by hand:
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) org.mirrorgate.repo.WatchMeasure
 * /tmp/watch-100k 100000}.
 */
public final class WatchMeasure {

    private WatchMeasure() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int dirs = Integer.parseInt(args[1]);
        if (!Files.isDirectory(root)) {
            generate(root, dirs);
        }
        long heap0 = heap();
        long rss0 = rssKb();
        TreeWatcher w = new TreeWatcher(root, new NameFilter(List.of(".~tmp~"), true), p -> { }, () -> { });
        long t0 = System.nanoTime();
        w.start();
        int last = -1;
        while (w.watchedDirectories() != last) { // registration done when the count stops moving for 1 s
            last = w.watchedDirectories();
            Thread.sleep(1000);
        }
        long millis = (System.nanoTime() - t0) / 1_000_000 - 1000;
        long heap1 = heap();
        long rss1 = rssKb();
        System.out.printf("directories %d, watched %d (inotify wd in fdinfo: %d), registered in %d ms,"
                + " heap +%.1f MiB (%.0f B/dir), RSS +%.1f MiB (%.0f B/dir), max_user_watches %s%n",
                dirs + 1, w.watchedDirectories(), inotifyWatches(), millis, (heap1 - heap0) / 1048576.0,
                (heap1 - heap0) / (double) w.watchedDirectories(), (rss1 - rss0) / 1024.0,
                (rss1 - rss0) * 1024.0 / w.watchedDirectories(), TreeWatcher.maxUserWatches());
        w.stop(System.nanoTime() + 10_000_000_000L);
    }

    /** {@code dirs} directories in a Debian-like fan-out (pool/main/x/pkgNNN), one small file each. */
    static void generate(Path root, int dirs) throws IOException {
        int made = 0;
        for (int a = 0; made < dirs; a++) {
            Path top = root.resolve("pool/main/" + a);
            Files.createDirectories(top);
            made++;
            for (int b = 0; b < 1000 && made < dirs; b++, made++) {
                Path d = Files.createDirectories(top.resolve("pkg" + b));
                Files.writeString(d.resolve("f.deb"), "x");
            }
        }
    }

    private static long heap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }

    private static long inotifyWatches() throws IOException {
        long n = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fdinfo"))) {
            for (Path fd : fds.toList()) {
                try {
                    n += Files.readAllLines(fd).stream().filter(l -> l.startsWith("inotify wd:")).count();
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return n;
    }
}
