package org.mirrorgate.index;

/** Checksums the local index can keep per file. SHA-256 is on by default; the others on request. */
public enum Digest {
    SHA256("SHA-256", 32, "sha256"),
    SHA1("SHA-1", 20, "sha1"),
    MD5("MD5", 16, "md5");

    private final String jcaName;
    private final int length;
    private final String key;

    Digest(String jcaName, int length, String key) {
        this.jcaName = jcaName;
        this.length = length;
        this.key = key;
    }

    /** The name {@link java.security.MessageDigest#getInstance(String)} knows. */
    public String jcaName() {
        return jcaName;
    }

    /** Length in bytes. */
    public int length() {
        return length;
    }

    /** Lower-case name used in the config, in query strings ("?sha256") and in metalink. */
    public String key() {
        return key;
    }

    /** The digest called {@code key} ("sha256", "sha1", "md5"), or null. */
    public static Digest byKey(String key) {
        for (Digest d : values()) {
            if (d.key.equals(key)) {
                return d;
            }
        }
        return null;
    }
}
