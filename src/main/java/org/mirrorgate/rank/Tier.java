package org.mirrorgate.rank;

/**
 * How close a mirror is to a client in network terms, best first. A mirror in a better tier always
 * ranks before one in a worse tier; distance orders mirrors within a tier.
 */
public enum Tier {
    /** The client's address is in one of the mirror's declared network prefixes. */
    PREFIX("prefix"),
    /** The client is in one of the mirror's autonomous systems. */
    ASN("asn"),
    /** The client's country is one the mirror serves. */
    COUNTRY("country"),
    /** Same continent. */
    CONTINENT("continent"),
    /** Anywhere else, or nothing known. */
    WORLD("world");

    private final String label;

    Tier(String label) {
        this.label = label;
    }

    /** Stable lower-case name for Explain and metrics. */
    public String label() {
        return label;
    }
}
