package org.mirrorgate.tls;

import io.grpc.util.CertificateUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Date;

/**
 * Reads PEM certificates and keys (parsed by grpc-util's {@link CertificateUtils}, the parser
 * grpc-java's own file-based credentials use) and checks what a TLS listener needs of them: a
 * chain whose leaf is valid now, and a private key that belongs to that leaf. {@code
 * check-config}, {@code serve} and every reload go through here, so a pair that would fail every
 * handshake is refused with its file's name instead of being served.
 *
 * <p>Each method takes the names the operator knows the files by (a config key such as
 * {@code listen.tls.cert-file}, or a CLI option such as {@code --cert}) for its messages.
 */
public final class PemFiles {

    /** A certificate chain and the private key of its leaf, checked to belong together. */
    public record Identity(X509Certificate[] chain, PrivateKey key) {
        public X509Certificate leaf() {
            return chain[0];
        }
    }

    private static final byte[] PROBE = "mirrorgate: does this key belong to this certificate?".getBytes(
            java.nio.charset.StandardCharsets.US_ASCII);

    private PemFiles() {}

    /** The chain in {@code certFile} and the key in {@code keyFile}, or why they cannot serve. */
    public static Identity identity(String certName, Path certFile, String keyName, Path keyFile)
            throws TlsFileException {
        X509Certificate[] chain = certificates(certName, certFile, "a PEM file with the certificate chain, leaf first");
        X509Certificate leaf = chain[0];
        try {
            leaf.checkValidity(new Date());
        } catch (CertificateExpiredException e) {
            throw new TlsFileException(certName + ": " + certFile + " (its certificate expired on " + leaf.getNotAfter()
                    .toInstant() + "; expected: a current certificate, e.g. the renewed one)");
        } catch (CertificateNotYetValidException e) {
            throw new TlsFileException(certName + ": " + certFile + " (its certificate is valid only from "
                    + leaf.getNotBefore().toInstant() + "; expected: a current certificate: is this host's clock right?)");
        }
        PrivateKey key = privateKey(keyName, keyFile);
        if (!belongTogether(leaf, key)) {
            throw new TlsFileException(keyName + ": " + keyFile + " (not the private key of the certificate in "
                    + certFile + " (" + leaf.getSubjectX500Principal().getName() + "); expected: the key the certificate"
                    + " was issued for: openssl x509 -noout -pubkey -in CERT and openssl pkey -pubout -in KEY print the"
                    + " same)");
        }
        return new Identity(chain, key);
    }

    /** The CA certificates in {@code file} (at least one). */
    public static X509Certificate[] caCertificates(String name, Path file) throws TlsFileException {
        return certificates(name, file, "a PEM file of CA certificates");
    }

    private static X509Certificate[] certificates(String name, Path file, String expected) throws TlsFileException {
        X509Certificate[] certs;
        try (InputStream in = open(name, file, expected)) {
            certs = CertificateUtils.getX509Certificates(in);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new TlsFileException(name + ": " + file + " (not PEM certificates: " + e.getMessage() + "; expected: "
                    + expected + ")", e);
        }
        if (certs.length == 0) {
            throw new TlsFileException(name + ": " + file + " (no certificate in it; expected: " + expected + ")");
        }
        return certs;
    }

    private static PrivateKey privateKey(String name, Path file) throws TlsFileException {
        String expected = "an unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----); convert another form with"
                + " openssl pkcs8 -topk8 -nocrypt -in KEY";
        try (InputStream in = open(name, file, expected)) {
            PrivateKey key = CertificateUtils.getPrivateKey(in);
            if (key == null) {
                throw new TlsFileException(name + ": " + file + " (no private key in it; expected: " + expected + ")");
            }
            return key;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new TlsFileException(name + ": " + file + " (not a private key this service reads: " + e.getMessage()
                    + "; expected: " + expected + ")", e);
        }
    }

    private static InputStream open(String name, Path file, String expected) throws TlsFileException {
        if (!Files.isRegularFile(file)) {
            throw new TlsFileException(name + ": " + file + " (" + (Files.exists(file) ? "not a regular file" : "no such file")
                    + "; expected: " + expected + ")");
        }
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new TlsFileException(name + ": " + file + " (not readable by this user (" + System.getProperty("user.name")
                    + "): " + e.getMessage() + "; expected: " + expected + " this user may read)", e);
        }
    }

    /**
     * Signs a probe with the key and verifies it with the certificate's public key. The parser
     * reads RSA and EC keys only; a key of another type than the certificate's does not belong.
     */
    private static boolean belongTogether(X509Certificate leaf, PrivateKey key) {
        if (!key.getAlgorithm().equals(leaf.getPublicKey().getAlgorithm())) {
            return false;
        }
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // e.g. an EC key on another curve than the certificate's
        }
    }
}
