package dev.webhookrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.Test;

/**
 * limit=500 of 240 KB payloads would be 120 MB: a page stops at relay.api.max-list-bytes (8 MB by
 * default) and its cursor leads to the rest, with nothing repeated or skipped.
 */
class ListsAreBoundedInBytesTest extends RelayIntegrationTest {

    private static final int EVENTS = 40;
    private static final int PAYLOAD_CHARS = 240_000;
    private static final long MAX_LIST_BYTES = 8L * 1024 * 1024;

    @Test
    void aPageOfLargeEventsStopsAtTheByteBudgetAndItsCursorLeadsToTheRest() {
        String key = createTenant("large-payloads");
        String payload = "x".repeat(PAYLOAD_CHARS);
        Set<String> posted = new HashSet<>();
        for (int i = 0; i < EVENTS; i++) {
            Response accepted = postEvent(key, "{\"type\":\"big\",\"payload\":\"" + payload + "\"}", null);
            assertThat(accepted.status()).isEqualTo(202);
            posted.add(accepted.json().get("id").asText());
        }

        Response first = get("/v1/events?limit=500", Map.of("Authorization", "Bearer " + key));
        JsonNode firstPage = first.json();
        String cursor = firstPage.get("nextCursor").asText(null);
        Response second = get("/v1/events?limit=500&cursor=" + cursor, Map.of("Authorization", "Bearer " + key));

        assertThat(first.status()).isEqualTo(200);
        assertThat(firstPage.get("data").size()).isBetween(2, EVENTS - 1);
        assertThat((long) first.body().length()).isLessThan(MAX_LIST_BYTES + 2L * PAYLOAD_CHARS);
        assertThat(cursor).isNotNull();
        List<String> seen = new ArrayList<>(ids(firstPage));
        seen.addAll(ids(second.json()));
        assertThat(second.json().get("nextCursor").isNull()).isTrue();
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(posted);
    }

    @Test
    void smallItemsStillFillAWholePage() {
        String key = createTenant("small-payloads");
        for (int i = 0; i < 5; i++) {
            postEvent(key, "{\"type\":\"small\",\"payload\":{\"n\":" + i + "}}", null);
        }

        JsonNode page = get("/v1/events?limit=3", Map.of("Authorization", "Bearer " + key)).json();

        assertThat(page.get("data").size()).isEqualTo(3);
        assertThat(page.get("nextCursor").isNull()).isFalse();
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("data").forEach(event -> ids.add(event.get("id").asText()));
        return ids;
    }
}
