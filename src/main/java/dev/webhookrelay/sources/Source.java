package dev.webhookrelay.sources;

import java.util.UUID;

/** A source as verification needs it; hmac is set for the hmac provider only. */
record Source(UUID id, UUID tenantId, Provider provider, String eventType, HmacSettings hmac) {
}
