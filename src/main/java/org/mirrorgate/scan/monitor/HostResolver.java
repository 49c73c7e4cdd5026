package org.mirrorgate.scan.monitor;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Name to addresses, for learning a mirror's address families ({@link FamilyLearner}). One method,
 * so tests hand in a fixed table instead of the machine's DNS.
 */
@FunctionalInterface
public interface HostResolver {

    /** The system resolver (the JVM's DNS cache, /etc/hosts); address literals need no look-up. */
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /**
     * Every address {@code host} resolves to (A and AAAA).
     *
     * @throws UnknownHostException when it resolves to nothing
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
