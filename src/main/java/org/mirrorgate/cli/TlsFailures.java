package org.mirrorgate.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Reads a failed call's cause chain for what went wrong in TLS, so the operator gets "TLS
 * handshake with HOST:PORT failed: certificate not trusted; pass --ca FILE" instead of
 * "UNAVAILABLE: io exception" and a stack of SSL classes. Returns null for anything that is not a
 * TLS problem; such failures are described as before ({@link Errors}).
 */
final class TlsFailures {

    /** The one-line description of a TLS failure, with the call's exception as its cause. */
    static final class HandshakeFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HandshakeFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private TlsFailures() {}

    static String describe(StatusRuntimeException e, String target, boolean tls, boolean hasCa, boolean hasCert) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
            return null;
        }
        boolean ssl = false;
        boolean untrusted = false;
        boolean refusedToConnect = false;
        StringBuilder text = new StringBuilder();
        String deepest = e.getStatus().getDescription();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            ssl |= t instanceof SSLException;
            untrusted |= t instanceof CertPathBuilderException || t instanceof CertPathValidatorException;
            refusedToConnect |= t instanceof ConnectException;
            if (t.getMessage() != null) {
                text.append(t.getMessage()).append('\n');
                deepest = t.getMessage();
            }
        }
        String all = text.toString().toLowerCase(Locale.ROOT);
        String head = "TLS handshake failed: "; // the CLI prefixes every error with the target
        if (!tls) {
            if (refusedToConnect || ssl) {
                return null;
            }
            // A TLS listener answers a plaintext HTTP/2 preface by closing the connection.
            return "connection closed before any answer (" + e.getStatus().getDescription()
                    + "): if the service has listen.tls, pass --tls and --ca FILE";
        }
        if (!ssl && !all.contains("ssl") && !all.contains("tls")) {
            return null;
        }
        if (all.contains("not an ssl/tls record") || all.contains("wrong_version_number")
                || all.contains("wrong version number") || all.contains("plaintext connection")) {
            return head + "the service does not speak TLS there (its listen.tls is off?); drop --tls, --ca, --cert, --key";
        }
        if (untrusted || all.contains("unable to find valid certification path") || all.contains("pkix path")) {
            return head + "certificate not trusted; " + (hasCa ? "it is not signed by a CA in --ca: pass the CA that"
                    + " signed the service's listen.tls.cert-file" : "pass --ca with the CA that signed the service's"
                    + " listen.tls.cert-file");
        }
        if (all.contains("no subject alternative") || all.contains("no name matching")
                || all.contains("does not match") || all.contains("hostname")) {
            return head + "the service's certificate does not name " + host(target)
                    + "; use --target with a name or address the certificate holds (" + firstLine(deepest) + ")";
        }
        if (all.contains("certificate_required") || all.contains("certificate required")) {
            // A TLS client sends only a certificate of a CA the server names: --cert's issuer is not one.
            return head + (hasCert ? "the service refused the client certificate (--cert): it must be signed by a CA"
                    + " in the service's listen.tls.client-ca-file" : "the service requires a client certificate; pass"
                    + " --cert and --key");
        }
        if (all.contains("bad_certificate") || all.contains("bad certificate") || all.contains("unknown_ca")
                || all.contains("unknown ca") || all.contains("certificate_unknown") || all.contains("certificate unknown")) {
            return head + (hasCert ? "the service refused the client certificate (--cert): it must be signed by a CA"
                    + " in the service's listen.tls.client-ca-file" : "the service wants a client certificate; pass --cert"
                    + " and --key");
        }
        return head + firstLine(deepest);
    }

    private static String host(String target) {
        int colon = target.lastIndexOf(':');
        return colon < 0 ? target : target.substring(0, colon);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no detail)";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
