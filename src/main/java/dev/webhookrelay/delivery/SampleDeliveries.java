package dev.webhookrelay.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.secrets.SealedHeaders;
import dev.webhookrelay.secrets.SecretCipher;
import dev.webhookrelay.secrets.SecretContexts;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * An example event as one of a tenant's endpoints would get it, for the transformation preview and
 * the test send: the same context a claimed attempt has (URL, secrets and static headers opened,
 * transformation), for an event that is never stored and a delivery that does not exist.
 */
@Component
public class SampleDeliveries {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final SecretCipher cipher;
    private final SealedHeaders sealedHeaders;

    public SampleDeliveries(JdbcTemplate jdbc, ObjectMapper json, SecretCipher cipher, SealedHeaders sealedHeaders) {
        this.jdbc = jdbc;
        this.json = json;
        this.cipher = cipher;
        this.sealedHeaders = sealedHeaders;
    }

    /** Empty when the tenant has no such endpoint (deleted ones included); a disabled one can still be tried. */
    public Optional<DeliveryContext> of(UUID tenantId, UUID endpointId, String type, String payloadJson) {
        List<DeliveryContext> found = jdbc.query("""
                SELECT p.url, p.headers::text AS headers, p.retry_schedule, p.transformation, p.updated_at, p.auth,
                       ARRAY(SELECT s.secret FROM endpoint_secrets s
                              WHERE s.endpoint_id = p.id AND (s.expires_at IS NULL OR s.expires_at > now())
                              ORDER BY s.created_at DESC) AS secrets
                  FROM endpoints p WHERE p.id = ? AND p.tenant_id = ? AND p.deleted_at IS NULL""",
                (rs, n) -> {
                    List<String> secrets = new ArrayList<>();
                    for (String stored : (String[]) rs.getArray("secrets").getArray()) {
                        secrets.add(cipher.reveal(stored, SecretContexts.signingSecret(endpointId)));
                    }
                    SealedHeaders.Opened opened = sealedHeaders.open(endpointId, rs.getString("headers"));
                    Map<String, String> headers = StaticHeaders.sendable(json.valueToTree(opened.values()));
                    Set<String> sensitive = new LinkedHashSet<>(opened.sensitive());
                    sensitive.retainAll(headers.keySet());
                    return new DeliveryContext(UUID.randomUUID(), UUID.randomUUID(), endpointId, tenantId,
                            rs.getString("url"), type, payloadJson, Instant.now(), List.copyOf(secrets),
                            Collections.unmodifiableMap(headers), rs.getString("retry_schedule"), 1, 1,
                            Collections.unmodifiableSet(sensitive), false, rs.getString("auth"), rs.getString("transformation"),
                            rs.getTimestamp("updated_at").toInstant());
                }, endpointId, tenantId);
        return found.stream().findFirst();
    }
}
