package org.mirrorgate.store;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's layout version ({@code mg:format}), after Mirrorbits' {@code database/upgrade.go}: an
 * empty store is initialised at the current version; an older one is upgraded one step at a time
 * (1 to 2, 2 to 3 ...) by whichever replica takes the {@code format} lease, while the others wait;
 * a newer one is refused with a message saying so. Also keeps {@code mg:store-id}, a random id a
 * replica compares after reconnecting to notice that the data was wiped (a Redis restarted without
 * persistence) and must be written again from memory.
 */
final class FormatVersion {

    private static final Logger log = LoggerFactory.getLogger(FormatVersion.class);

    /** The layout this code writes. */
    static final int CURRENT = 1;

    /** One upgrade step, from {@link #from()} to {@code from() + 1}. Must be safe to run again. */
    interface Step {
        int from();

        void apply(Engine engine, Keys keys);
    }

    private final Engine engine;
    private final Keys keys;
    private final int current;
    private final List<Step> steps;
    private final String owner;
    private final Duration waitAtMost;

    FormatVersion(Engine engine, Keys keys, String owner) {
        this(engine, keys, CURRENT, List.of(), owner, Duration.ofMinutes(5));
    }

    FormatVersion(Engine engine, Keys keys, int current, List<Step> steps, String owner, Duration waitAtMost) {
        this.engine = engine;
        this.keys = keys;
        this.current = current;
        this.steps = steps;
        this.owner = owner;
        this.waitAtMost = waitAtMost;
    }

    /**
     * Makes sure the store is at the current layout.
     *
     * @return the store id
     * @throws StoreFormatException when the store is newer than this code, or an upgrade failed
     */
    String ensure() {
        long deadline = System.nanoTime() + waitAtMost.toNanos();
        while (true) {
            int found = read();
            refuseNewer(found);
            String id = storeId();
            if (found == current && id != null) {
                return id;
            }
            if (engine.lock(keys.lease("format"), owner, 60_000)) {
                try {
                    upgrade();
                    return storeId();
                } finally {
                    engine.unlock(keys.lease("format"), owner);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new StoreFormatException(engine.describe() + ": another replica ("
                        + engine.lockHolder(keys.lease("format")) + ") has been upgrading the store format for "
                        + waitAtMost.toSeconds() + " s; giving up");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(200); // another replica is upgrading: poll until it is done
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted while waiting for a format upgrade", e);
            }
        }
    }

    /**
     * For a reader that writes nothing (an offline replay): the store holds a format this code reads.
     *
     * @throws StoreFormatException when it is empty, newer, or older than the current layout
     */
    void requireReadable() {
        int found = read();
        refuseNewer(found);
        if (found == 0) {
            throw new StoreFormatException(engine.describe() + ": the store is empty (no format key "
                    + keys.format() + "); has a service run on it?");
        }
        if (found != current) {
            throw new StoreFormatException(engine.describe() + ": the store is in format " + found
                    + "; start the service once on it to upgrade it to " + current);
        }
    }

    private void upgrade() {
        int v = read();
        refuseNewer(v);
        if (v == 0) {
            log.info("{}: empty store, initialising format {}", engine.describe(), current);
            v = current;
        }
        while (v < current) {
            int from = v;
            Step step = steps.stream().filter(s -> s.from() == from).findFirst().orElseThrow(() ->
                    new StoreFormatException(engine.describe() + ": no upgrade from store format " + from));
            log.info("{}: upgrading store format {} to {}", engine.describe(), from, from + 1);
            try {
                step.apply(engine, keys);
            } catch (RuntimeException e) {
                throw new StoreFormatException(engine.describe() + ": upgrade of the store format from " + from
                        + " to " + (from + 1) + " failed: " + e.getMessage(), e);
            }
            v = from + 1;
            engine.put(keys.format(), Integer.toString(v).getBytes(US_ASCII));
        }
        engine.put(keys.format(), Integer.toString(v).getBytes(US_ASCII));
        if (storeId() == null) {
            engine.put(keys.storeId(), UUID.randomUUID().toString().getBytes(US_ASCII));
        }
    }

    /** The store id now, or null when the store is empty (wiped). */
    String storeId() {
        byte[] b = engine.get(keys.storeId());
        return b == null ? null : new String(b, US_ASCII);
    }

    private int read() {
        byte[] b = engine.get(keys.format());
        if (b == null) {
            return 0;
        }
        try {
            return Integer.parseInt(new String(b, US_ASCII).trim());
        } catch (NumberFormatException e) {
            throw new StoreFormatException(engine.describe() + ": " + keys.format() + " holds '"
                    + new String(b, US_ASCII) + "', not a format number");
        }
    }

    private void refuseNewer(int found) {
        if (found > current) {
            throw new StoreFormatException(engine.describe() + ": the store is in format " + found + " (key "
                    + keys.format() + "), written by a newer mirrorgate; this one knows formats up to " + current
                    + ". Upgrade mirrorgate, or point store settings at another store or key-prefix.");
        }
    }
}
