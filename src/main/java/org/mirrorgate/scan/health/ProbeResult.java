package org.mirrorgate.scan.health;

import java.security.cert.X509Certificate;

/**
 * The outcome of one probe of one protocol of one mirror.
 *
 * @param ok whether the mirror answered as a healthy mirror would
 * @param reason why not ("HTTP 404 on pool/x.deb", "certificate expired", "timeout"); "" when ok
 * @param certificate the https server's leaf certificate when the handshake succeeded, else null
 */
record ProbeResult(boolean ok, String reason, X509Certificate certificate) {

    static ProbeResult ok(X509Certificate certificate) {
        return new ProbeResult(true, "", certificate);
    }

    static ProbeResult failed(String reason) {
        return new ProbeResult(false, reason, null);
    }
}
