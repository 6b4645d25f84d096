package dev.webhookrelay.auth;

import java.time.Instant;
import java.util.UUID;

/** What a valid API key grants, as cached by {@link ApiKeyAuthenticator}: its tenant and scope, until its expiry. */
record ApiKeyGrant(UUID keyId, UUID tenantId, ApiKeyScope scope, Instant expiresAt) {

    boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
