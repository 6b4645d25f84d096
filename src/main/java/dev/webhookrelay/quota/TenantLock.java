package dev.webhookrelay.quota;

import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Serialises one tenant's check-then-write until the transaction ends: two concurrent requests cannot
 * both see room for one more (the quotas), nor both find no operational webhook and create two
 * (admin.OperationalWebhookAdmin). FOR NO KEY UPDATE does not conflict with the key-share locks that
 * inserts referencing the tenant take: ingest never waits for it.
 */
public final class TenantLock {

    private TenantLock() {
    }

    public static void lock(JdbcTemplate jdbc, UUID tenantId) {
        jdbc.query("SELECT 1 FROM tenants WHERE id = ? FOR NO KEY UPDATE", rs -> { }, tenantId);
    }
}
