package org.mirrorgate.resolve;

import java.util.List;

/** Decisions for tests of other packages (the factories are the resolver's own). */
public final class TestDecisions {
    private TestDecisions() {}

    public static Decision redirect(String mirror, String url, long size) {
        return Decision.redirect(url, List.of(), mirror, "mirror", size);
    }

    public static Decision serveLocal(String reason, long size) {
        return Decision.serveLocal(reason, size);
    }
}
