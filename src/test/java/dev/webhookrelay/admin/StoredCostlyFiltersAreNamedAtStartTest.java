package dev.webhookrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A filter stored before FilterCostRule existed is named at start, and left as it is. */
@ExtendWith(OutputCaptureExtension.class)
class StoredCostlyFiltersAreNamedAtStartTest extends RelayIntegrationTest {

    @Autowired
    StoredFilterCheck check;

    @Test
    void aStoredFilterTheRuleWouldRefuseIsNamedWithItsTenant(CapturedOutput output) {
        String key = createTenant("stored-costly-filter");
        String costly = createEndpoint(key, "https://example.com/costly", "[]").get("id").asText();
        String cheap = createEndpoint(key, "https://example.com/cheap", "[]").get("id").asText();
        jdbc.update("UPDATE endpoints SET filter = ? WHERE id = ?::uuid", "exists($.data.a[*] ? (@ != $.data.a[*]))", costly);
        jdbc.update("UPDATE endpoints SET filter = ? WHERE id = ?::uuid", "$.data.amount > 100", cheap);

        check.warnOfCostlyFilters();

        assertThat(output.getOut()).contains("Endpoint " + costly + " of tenant").contains("may not refer to $")
                .doesNotContain("Endpoint " + cheap);
        assertThat(jdbc.queryForObject("SELECT filter FROM endpoints WHERE id = ?::uuid", String.class, costly))
                .isEqualTo("exists($.data.a[*] ? (@ != $.data.a[*]))");
    }
}
