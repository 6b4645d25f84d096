package dev.webhookrelay.endpointauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.spec.RSAPrivateKeySpec;
import java.util.Base64;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * A private key is checked by signing with it, so its size is the cost of the check: an RSA key over
 * PemCredentials.MAX_RSA_BITS is refused before any signature (one of 16,384 bits without its CRT
 * parts took 1-3.5 s to refuse).
 */
class PemCredentialsRefuseCostlyKeysTest {

    @Test
    void anRsaKeyOverTheLimitIsRefusedWithoutSigning() throws Exception {
        Random random = new Random(1);
        BigInteger modulus = new BigInteger(16_384, random).setBit(16_383).setBit(0);
        byte[] der = KeyFactory.getInstance("RSA")
                .generatePrivate(new RSAPrivateKeySpec(modulus, new BigInteger(16_000, random))).getEncoded();
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END PRIVATE KEY-----\n";

        assertThatThrownBy(() -> PemCredentials.privateKey(pem))
                .isInstanceOfSatisfying(PemCredentials.UnreadablePemException.class, refused ->
                        assertThat(refused.getMessage()).contains("16384 bits").contains("at most " + PemCredentials.MAX_RSA_BITS));
    }
}
