package org.mirrorgate.load;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.mirrorgate.stats.DownloadRecorder;

/**
 * Adds the size of every file redirected to a mirror to that mirror's counter, then passes the
 * download on. On the request path: one map lookup and one {@link LongAdder} add. It sits behind
 * the same-download filter, so the Range parts of one download count its size once.
 */
public final class LoadMeter implements DownloadRecorder {

    private final DownloadRecorder next;
    private final ConcurrentHashMap<String, LongAdder> bytes = new ConcurrentHashMap<>();

    public LoadMeter(DownloadRecorder next) {
        this.next = next;
    }

    @Override
    public void record(String path, String mirror, String country, long size) {
        if (!mirror.isEmpty() && size > 0) {
            bytes.computeIfAbsent(mirror, m -> new LongAdder()).add(size);
        }
        next.record(path, mirror, country, size);
    }

    @Override
    public void record(String clientIp, String path, String mirror, String country, long size) {
        if (!mirror.isEmpty() && size > 0) {
            bytes.computeIfAbsent(mirror, m -> new LongAdder()).add(size);
        }
        next.record(clientIp, path, mirror, country, size);
    }

    @Override
    public void recordList(String kind) {
        next.recordList(kind);
    }

    /** The bytes sent to each mirror since the last call (mirrors that got nothing are left out). */
    Map<String, Long> drain() {
        Map<String, Long> out = new HashMap<>();
        bytes.forEach((mirror, adder) -> {
            long b = adder.sumThenReset();
            if (b > 0) {
                out.put(mirror, b);
            }
        });
        return out;
    }
}
