package dev.webhookrelay.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MasterKeys is built at start-up: its refusal stops the relay with the message below. */
class RelayRefusesToStartWithoutAMasterKeyTest {

    @Test
    void outsideTheDevProfileAMissingKeyStopsTheRelayAndSaysWhatToSet() {
        assertThatThrownBy(() -> Keys.build(Map.of(), false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("relay.secrets.master-key is not set")
                .hasMessageContaining("RELAY_SECRETS_MASTER_KEY")
                .hasMessageContaining("openssl rand -base64 32");
        assertThatThrownBy(() -> Keys.build(Map.of("relay.secrets.master-key", " "), false))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theDevProfileRunsOnItsPublishedKeyWhichNoOtherProfileAccepts() {
        MasterKeys dev = Keys.build(Map.of(), true);

        assertThat(dev.currentId()).isNotBlank();
        assertThatThrownBy(() -> Keys.of(MasterKeys.DEV_KEY, null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("published");
    }

    @Test
    void aKeyThatIsNotThirtyTwoBytesIsRefusedWithoutEchoingIt() {
        String seventeenBytes = "c2l4dGVlbiBieXRlcyBrZXk=";
        assertThatThrownBy(() -> Keys.of(seventeenBytes, null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("17 bytes").hasMessageNotContaining(seventeenBytes);
        assertThatThrownBy(() -> Keys.of("not base64 at all!", null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not base64").hasMessageNotContaining("not base64 at all!");
        assertThatThrownBy(() -> Keys.of(Keys.A, "nope")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("relay.secrets.previous-keys[0]");
    }

    @Test
    void theKeyCanComeFromAFileButNotFromBothPlaces(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("master-key");
        Files.writeString(file, Keys.A + "\n");

        MasterKeys fromFile = Keys.build(Map.of("relay.secrets.master-key-file", file.toString()), false);

        assertThat(fromFile.currentId()).isEqualTo(Keys.of(Keys.A, null).currentId());
        assertThatThrownBy(() -> Keys.build(Map.of("relay.secrets.master-key-file", file.toString(),
                "relay.secrets.master-key", Keys.A), false)).hasMessageContaining("both set");
        assertThatThrownBy(() -> Keys.build(Map.of("relay.secrets.master-key-file", dir.resolve("missing").toString()),
                false)).hasMessageContaining("cannot be read");
    }

    @Test
    void keysAreToldApartByIdsThatDoNotRevealThem() {
        MasterKeys keys = Keys.of(Keys.A, Keys.B + "," + Keys.C);

        assertThat(keys.currentId()).hasSize(8).isNotEqualTo(Keys.of(Keys.B, null).currentId());
        assertThat(Keys.A).doesNotContain(keys.currentId());
        assertThat(keys.byId(Keys.of(Keys.C, null).currentId())).isNotNull();
    }
}
