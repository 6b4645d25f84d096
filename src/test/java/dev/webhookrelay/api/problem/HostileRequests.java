package dev.webhookrelay.api.problem;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.webhookrelay.api.problem.HostileRequest.Credential;
import dev.webhookrelay.support.RestRoutes.Operation;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of hostile API requests: bodies of the right shape with wrong types, huge numbers, deep
 * nesting, NUL, lone surrogates, invalid UTF-8 and non-JSON; Content-Type, Authorization and
 * Idempotency-Key variants; path ids and query parameters with junk and percent-encoded bytes.
 */
final class HostileRequests {

    /** The fields each route reads, so that most bodies get past the unknown-field check to the deeper code. */
    private static final Map<String, List<String>> FIELDS = Map.ofEntries(
            Map.entry("/v1/events", List.of("type", "payload")),
            Map.entry("/v1/admin/tenants", List.of("name")),
            Map.entry("/v1/endpoints", List.of("url", "eventTypes", "description", "enabled", "headers", "rateLimit",
                    "retrySchedule", "filter", "ordering", "auth", "transformation")),
            Map.entry("/v1/endpoints/{id}", List.of("url", "eventTypes", "description", "enabled", "headers", "rateLimit",
                    "retrySchedule", "filter", "ordering", "auth", "transformation")),
            Map.entry("/v1/dlq/replay", List.of("endpointId", "since", "until", "dryRun")),
            Map.entry("/v1/endpoints/{id}/recover", List.of("since", "until")),
            Map.entry("/v1/endpoints/{id}/secret/rotate", List.of("overlap")),
            Map.entry("/v1/endpoints/{id}/transform-preview", List.of("event")),
            Map.entry("/v1/endpoints/{id}/filter-preview", List.of("event")),
            Map.entry("/v1/endpoints/{id}/test", List.of("type", "payload")),
            Map.entry("/v1/api-keys", List.of("name", "expiresAt", "scope")),
            Map.entry("/v1/admin/tenants/{tenantId}/api-keys", List.of("name", "expiresAt", "scope")),
            Map.entry("/v1/sources", List.of("name", "provider", "secret", "eventType", "hmac")),
            Map.entry("/v1/sources/{id}/secret/rotate", List.of("secret", "overlap")),
            // A provider's event: any JSON; unsigned, it is refused before the body is read.
            Map.entry("/v1/in/{id}", List.of("type", "payload")),
            Map.entry("/v1/event-types/{name}", List.of("description", "schema")),
            Map.entry("/v1/tenant", List.of("requireKnownTypes")),
            Map.entry("/v1/operational-webhook", List.of("url")),
            Map.entry("/v1/operational-webhook/secret/rotate", List.of("overlap")));
    private static final List<String> ALL_FIELDS = FIELDS.values().stream().flatMap(List::stream).distinct().toList();
    private static final Set<String> BODY_METHODS = Set.of("POST", "PATCH", "PUT");

    private HostileRequests() {
    }

    static Arbitrary<HostileRequest> to(List<Operation> operations) {
        return Arbitraries.of(operations).flatMap(operation -> Combinators.combine(
                pathIds(), queries(operation.queryParameters()), credentials(), contentTypes(), idempotencyKeys(), bodies(operation),
                Arbitraries.integers().between(0, 9))
                .as((id, query, credential, contentType, key, body, dice) -> new HostileRequest(operation, id, query,
                        credential, contentType, key, body, body != null && dice == 0)));
    }

    static Arbitrary<String> pathIds() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(Fixture.ENDPOINT_ID, Fixture.EVENT_ID, Fixture.DELIVERY_ID,
                        Fixture.REPLAY_ID, Fixture.FOREIGN_ENDPOINT_ID)),
                Tuple.of(2, Arbitraries.create(() -> UUID.randomUUID().toString())),
                Tuple.of(4, Arbitraries.of("", "abc", "1", "0", "-1", "null", "1-1-1-1-1",
                        "00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
                        "{" + UUID.randomUUID() + "}", UUID.randomUUID() + "x", "a".repeat(2_000), "a".repeat(9_000),
                        "%00", "%2F", "%2e%2e", "..", ".", "%ZZ", "%", "%C0%AF", "%FF%FE", "%E2%80%AE", "%F0%9F%98%80",
                        "caf\u00e9", "%3B", ";x=1", "%0d%0aX-Injected:%201", "%20", "+", "%u0000", "~", "*")),
                Tuple.of(1, percentEncoded(Arbitraries.strings().all().ofMaxLength(40))));
    }

    /** Mostly the parameters the route declares, with right and wrong values; sometimes others, or junk. */
    static Arbitrary<String> queries(List<String> declared) {
        List<String> names = declared.isEmpty() ? List.of("limit", "cursor", "since") : declared;
        Arbitrary<String> parameter = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of(names).flatMap(name -> queryValuesOf(name).map(v -> name + "=" + v))),
                Tuple.of(1, Combinators.combine(junkText(), junkText()).as((n, v) -> n + "=" + v)),
                Tuple.of(1, Arbitraries.of("limit", "cursor", "=", "&", "&&", "limit=1&limit=2", "api_key="
                        + Fixture.TENANT_KEY, "%ZZ=1", "a=%", "a[]=1&a[]=2", "a=" + "b".repeat(5_000))));
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(null)),
                Tuple.of(5, parameter.list().ofMinSize(1).ofMaxSize(4).map(list -> String.join("&", list))));
    }

    private static Arbitrary<String> queryValuesOf(String name) {
        return switch (name) {
            case "limit" -> queryValues(Arbitraries.of("1", "50", "500", "0", "-1", "501", "abc", "1.5", "1e3",
                    "99999999999999999999", "2147483648", "", " 5 ", "5,6", "0x10", "\u0661"));
            case "cursor" -> cursors();
            case "since", "until" -> instants();
            case "type" -> queryValues(Arbitraries.of("order.created", "a b", "*", "x".repeat(500)));
            case "status" -> queryValues(Arbitraries.of("DELIVERED", "DEAD_LETTERED", "delivered", "NOPE", "",
                    "DELIVERED,RECEIVED"));
            case "endpointId" -> Arbitraries.of(Fixture.ENDPOINT_ID, Fixture.FOREIGN_ENDPOINT_ID, "abc", "%00",
                    UUID.randomUUID().toString());
            default -> junkText();
        };
    }

    private static Arbitrary<String> queryValues(Arbitrary<String> plain) {
        return Arbitraries.frequencyOf(
                Tuple.of(4, plain.map(HostileRequests::encode)),
                Tuple.of(1, junkText()));
    }

    /** Wire text with bytes no decoder expects: NUL, invalid UTF-8, overlong forms, stray '%'. */
    private static Arbitrary<String> junkText() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("%00", "%ZZ", "%", "%C0%AF", "%FF", "%FF%FE%FD", "%ED%A0%80", "%E2%80%AE",
                        "%0D%0A", "a%00b", "%2525", "%F4%90%80%80", "\u00e9", "%u0041", "+%2B+")),
                Tuple.of(2, percentEncoded(Arbitraries.strings().all().ofMaxLength(30))));
    }

    private static Arbitrary<String> percentEncoded(Arbitrary<String> text) {
        return text.map(HostileRequests::encode);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    static Arbitrary<String> cursors() {
        Arbitrary<String> forged = Combinators.combine(
                Arbitraries.of("c1", "c2", "", "c1|c1"),
                Arbitraries.of("0", "-1", "1795400000000000", String.valueOf(Long.MAX_VALUE),
                        String.valueOf(Long.MIN_VALUE), "99999999999999999999", "x", "", "1e9", "9223372036854775"),
                Arbitraries.of(UUID.randomUUID().toString(), "", "x", "%00", "' OR 1=1 --", "\u0000", "\u00e9"))
                .as((version, micros, id) -> version + "|" + micros + "|" + id)
                .map(plain -> Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(plain.getBytes(StandardCharsets.UTF_8)));
        return Arbitraries.frequencyOf(
                Tuple.of(3, forged),
                Tuple.of(1, Arbitraries.of("", "====", "!!!", "YWJj", "a", "%00", "%ZZ", "c1", "x".repeat(3_000))),
                Tuple.of(1, junkText()));
    }

    /** ISO-8601 instants in and beyond the range of both Java and PostgreSQL, and things that are not. */
    static Arbitrary<String> instants() {
        return queryValues(Arbitraries.of("2026-01-01T00:00:00Z", "2026-01-01T00:00:00+14:00",
                "+999999999-12-31T23:59:59.999999999Z", "-999999999-01-01T00:00:00Z", "+294277-01-01T00:00:00Z",
                "-4714-11-23T00:00:00Z", "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "1970-01-01T00:00:00Z",
                "2026-02-30T00:00:00Z", "2026-01-01T00:00:00", "2026-01-01", "yesterday", "0", "-1",
                "2026-01-01T24:00:00Z", "2026-01-01T00:00:00-25:00"));
    }

    static Arbitrary<Credential> credentials() {
        return Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.just(Credential.EXPECTED)),
                Tuple.of(10, Arbitraries.of(Credential.class)));
    }

    static Arbitrary<String> contentTypes() {
        return Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just("application/json")),
                Tuple.of(6, Arbitraries.of(null, "", "application/json; charset=utf-8", "APPLICATION/JSON",
                        "application/json;charset=\"UTF-8\"", "application/json; charset=utf-16",
                        "application/json; charset=latin1", "application/json; charset=nope",
                        "application/json; charset=", "application/json; charset", "application/json;;;",
                        "application/problem+json", "application/merge-patch+json", "application/vnd.x+json",
                        "application/+json", "+json", "text/plain", "text/json", "application/x-www-form-urlencoded",
                        "multipart/form-data; boundary=x", "multipart/form-data", "application/xml", "*/*",
                        "application/json, text/plain", "application/octet-stream", ";", "application",
                        "application/json; boundary=\u0000", "appl\u00efcation/json")));
    }

    static Arbitrary<byte[]> idempotencyKeys() {
        return Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just(null)),
                Tuple.of(3, Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(40).map(HostileRequests::ascii)),
                Tuple.of(3, Arbitraries.of("", " ", "k".repeat(255), "k".repeat(256), "k".repeat(7_000), "a b",
                        "\u00e9t\u00e9", "\t", "key\u0000nul", "key\u007f")
                        .map(HostileRequests::latin1)),
                Tuple.of(1, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(20)
                        .map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(1, Arbitraries.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF, (byte) 0xFE},
                        new byte[] {'k', 0, 'k'}, new byte[] {(byte) 0xC0, (byte) 0xAF})));
    }

    static Arbitrary<byte[]> bodies(Operation operation) {
        Arbitrary<byte[]> object = objects(FIELDS.getOrDefault(operation.path(), ALL_FIELDS)).map(HostileRequests::utf8);
        Arbitrary<byte[]> anyJson = JsonTexts.values(3).map(HostileRequests::utf8);
        Arbitrary<byte[]> any = Arbitraries.frequencyOf(
                Tuple.of(12, object),
                Tuple.of(2, anyJson),
                Tuple.of(4, RawBodies.all()),
                Tuple.of(1, Arbitraries.just(new byte[0])));
        if (BODY_METHODS.contains(operation.method())) {
            return Arbitraries.frequencyOf(Tuple.of(12, any), Tuple.of(1, Arbitraries.just(null)));
        }
        return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(null)), Tuple.of(1, any));
    }

    /** A JSON object of the route's own fields (sometimes one it does not know), each right or wrong. */
    private static Arbitrary<String> objects(List<String> fields) {
        Arbitrary<String> member = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of(fields)),
                Tuple.of(1, Arbitraries.of(ALL_FIELDS)),
                Tuple.of(1, Arbitraries.of("", "__proto__", "$where", "\u0000", "Type", "payload ", "x".repeat(300))))
                .flatMap(name -> FieldValues.of(name).map(value -> JsonTexts.string(name) + ":" + value));
        return member.list().ofMaxSize(fields.size() + 1).map(members -> "{" + String.join(",", members) + "}");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
