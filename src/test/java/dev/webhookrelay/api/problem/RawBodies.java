package dev.webhookrelay.api.problem;

import java.nio.charset.StandardCharsets;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/** Bodies that are not well-formed JSON text: other encodings, invalid UTF-8, truncation, forms, binary. */
final class RawBodies {

    private RawBodies() {
    }

    static Arbitrary<byte[]> all() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(
                        "{not json", "{\"type\":", "{\"type\":\"a\",\"payload\":{}} trailing", "{'type':'a'}",
                        "{\"type\":\"a\",/* comment */\"payload\":1}", "{\"type\":\"a\",\"payload\":NaN}",
                        "{\"type\":\"a\",\"payload\":Infinity}", "{\"type\":\"a\",\"payload\":01}",
                        "{\"type\":\"a\",\"payload\":1,}", "type=a&payload=1", "a=1", "=", "&&&", "null", " ",
                        "\ufeff{\"type\":\"a\",\"payload\":1}", "[]", "\"\"", "<xml/>", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--",
                        "{\"type\":\"a\",\"payload\":\"\\x00\"}", "{\"type\":\"a\",\"payload\":\"\\u00\"}",
                        "{\"type\":\"a\",\"payload\":\"\\ud800\\u0000\"}")
                        .map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(2, Arbitraries.of(
                        bytes("{\"type\":\"a\",\"payload\":\"", new byte[] {(byte) 0xC3, 0x28}, "\"}"),
                        bytes("{\"type\":\"a\",\"payload\":\"", new byte[] {(byte) 0xFF, (byte) 0xFE}, "\"}"),
                        bytes("{\"type\":\"a\",\"payload\":\"", new byte[] {(byte) 0xC0, (byte) 0xAF}, "\"}"),
                        bytes("{\"type\":\"a\",\"payload\":\"", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\"}"),
                        bytes("{\"name\":\"", new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, "\"}"),
                        bytes("{\"", new byte[] {0}, "\":1}"),
                        bytes("{\"type\":\"a\",\"payload\":\"a", new byte[] {0}, "b\"}"),
                        new byte[] {(byte) 0xFF, (byte) 0xFE, '{', 0, '}', 0},
                        "{\"type\":\"a\",\"payload\":1}".getBytes(StandardCharsets.UTF_16),
                        "{\"type\":\"a\",\"payload\":1}".getBytes(StandardCharsets.UTF_16LE),
                        "{\"name\":\"\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1),
                        new byte[] {0x1F, (byte) 0x8B, 8, 0, 0, 0, 0, 0})),
                Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(100).map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(1, Arbitraries.of(270_000, 1_000_000).map(n -> ("{\"type\":\"a\",\"payload\":\""
                        + "x".repeat(n) + "\"}").getBytes(StandardCharsets.UTF_8))));
    }

    private static byte[] bytes(String before, byte[] middle, String after) {
        byte[] head = before.getBytes(StandardCharsets.UTF_8);
        byte[] tail = after.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + middle.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(middle, 0, all, head.length, middle.length);
        System.arraycopy(tail, 0, all, head.length + middle.length, tail.length);
        return all;
    }
}
