package dev.webhookrelay.delivery;

import java.security.KeyStore;

/**
 * A TLS client certificate and key an attempt presents; {@code key} (endpoint and its stored auth)
 * picks the connection pool that holds them, used for that endpoint only.
 */
public record ClientIdentity(String key, KeyStore keyStore) {

    @Override
    public String toString() {
        return "ClientIdentity[" + key.substring(0, key.indexOf(':')) + "]";
    }
}
