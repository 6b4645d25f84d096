package dev.webhookrelay.quota;

import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Serialises one tenant's quota checks until the transaction ends, so two concurrent requests cannot
 * both see room for one more. FOR NO KEY UPDATE does not conflict with the key-share locks that
 * inserts referencing the tenant take: ingest never waits for it.
 */
final class TenantLock {

    private TenantLock() {
    }

    static void lock(JdbcTemplate jdbc, UUID tenantId) {
        jdbc.query("SELECT 1 FROM tenants WHERE id = ? FOR NO KEY UPDATE", rs -> { }, tenantId);
    }
}
