package dev.webhookrelay.endpointauth;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client certificate and key in PEM, read with the JDK alone: X.509 certificates (the client's
 * first, then any intermediates) and an unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}: RSA, EC
 * or Ed25519). Other key forms are refused with the command that converts them.
 */
public final class PemCredentials {

    static final int MAX_RSA_BITS = 8192;

    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519");

    private PemCredentials() {
    }

    /** Thrown with a message fit for a 422; never carries the key. */
    public static final class UnreadablePemException extends Exception {
        private final String field;

        UnreadablePemException(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** The certificate chain and key as an in-memory key store (alias "client", empty password). */
    public static KeyStore keyStore(EndpointAuth.Mtls mtls) throws UnreadablePemException {
        List<X509Certificate> chain = certificates(mtls.certificate());
        PrivateKey key = privateKey(mtls.privateKey());
        if (!matches(key, chain.get(0))) {
            throw new UnreadablePemException("auth.privateKey", "auth.privateKey is not the key of the first certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", key, new char[0], chain.toArray(new Certificate[0]));
            return store;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new UnreadablePemException("auth.certificate", "auth.certificate cannot be stored: " + e.getMessage());
        }
    }

    static List<X509Certificate> certificates(String pem) throws UnreadablePemException {
        if (pem == null || !pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new UnreadablePemException("auth.certificate", "auth.certificate must be PEM (-----BEGIN CERTIFICATE-----)");
        }
        try {
            Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (read.isEmpty()) {
                throw new UnreadablePemException("auth.certificate", "auth.certificate holds no certificate");
            }
            return read.stream().map(X509Certificate.class::cast).toList();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new UnreadablePemException("auth.certificate", "auth.certificate is not a readable X.509 certificate in PEM");
        }
    }

    static PrivateKey privateKey(String pem) throws UnreadablePemException {
        Matcher matcher = pem == null ? null : PKCS8.matcher(pem);
        if (matcher == null || !matcher.find()) {
            throw new UnreadablePemException("auth.privateKey", "auth.privateKey must be an unencrypted PKCS#8 key in PEM"
                    + " (-----BEGIN PRIVATE KEY-----); convert others with: openssl pkcs8 -topk8 -nocrypt -in key.pem");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(matcher.group(1).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new UnreadablePemException("auth.privateKey", "auth.privateKey is not valid base64 PEM");
        }
        for (String algorithm : KEY_ALGORITHMS) {
            PrivateKey key;
            try {
                key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisAlgorithm) {
                // Tried in turn: PKCS#8 names its algorithm, but KeyFactory is chosen by name first.
                continue;
            }
            // Checking the key signs with it: a 16,384-bit key without its CRT parts took 1-3.5 s per request.
            if (key instanceof RSAKey rsa && rsa.getModulus().bitLength() > MAX_RSA_BITS) {
                throw new UnreadablePemException("auth.privateKey", "auth.privateKey is an RSA key of "
                        + rsa.getModulus().bitLength() + " bits; at most " + MAX_RSA_BITS + " are accepted");
            }
            return key;
        }
        throw new UnreadablePemException("auth.privateKey", "auth.privateKey is not an RSA, EC or Ed25519 PKCS#8 key");
    }

    /** Whether the key signs what the certificate's public key verifies. */
    private static boolean matches(PrivateKey key, X509Certificate certificate) {
        if (key instanceof RSAKey rsa && certificate.getPublicKey() instanceof RSAKey published
                && !rsa.getModulus().equals(published.getModulus())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> "Ed25519";
        };
        byte[] probe = "webhook-relay key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
