package org.mirrorgate.store;

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
        try {
            return engine.lock(keys.lease(name), owner, leaseMillis);
        } catch (StoreUnavailableException e) {
            throw unavailable(e);
        }
    }

    @Override
    public boolean renew(String name, String owner, long leaseMillis) {
        try {
            return engine.renew(keys.lease(name), owner, leaseMillis);
        } catch (StoreUnavailableException e) {
            throw unavailable(e);
        }
    }

    @Override
    public boolean unlock(String name, String owner) {
        try {
            return engine.unlock(keys.lease(name), owner);
        } catch (StoreUnavailableException e) {
            throw unavailable(e);
        }
    }

    @Override
    public String holder(String name) {
        try {
            return engine.lockHolder(keys.lease(name));
        } catch (StoreUnavailableException e) {
            throw unavailable(e);
        }
    }

    private static LeaseBackendUnavailableException unavailable(StoreUnavailableException e) {
        return new LeaseBackendUnavailableException(e.getMessage(), e);
    }
}
