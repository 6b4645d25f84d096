package dev.webhookrelay.api.problem;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.webhookrelay.support.RawHttp;

/**
 * What generated requests refer to but cannot know in advance: real ids of the fuzzing tenant, a
 * second tenant's endpoint, the keys, the receiver's address. Generators write placeholders; the
 * fixture puts the values in when a request is sent.
 */
final class Fixture {

    static final String ENDPOINT_ID = "@ENDPOINT_ID@";
    static final String EVENT_ID = "@EVENT_ID@";
    static final String DELIVERY_ID = "@DELIVERY_ID@";
    static final String REPLAY_ID = "@REPLAY_ID@";
    static final String FOREIGN_ENDPOINT_ID = "@FOREIGN_ENDPOINT_ID@";
    static final String TENANT_KEY = "@TENANT_KEY@";
    static final String TENANT_ID = "@TENANT_ID@";
    static final String RECEIVER_URL = "@RECEIVER_URL@";

    private final Map<String, String> values;
    private final String adminToken;
    private final String tenantKey;
    private final String otherTenantKey;

    /** values: placeholder to its value, for every placeholder above. */
    Fixture(Map<String, String> values, String adminToken, String otherTenantKey) {
        this.values = values;
        this.adminToken = adminToken;
        this.tenantKey = values.get(TENANT_KEY);
        this.otherTenantKey = otherTenantKey;
    }

    String value(String placeholder) {
        return values.get(placeholder);
    }

    RawHttp.Request wire(HostileRequest request) {
        String path = request.operation().path().replace("{tenantId}", TENANT_ID).replace("{id}", request.pathId())
                .replace("{name}", request.pathId())
                + (request.query() == null ? "" : "?" + request.query());
        List<Map.Entry<String, byte[]>> headers = new ArrayList<>(credentialHeaders(request));
        if (request.contentType() != null) {
            headers.add(Map.entry("Content-Type", request.contentType().getBytes(StandardCharsets.UTF_8)));
        }
        if (request.idempotencyKey() != null) {
            headers.add(Map.entry("Idempotency-Key", request.idempotencyKey()));
        }
        return new RawHttp.Request(request.operation().method(), resolve(path.getBytes(StandardCharsets.UTF_8)),
                headers, request.body() == null ? null : resolve(request.body()), request.chunked());
    }

    private List<Map.Entry<String, byte[]>> credentialHeaders(HostileRequest request) {
        String expected = request.operation().path().startsWith("/v1/admin/") ? adminToken : tenantKey;
        return switch (request.credential()) {
            case EXPECTED -> bearer(expected);
            case EXPECTED_AS_X_API_KEY -> List.of(header("X-API-Key", expected));
            case EXPECTED_WITH_LOWERCASE_SCHEME -> List.of(header("Authorization", "bearer " + expected));
            case EXPECTED_PADDED_WITH_SPACES -> List.of(header("Authorization", "Bearer    " + expected + "   "));
            case ADMIN_TOKEN -> bearer(adminToken);
            case TENANT_KEY -> bearer(tenantKey);
            case OTHER_TENANT_KEY -> bearer(otherTenantKey);
            case NONE -> List.of();
            case EMPTY_BEARER -> List.of(header("Authorization", "Bearer "));
            case SCHEME_ONLY -> List.of(header("Authorization", "Bearer"));
            case BASIC -> List.of(header("Authorization", "Basic YWRtaW46YWRtaW4="));
            case UNKNOWN_KEY -> bearer("rk_" + "A".repeat(43));
            case HUGE_KEY -> bearer("rk_" + "A".repeat(7_000));
            case LATIN1_KEY -> List.of(Map.entry("Authorization", "Bearer rk_\u00e9\u00ff".getBytes(StandardCharsets.ISO_8859_1)));
            case UTF8_KEY -> List.of(Map.entry("Authorization", "Bearer rk_\u00e9\ud83d\ude00".getBytes(StandardCharsets.UTF_8)));
            case NUL_IN_KEY -> List.of(Map.entry("Authorization", ("Bearer " + expected + "\u0000").getBytes(StandardCharsets.ISO_8859_1)));
            case BAD_BEARER_AND_GOOD_X_API_KEY -> List.of(header("Authorization", "Bearer rk_nope"), header("X-API-Key", expected));
        };
    }

    private static List<Map.Entry<String, byte[]>> bearer(String token) {
        return List.of(header("Authorization", "Bearer " + token));
    }

    private static Map.Entry<String, byte[]> header(String name, String value) {
        return Map.entry(name, value.getBytes(StandardCharsets.ISO_8859_1));
    }

    private byte[] resolve(byte[] text) {
        String resolved = new String(text, StandardCharsets.ISO_8859_1);
        for (Map.Entry<String, String> value : values.entrySet()) {
            resolved = resolved.replace(value.getKey(), value.getValue());
        }
        return resolved.getBytes(StandardCharsets.ISO_8859_1);
    }
}
