package org.mirrorgate.store;

import java.util.function.Supplier;
import org.mirrorgate.lease.LeaseBackend;
import org.mirrorgate.lease.LeaseBackendUnavailableException;

/** The store's engine as the lease backend: lease {@code name} lives at {@link Keys#lease}. */
final class StoreLeaseBackend implements LeaseBackend {

    private final Engine engine;
    private final Keys keys;

    StoreLeaseBackend(Engine engine, Keys keys) {
        this.engine = engine;
        this.keys = keys;
    }

    @Override
    public boolean lock(String name, String owner, long leaseMillis) {
        return translated(() -> engine.lock(keys.lease(name), owner, leaseMillis));
    }

    @Override
    public boolean renew(String name, String owner, long leaseMillis) {
        return translated(() -> engine.renew(keys.lease(name), owner, leaseMillis));
    }

    @Override
    public boolean unlock(String name, String owner) {
        return translated(() -> engine.unlock(keys.lease(name), owner));
    }

    @Override
    public String holder(String name) {
        return translated(() -> engine.lockHolder(keys.lease(name)));
    }

    /** The store's "unreachable" as the lease backend's, which {@code Leases} handles. */
    private static <T> T translated(Supplier<T> call) {
        try {
            return call.get();
        } catch (StoreUnavailableException e) {
            throw new LeaseBackendUnavailableException(e.getMessage(), e);
        }
    }
}
