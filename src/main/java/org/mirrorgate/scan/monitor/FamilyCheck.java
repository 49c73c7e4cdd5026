package org.mirrorgate.scan.monitor;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Whether a dual-stack host answers over one address family: a TCP connect to one of its addresses
 * of that family on the URL's port, as a client of that family would open it. It tells
 * {@link FamilyLearner} that a host with an AAAA record does not answer over IPv6 (or the reverse).
 */
@FunctionalInterface
interface FamilyCheck {

    enum Outcome {
        /** The connection was accepted. */
        ANSWERS,
        /** Refused or timed out, over a family this machine has: clients of that family fail the same way. */
        DOES_NOT_ANSWER,
        /** This machine has no route of that family (or another local failure): it cannot tell. */
        CANNOT_TELL
    }

    /** No checks: the DNS records alone decide. */
    FamilyCheck NONE = (address, port, timeout) -> Outcome.CANNOT_TELL;

    /** A TCP connect, closed at once, bounded by {@code timeout}. */
    FamilyCheck TCP = (address, port, timeout) -> {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), (int) Math.max(1, Math.min(timeout.toMillis(), 60_000)));
            return Outcome.ANSWERS;
        } catch (ConnectException | SocketTimeoutException e) {
            // "Network is unreachable" also comes as a ConnectException: the machine lacks the family
            String m = String.valueOf(e.getMessage());
            return m.contains("unreachable") ? Outcome.CANNOT_TELL : Outcome.DOES_NOT_ANSWER;
        } catch (NoRouteToHostException e) {
            return Outcome.CANNOT_TELL;
        } catch (SocketException e) {
            return Outcome.CANNOT_TELL; // e.g. "Protocol family unavailable"
        } catch (IOException e) {
            return Outcome.CANNOT_TELL;
        }
    };

    Outcome check(InetAddress address, int port, Duration timeout);
}
