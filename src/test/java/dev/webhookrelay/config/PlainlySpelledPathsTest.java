package dev.webhookrelay.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlainlySpelledPathsTest {

    @Test
    void aPercentEncodedLetterDigitOrUnreservedMarkIsNeedless() {
        assertThat(PlainlySpelledPaths.encodesAnUnreservedCharacter("/%61ctuator/jolokia")).isTrue();
        assertThat(PlainlySpelledPaths.encodesAnUnreservedCharacter("/console/%33")).isTrue();
        assertThat(PlainlySpelledPaths.encodesAnUnreservedCharacter("/x/%2e%2E/y")).isTrue();
        assertThat(PlainlySpelledPaths.encodesAnUnreservedCharacter("/x/%7e")).isTrue();
    }

    @Test
    void encodingWhatAPathCannotHoldPlainIsNotJudgedHere() {
        assertThat(PlainlySpelledPaths.encodesAnUnreservedCharacter("/console/t/a%20b")).isFalse();
        assertThat(PlainlySpelledPaths.encodesAnUnreservedCharacter("/console/%C3%A9")).isFalse();
        assertThat(PlainlySpelledPaths.encodesAnUnreservedCharacter("/console/%")).isFalse();
        assertThat(PlainlySpelledPaths.encodesAnUnreservedCharacter("/console/%6")).isFalse();
        assertThat(PlainlySpelledPaths.encodesAnUnreservedCharacter("/console/%zz")).isFalse();
    }
}
