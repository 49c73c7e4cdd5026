package org.mirrorgate.scan.health;

/**
 * Consecutive probe results of one protocol of one mirror, and the verdict they give: down after N
 * failures in a row, up again after M successes in a row. One bad probe does not flap a mirror out
 * of rotation (Mirrorbits flips on every probe), and a flapping one does not come straight back.
 *
 * <p>Not thread-safe: the prober touches one mirror from one task at a time.
 */
final class Hysteresis {

    enum Verdict { STAY, GO_DOWN, GO_UP }

    private final int downAfter;
    private final int upAfter;
    private int failures;
    private int successes;

    Hysteresis(int downAfter, int upAfter) {
        this.downAfter = downAfter;
        this.upAfter = upAfter;
    }

    /**
     * @param usable whether the protocol is usable now (up or not yet probed)
     * @param known whether it has been judged at all (an unknown protocol comes up on one success)
     */
    Verdict record(boolean ok, boolean usable, boolean known) {
        if (ok) {
            successes++;
            failures = 0;
            if (!known) {
                return Verdict.GO_UP;
            }
            return !usable && successes >= upAfter ? Verdict.GO_UP : Verdict.STAY;
        }
        failures++;
        successes = 0;
        return usable && failures >= downAfter ? Verdict.GO_DOWN : Verdict.STAY;
    }

    int failures() {
        return failures;
    }

    int successes() {
        return successes;
    }
}
