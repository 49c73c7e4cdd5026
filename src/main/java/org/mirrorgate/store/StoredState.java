package org.mirrorgate.store;

import java.util.HashMap;
import java.util.Map;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;

/**
 * What this replica believes the store holds, item by item: the generation it last wrote or read
 * of the file table and of each availability, and the declarations and states. Comparing it with
 * the store tells a reload which items another replica changed; comparing it with the index tells
 * a write which items need writing. Used on the store thread only.
 */
final class StoredState {

    IndexRepository.StoredFiles files;
    final Map<String, IndexRepository.StoredAvailability> availability = new HashMap<>();
    final Map<String, MirrorSpec> specs = new HashMap<>();
    final Map<String, MirrorState> states = new HashMap<>();
    String storeId;

    void forget(String mirror) {
        availability.remove(mirror);
        specs.remove(mirror);
        states.remove(mirror);
    }

    long filesGeneration() {
        return files == null ? 0 : files.generation();
    }
}
