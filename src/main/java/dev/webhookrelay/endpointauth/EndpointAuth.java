package dev.webhookrelay.endpointauth;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.webhookrelay.secrets.SealedHeaders;

/**
 * How the relay authenticates to an endpoint, besides signing: HTTP basic, a bearer token, an
 * OAuth2 client-credentials token, or a TLS client certificate. Stored sealed as the JSON of
 * {@link #stored()}; shown through the API as {@link #shown()}, every credential masked. No
 * {@code toString} prints a credential.
 */
public sealed interface EndpointAuth {

    /** What the API shows in place of a credential; sent back unchanged, it keeps the stored one. */
    String MASK = SealedHeaders.MASK;

    String type();

    /** Every field, credentials included: what is sealed. */
    Map<String, String> stored();

    /** The fields an API answer and the audit trail show: credentials masked. */
    Map<String, Object> shown();

    record Basic(String username, String password) implements EndpointAuth {

        public String type() {
            return "basic";
        }

        public Map<String, String> stored() {
            return fields("type", type(), "username", username, "password", password);
        }

        public Map<String, Object> shown() {
            return new LinkedHashMap<>(fields("type", type(), "username", username, "password", MASK));
        }

        @Override
        public String toString() {
            return "Basic[username=" + username + "]";
        }
    }

    record Bearer(String token) implements EndpointAuth {

        public String type() {
            return "bearer";
        }

        public Map<String, String> stored() {
            return fields("type", type(), "token", token);
        }

        public Map<String, Object> shown() {
            return new LinkedHashMap<>(fields("type", type(), "token", MASK));
        }

        @Override
        public String toString() {
            return "Bearer[]";
        }
    }

    record OAuth2(String tokenUrl, String clientId, String clientSecret, String scope) implements EndpointAuth {

        public String type() {
            return "oauth2";
        }

        public Map<String, String> stored() {
            return fields("type", type(), "tokenUrl", tokenUrl, "clientId", clientId, "clientSecret", clientSecret,
                    "scope", scope);
        }

        public Map<String, Object> shown() {
            return new LinkedHashMap<>(fields("type", type(), "tokenUrl", tokenUrl, "clientId", clientId,
                    "clientSecret", MASK, "scope", scope));
        }

        @Override
        public String toString() {
            return "OAuth2[tokenUrl=" + tokenUrl + ", clientId=" + clientId + "]";
        }
    }

    /** A client certificate (chain) and its PKCS#8 private key, in PEM; the certificate is public and shown. */
    record Mtls(String certificate, String privateKey) implements EndpointAuth {

        public String type() {
            return "mtls";
        }

        public Map<String, String> stored() {
            return fields("type", type(), "certificate", certificate, "privateKey", privateKey);
        }

        public Map<String, Object> shown() {
            return new LinkedHashMap<>(fields("type", type(), "certificate", certificate, "privateKey", MASK));
        }

        @Override
        public String toString() {
            return "Mtls[]";
        }
    }

    private static Map<String, String> fields(String... namesAndValues) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                fields.put(namesAndValues[i], namesAndValues[i + 1]);
            }
        }
        return fields;
    }
}
