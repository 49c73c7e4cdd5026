package org.mirrorgate.testing;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops a test server process and every process it forked, and waits until all are gone. The
 * parent goes first: an nginx master that saw its worker die would fork a new one, which, orphaned
 * a moment later, would go on serving the port.
 */
final class Processes {

    private Processes() {}

    static void killTree(Process process) {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = new java.util.ArrayList<>();
        all.add(process.toHandle());
        all.addAll(process.descendants().toList());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("process " + p.pid() + " did not stop", e);
            }
        }
    }
}
