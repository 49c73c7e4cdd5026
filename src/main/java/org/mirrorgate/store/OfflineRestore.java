package org.mirrorgate.store;

import static java.util.Objects.requireNonNull;

import org.mirrorgate.index.Index;

/**
 * Restores an index from a store the way the service does at start ({@link StateStore#open}: the
 * file table, the config's mirrors merged with the stored API mirrors, their states and
 * availability), but reads only: no format upgrade, no store id, no threads, no notices, nothing
 * written. For tools that look at a service's state without being one ({@code mirrorgate replay}).
 */
public final class OfflineRestore {

    private OfflineRestore() {}

    /**
     * Fills {@code index} (built with the config's mirrors) from the store {@code settings} names,
     * in one publication, then closes the store.
     *
     * @throws StoreUnavailableException the store cannot be opened or read (a running service holds an
     *     embedded store's file; Redis out of reach)
     * @throws StoreFormatException the store is empty, or in a format this code does not read as is
     */
    public static void restore(StoreSettings settings, Index index) {
        requireNonNull(settings, "settings");
        requireNonNull(index, "index");
        Engine engine = settings.type() == StoreSettings.Type.EMBEDDED
                ? MvStoreEngine.openReadOnly(settings.file())
                : new RedisEngine(settings.redisUri(), settings.timeout(), settings.pipelineBatch());
        try {
            Keys keys = new Keys(settings.keyPrefix());
            new FormatVersion(engine, keys, "offline-reader").requireReadable();
            // The clock only dates segments a writer notes as pending: never used by a read.
            IndexRepository repo = new IndexRepository(engine, keys,
                    new SegmentedItems(engine, keys, settings.segmentBatch(), System::currentTimeMillis));
            new IndexLoader(index, repo, new StoredState(), new ChangeTracker(() -> { })).restore();
        } finally {
            engine.close();
        }
    }
}
