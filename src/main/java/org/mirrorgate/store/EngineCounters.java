package org.mirrorgate.store;

import java.util.ArrayList;
import java.util.List;
import org.mirrorgate.stats.CounterStore;

/** The download counters' {@link CounterStore} on an {@link Engine}, under {@code <prefix>stats:}. */
final class EngineCounters implements CounterStore {

    private final Engine engine;
    private final Keys keys;

    EngineCounters(Engine engine, Keys keys) {
        this.engine = engine;
        this.keys = keys;
    }

    @Override
    public void add(List<Delta> deltas) {
        List<Engine.Increment> incs = new ArrayList<>(deltas.size());
        deltas.forEach(d -> incs.add(new Engine.Increment(keys.stats(d.key()), d.field(), d.amount(), d.expireAtMillis())));
        engine.increment(incs);
    }

    @Override
    public List<Long> get(List<String> statKeys, String field) {
        return engine.counters(statKeys.stream().map(keys::stats).toList(), field);
    }

    @Override
    public void scan(String key, FieldVisitor visitor) {
        engine.scanCounters(keys.stats(key), visitor::visit);
    }
}
