package dev.webhookrelay.secrets;

import java.util.UUID;

/**
 * What each sealed value is bound to (authenticated with it, not stored): a value copied into another
 * endpoint's row, or under another header name, does not open there.
 */
public final class SecretContexts {

    private SecretContexts() {
    }

    public static String signingSecret(UUID endpointId) {
        return "endpoint-secret:" + endpointId;
    }

    public static String sourceSecret(UUID sourceId) {
        return "source-secret:" + sourceId;
    }

    public static String endpointAuth(UUID endpointId) {
        return "endpoint-auth:" + endpointId;
    }

    public static String staticHeader(UUID endpointId, String name) {
        return "endpoint-header:" + endpointId + ":" + name;
    }
}
