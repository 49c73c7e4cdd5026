package org.mirrorgate.resolve;

import static java.util.Objects.requireNonNull;

import org.mirrorgate.load.Admission;

/**
 * The resolver serving now. A {@link Resolver} is immutable, so a config reload builds the next one
 * ({@link Resolver#retuned}) and swaps it in with one volatile write: every request reads this once
 * and decides wholly by the old config or wholly by the new one, never by a mix.
 */
public final class LiveResolver {

    /** The counted resolver and its {@link Resolver#uncounted()} twin, swapped together. */
    private record Pair(Resolver counted, Resolver uncounted) {}

    private volatile Pair current;
    /** The capacity balancing's last verdict: handed to each next resolver's ranker. */
    private volatile Admission admission = Admission.ALL;

    public LiveResolver(Resolver first) {
        this.current = pair(first);
    }

    private static Pair pair(Resolver r) {
        requireNonNull(r, "resolver");
        return new Pair(r, r.uncounted());
    }

    /** The resolver to decide a request with. */
    public Resolver get() {
        return current.counted;
    }

    /** The same decisions, counted nowhere (the warm-up's). */
    public Resolver uncounted() {
        return current.uncounted;
    }

    /** Serves with {@code next} from now on, with the running capacity admission. */
    public synchronized void swap(Resolver next) {
        next.ranker().admit(admission);
        current = pair(next);
    }

    /** The capacity governor's verdict, for the ranker serving now and every later one. */
    public synchronized void admit(Admission value) {
        admission = requireNonNull(value, "admission");
        current.counted.ranker().admit(value);
    }

    public Admission admission() {
        return current.counted.admission();
    }
}
