package dev.webhookrelay.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.Test;

/**
 * Rotations in a row, each keeping the previous secrets valid for an hour, leave the new secret and
 * the three before it, never all of them: every delivery is signed with every endpoint secret still
 * valid, and every request to a source is checked against every source secret, before anything else.
 */
class RotationsKeepABoundedNumberOfSecretsTest extends RelayIntegrationTest {

    @Test
    void anEndpointKeepsItsNewSecretAndThreeBefore() {
        String key = createTenant("rotations-endpoint");
        String endpoint = createEndpoint(key, "https://example.com/hook", "[]").get("id").asText();

        for (int i = 0; i < 10; i++) {
            assertThat(post("/v1/endpoints/" + endpoint + "/secret/rotate", "{\"overlap\":\"1h\"}", as(key)).status())
                    .isEqualTo(200);
        }

        assertThat(jdbc.queryForObject("SELECT count(*) FROM endpoint_secrets WHERE endpoint_id = ?::uuid",
                Integer.class, endpoint)).isEqualTo(4);
    }

    @Test
    void aSourceKeepsItsNewSecretAndThreeBefore() {
        String key = createTenant("rotations-source");
        String source = post("/v1/sources", "{\"name\":\"repo\",\"provider\":\"github\",\"secret\":\"s0\"}", as(key))
                .json().get("id").asText();

        for (int i = 1; i <= 10; i++) {
            assertThat(post("/v1/sources/" + source + "/secret/rotate", "{\"secret\":\"s" + i + "\",\"overlap\":\"1h\"}",
                    as(key)).status()).isEqualTo(200);
        }

        assertThat(jdbc.queryForObject("SELECT count(*) FROM source_secrets WHERE source_id = ?::uuid",
                Integer.class, source)).isEqualTo(4);
    }
}
