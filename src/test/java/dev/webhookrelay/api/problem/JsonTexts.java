package dev.webhookrelay.api.problem;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/** Generators of JSON text: any value, with the numbers and strings that parsers and databases choke on. */
final class JsonTexts {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonTexts() {
    }

    static Arbitrary<String> values(int depth) {
        if (depth == 0) {
            return scalars();
        }
        Arbitrary<String> inner = values(depth - 1);
        return Arbitraries.frequencyOf(
                Tuple.of(6, scalars()),
                Tuple.of(1, inner.list().ofMaxSize(4).map(items -> "[" + String.join(",", items) + "]")),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(8).flatMap(name -> inner.map(v -> string(name) + ":" + v))
                        .list().ofMaxSize(4).map(members -> "{" + String.join(",", members) + "}")),
                Tuple.of(1, nested()));
    }

    static Arbitrary<String> scalars() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of("null", "true", "false")),
                Tuple.of(2, Arbitraries.integers().map(String::valueOf)),
                Tuple.of(1, Arbitraries.longs().map(String::valueOf)),
                Tuple.of(1, Arbitraries.doubles().map(String::valueOf).filter(d -> !d.contains("N") && !d.contains("I"))),
                Tuple.of(3, hugeNumbers()),
                Tuple.of(4, strings()));
    }

    static Arbitrary<String> hugeNumbers() {
        return Arbitraries.of("1e999999", "-1e999999", "1e-999999", "1E400", "-0", "0.0", "-0.0e-0",
                "123456789012345678901234567890", "-9223372036854775809", "9223372036854775808", "2147483648",
                "1.7976931348623157e309", "4.9e-325", "9".repeat(999), "9".repeat(1_001), "0." + "1".repeat(2_000),
                "1e2147483648");
    }

    /** JSON string literals: NUL and lone surrogates as escapes, control characters, any code point. */
    static Arbitrary<String> strings() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.strings().all().ofMaxLength(30).map(JsonTexts::string)),
                Tuple.of(3, Arbitraries.of("\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"\\udfff\\ud800\"",
                        "\"\\uffff\"", "\"\\ufeff\"", "\"\\u202e\"", "\"\\\\\"", "\"\"", "\" \"", "\"\\n\"",
                        "\"\ud83d\ude00\"", "\"\u0000\"", "\"" + "x".repeat(70_000) + "\"")),
                Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMaxLength(5).map(JsonTexts::string)));
    }

    /** Nesting around and past parsers' depth limits (Jackson refuses beyond 1000). */
    static Arbitrary<String> nested() {
        return Arbitraries.of(10, 500, 999, 1_001, 5_000, 100_000).flatMap(depth -> Arbitraries.of(
                "[".repeat(depth) + "]".repeat(depth),
                "{\"a\":".repeat(depth) + "1" + "}".repeat(depth),
                "[".repeat(depth)));
    }

    /** A JSON string literal of the text, escaped as a well-behaved client would. */
    static String string(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String array(List<String> items) {
        return "[" + String.join(",", items) + "]";
    }
}
