package dev.webhookrelay.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ShownPayloadTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ShownPayload shown = new ShownPayload(JSON);

    @Test
    void aPayloadIsShownIndented() throws Exception {
        assertThat(shown.of(JSON.readTree("{\"order\":{\"id\":42}}"))).isEqualTo("""
                {
                  "order" : {
                    "id" : 42
                  }
                }""");
    }

    /** 253 KB stored, about 110 MB indented: one page view of it filled the heap. */
    @Test
    void aPayloadWhoseIndentationWouldOutgrowTheBoundIsShownCompact() throws Exception {
        JsonNode deep = JSON.readTree("{\"a\":".repeat(900) + "[" + "{\"a\":0},".repeat(31_000) + "{\"a\":0}]"
                + "}".repeat(900));

        String text = shown.of(deep);

        assertThat(text).isEqualTo(JSON.writeValueAsString(deep));
        assertThat(text.length()).isLessThan(ShownPayload.MAX_INDENTED_CHARS);
    }
}
