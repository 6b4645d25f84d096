package dev.webhookrelay.auth;

import java.util.List;

/** What an API key may do: {@code ingest} only posts events; {@code full} is the whole tenant API. */
public enum ApiKeyScope {
    INGEST("ingest"),
    FULL("full");

    private final String code;

    ApiKeyScope(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static ApiKeyScope of(String code) {
        for (ApiKeyScope scope : values()) {
            if (scope.code.equals(code)) {
                return scope;
            }
        }
        return null;
    }

    public static List<String> codes() {
        return List.of(INGEST.code, FULL.code);
    }
}
