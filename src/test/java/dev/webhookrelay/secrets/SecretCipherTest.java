package dev.webhookrelay.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;

import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private final SecretCipher cipher = new SecretCipher(Keys.of(Keys.A, Keys.B));

    @Test
    void aSealedValueOpensInItsContextAndNamesItsKey() {
        String sealed = cipher.seal("whsec_secret", "endpoint-secret:1");

        assertThat(sealed).matches("v1:[A-Za-z0-9_-]{8}:[A-Za-z0-9+/]+=*").doesNotContain("whsec_secret");
        assertThat(sealed).startsWith("v1:" + Keys.of(Keys.A, null).currentId() + ":");
        assertThat(cipher.isCurrent(sealed)).isTrue();
        assertThat(cipher.open(sealed, "endpoint-secret:1")).isEqualTo("whsec_secret");
    }

    @Test
    void everySealingUsesAFreshNonce() {
        assertThat(cipher.seal("same", "c")).isNotEqualTo(cipher.seal("same", "c"));
    }

    @Test
    void aTamperedCiphertextIsRefused() {
        String sealed = cipher.seal("whsec_secret", "c");
        int at = sealed.lastIndexOf(':') + 1;
        byte[] bytes = Base64.getDecoder().decode(sealed.substring(at));
        bytes[bytes.length / 2] ^= 1;
        String tampered = sealed.substring(0, at) + Base64.getEncoder().encodeToString(bytes);

        assertThatThrownBy(() -> cipher.open(tampered, "c")).isInstanceOf(UnreadableSecretException.class)
                .hasMessageContaining("does not authenticate");
    }

    @Test
    void aValueMovedToAnotherRowIsRefused() {
        String sealed = cipher.seal("whsec_secret", "endpoint-secret:1");

        assertThatThrownBy(() -> cipher.open(sealed, "endpoint-secret:2")).isInstanceOf(UnreadableSecretException.class);
    }

    @Test
    void anUnknownKeyIdIsRefusedByName() {
        String sealedElsewhere = new SecretCipher(Keys.of(Keys.C, null)).seal("whsec_secret", "c");
        String unknownId = sealedElsewhere.split(":")[1];

        assertThatThrownBy(() -> cipher.open(sealedElsewhere, "c")).isInstanceOf(UnreadableSecretException.class)
                .hasMessageContaining(unknownId).hasMessageNotContaining("whsec_secret");
    }

    @Test
    void aValueRelabelledWithAnotherKnownKeyIdIsRefused() {
        String sealed = cipher.seal("whsec_secret", "c");
        String previousId = Keys.of(Keys.B, null).currentId();
        String relabelled = "v1:" + previousId + sealed.substring(sealed.indexOf(':', 3));

        assertThatThrownBy(() -> cipher.open(relabelled, "c")).isInstanceOf(UnreadableSecretException.class)
                .hasMessageContaining("does not authenticate");
    }

    @Test
    void aPreviousKeyOpensWhatItSealedButDoesNotSeal() {
        String sealedBefore = new SecretCipher(Keys.of(Keys.B, null)).seal("whsec_old", "c");

        assertThat(cipher.open(sealedBefore, "c")).isEqualTo("whsec_old");
        assertThat(cipher.isCurrent(sealedBefore)).isFalse();
        assertThat(cipher.isCurrent(cipher.seal("whsec_old", "c"))).isTrue();
    }

    @Test
    void aPlainValueFromBeforeSealingIsRevealedAsItIsButNeverOpened() {
        assertThat(cipher.reveal("whsec_plain", "c")).isEqualTo("whsec_plain");
        assertThat(cipher.isCurrent("whsec_plain")).isFalse();
        assertThatThrownBy(() -> cipher.open("whsec_plain", "c")).isInstanceOf(UnreadableSecretException.class);
    }
}
