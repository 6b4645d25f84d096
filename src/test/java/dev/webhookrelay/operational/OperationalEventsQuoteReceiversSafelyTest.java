package dev.webhookrelay.operational;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a receiver said (an error, a status line) is quoted in an operational event short and printable. */
class OperationalEventsQuoteReceiversSafelyTest {

    @Test
    void controlCharactersAndLoneSurrogatesAreDroppedAndTheRestKept() {
        assertThat(OperationalEvents.receiverText("timeout:\u0000 Read\r\n timed\u001b[31m out \ud800\u00e9\ud83d\ude00"))
                .isEqualTo("timeout: Read timed[31m out \u00e9\ud83d\ude00");
    }

    @Test
    void aLongMessageIsCutToItsFirstCharacters() {
        assertThat(OperationalEvents.receiverText("x".repeat(100_000))).hasSize(OperationalEvents.MAX_TEXT_CHARS);
        assertThat(OperationalEvents.receiverText("\ud83d\ude00".repeat(600)).codePointCount(0, 1000))
                .isEqualTo(OperationalEvents.MAX_TEXT_CHARS);
        assertThat(OperationalEvents.receiverText(null)).isNull();
    }
}
