package dev.webhookrelay.console;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.SecretKey;

import dev.webhookrelay.audit.AuditAction;
import dev.webhookrelay.audit.AuditTrail;
import dev.webhookrelay.auth.ApiKeyAuthenticator;
import dev.webhookrelay.auth.Caller;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.secrets.MasterKeys;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * Tenant portal links: {@code /portal/<token>}, where the token is the tenant id and an expiry,
 * signed with HMAC-SHA256 under a key derived from the master key. Nothing is stored: a link is
 * valid until it expires (relay.console.portal-link-ttl), so keep the TTL short; rotating the master
 * key ends every link at once. The token is the portal's only credential, so the portal needs no
 * cookie and works inside another site's iframe. Each link minted is an audit record (who, for
 * which tenant, until when), which never holds the link or its token.
 */
@Component("portalLinks")
public class PortalLinks {

    static final String PATH = "/portal/";
    private static final int PAYLOAD_BYTES = 16 + 8;
    private static final int MAC_BYTES = 32;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final SecretKey key;
    private final Duration ttl;
    private final AuditTrail audit;
    private final Clock clock = Clock.systemUTC();

    public PortalLinks(MasterKeys masterKeys, RelayProperties properties, AuditTrail audit) {
        this.key = masterKeys.derived("webhook-relay portal links v1");
        this.ttl = properties.console().portalLinkTtl();
        this.audit = audit;
    }

    /**
     * POST /v1/portal-links: a link to the calling tenant's portal; POST /v1/admin/tenants/{id}/portal-links:
     * to the tenant in the path (admin.NamedTenants).
     */
    public Map<String, Object> mint(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Header(Exchange.HTTP_SERVLET_REQUEST) Object servletRequest) {
        Instant expiresAt = clock.instant().plus(ttl).truncatedTo(ChronoUnit.SECONDS);
        // Recorded before the link exists: a link whose record failed is never handed out.
        audit.record(tenantId, actor, AuditAction.PORTAL_LINK_CREATE, null, null, Map.of("expiresAt", expiresAt));
        Map<String, Object> link = new LinkedHashMap<>();
        link.put("url", origin(servletRequest) + PATH + token(tenantId, expiresAt));
        link.put("expiresAt", expiresAt);
        return link;
    }

    String token(UUID tenantId, Instant expiresAt) {
        ByteBuffer payload = ByteBuffer.allocate(PAYLOAD_BYTES + MAC_BYTES);
        payload.putLong(tenantId.getMostSignificantBits()).putLong(tenantId.getLeastSignificantBits())
                .putLong(expiresAt.getEpochSecond());
        payload.put(mac(payload.array(), PAYLOAD_BYTES));
        return ENCODER.encodeToString(payload.array());
    }

    /** The tenant a token opens, or null for a token that is forged, malformed or expired. */
    UUID tenantOf(String token) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (raw.length != PAYLOAD_BYTES + MAC_BYTES) {
            return null;
        }
        byte[] presented = Arrays.copyOfRange(raw, PAYLOAD_BYTES, raw.length);
        if (!MessageDigest.isEqual(presented, mac(raw, PAYLOAD_BYTES))) {
            return null;
        }
        ByteBuffer payload = ByteBuffer.wrap(raw);
        UUID tenantId = new UUID(payload.getLong(), payload.getLong());
        Instant expiresAt = Instant.ofEpochSecond(payload.getLong());
        return clock.instant().isBefore(expiresAt) ? tenantId : null;
    }

    private byte[] mac(byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Where the caller reached the relay (behind a proxy, as server.forward-headers-strategy trusts it).
     * Bound as an Object: a client's string under the header's name is no request, and must not fail the binding.
     */
    private static String origin(Object servletRequest) {
        if (servletRequest instanceof HttpServletRequest request) {
            String url = request.getRequestURL().toString();
            return url.substring(0, url.length() - request.getRequestURI().length());
        }
        return "";
    }
}
