package org.mirrorgate.store;

import java.time.Duration;
import java.util.List;
import org.mirrorgate.index.Index;
import org.mirrorgate.lease.Lease;
import org.mirrorgate.testing.TestMirror;

/**
 * A replica that takes a lease and keeps it (renewing) until it is killed: {@code ReplicasIT}
 * kills it with SIGKILL and checks another replica takes the work over.
 * Args: redis URI, replica id, lease name, lease millis.
 */
public final class LeaseHolderMain {

    public static void main(String[] args) throws Exception {
        Index index = new Index(List.of(TestMirror.mirror("a").build()), System::currentTimeMillis);
        Duration lease = Duration.ofMillis(Long.parseLong(args[3]));
        StateStore store = StateStore.open(StoreSettings.DEFAULTS.toBuilder().redis(args[0]).replicaId(args[1])
                .leaseTime(lease).replicaTtl(lease).build(), index);
        Lease held = store.leases().tryAcquire(args[2]).orElseThrow();
        System.out.println("HELD " + held.name());
        System.out.flush();
        Thread.currentThread().join(); // renewing in the background until killed
    }
}
