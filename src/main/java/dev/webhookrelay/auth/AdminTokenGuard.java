package dev.webhookrelay.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.config.RelayProperties;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * Guards the admin API with {@code relay.admin-token}. In the dev profile a missing token is
 * generated and printed once, so a first run works without configuration; elsewhere a missing token
 * leaves the admin API closed. Wrong tokens count against the caller's address like wrong API keys,
 * after the comparison: the right token is accepted whatever others sent from its address.
 */
@Component("adminTokenGuard")
public class AdminTokenGuard {

    private static final Logger LOG = LoggerFactory.getLogger(AdminTokenGuard.class);

    private final byte[] token;
    private final AuthenticationAttempts attempts;

    public AdminTokenGuard(RelayProperties properties, Environment environment, AuthenticationAttempts attempts) {
        this.attempts = attempts;
        String configured = properties.adminToken();
        if (configured != null && !configured.isBlank()) {
            token = configured.getBytes(StandardCharsets.UTF_8);
        } else if (environment.acceptsProfiles(Profiles.of("dev"))) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String generated = "adm_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            token = generated.getBytes(StandardCharsets.UTF_8);
            LOG.warn("relay.admin-token is not set; dev profile generated one for this run: {}", generated);
        } else {
            token = null;
            LOG.warn("relay.admin-token is not set: the admin API refuses every request");
        }
    }

    public void authorize(Exchange exchange) {
        String presented = HttpCaller.presentedKey(exchange);
        if (token == null || presented == null) {
            throw ProblemException.unauthorized("Admin token required: Authorization: Bearer <relay.admin-token>");
        }
        if (!MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))) {
            attempts.take(HttpCaller.address(exchange));
            throw ProblemException.unauthorized("Admin token required: Authorization: Bearer <relay.admin-token>");
        }
        Caller.identifyAdmin(exchange);
    }
}
