package org.mirrorgate.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.mirrorgate.load.LoadBoard;

/**
 * The replicas' load figures in one hash of the store: field = replica id, value = the time until
 * which the figures count, then one {@code mirror<TAB>Mbit/s} line per mirror. Each replica
 * rewrites its own field every period and sums the fresh ones; a replica that stops writing drops
 * out once its deadline passes (its field is deleted by the next reader).
 */
final class StoreLoadBoard implements LoadBoard {

    private final Engine engine;
    private final String key;
    private final String self;
    private final long freshMillis;
    private final LongSupplier clock;

    /**
     * @param freshMillis how long a replica's figures count after it wrote them (a few periods: a
     *     replica that missed one exchange still counts)
     */
    StoreLoadBoard(Engine engine, Keys keys, String self, long freshMillis, LongSupplier clockMillis) {
        this.engine = engine;
        this.key = keys.load();
        this.self = self;
        this.freshMillis = freshMillis;
        this.clock = clockMillis;
    }

    @Override
    public Totals exchange(Map<String, Double> ownMbps) {
        long now = clock.getAsLong();
        engine.hashPut(key, Map.of(self, encode(now + freshMillis, ownMbps)));
        Map<String, Double> sum = new HashMap<>();
        List<String> stale = new ArrayList<>();
        int replicas = 0;
        for (var e : engine.hashGetAll(key).entrySet()) {
            String[] lines = new String(e.getValue(), UTF_8).split("\n");
            long deadline;
            try {
                deadline = Long.parseLong(lines[0]);
            } catch (NumberFormatException bad) {
                stale.add(e.getKey()); // not ours to read: written by something else; dropped
                continue;
            }
            if (deadline < now) {
                stale.add(e.getKey());
                continue;
            }
            replicas++;
            for (int i = 1; i < lines.length; i++) {
                int tab = lines[i].indexOf('\t');
                if (tab > 0) {
                    try {
                        sum.merge(lines[i].substring(0, tab), Double.parseDouble(lines[i].substring(tab + 1)), Double::sum);
                    } catch (NumberFormatException bad) {
                        // one unreadable figure: the others of that replica still count
                    }
                }
            }
        }
        if (!stale.isEmpty()) {
            engine.hashDelete(key, stale);
        }
        return new Totals(sum, replicas);
    }

    static byte[] encode(long deadlineMillis, Map<String, Double> mbps) {
        StringBuilder b = new StringBuilder().append(deadlineMillis);
        mbps.forEach((mirror, rate) -> b.append('\n').append(mirror).append('\t').append(rate));
        return b.toString().getBytes(UTF_8);
    }
}
