package dev.webhookrelay.delivery;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.webhookrelay.endpointauth.EndpointAuth;
import org.springframework.stereotype.Component;

/**
 * OAuth2 client-credentials access tokens of endpoints, fetched from each endpoint's token URL through
 * the delivery client (the same SSRF guard, limits and deadline as a delivery) and kept until shortly
 * before they expire. Keyed by endpoint and its stored auth, so a changed client or secret never
 * reuses a token. The client authenticates with HTTP basic (RFC 6749 section 2.3.1).
 */
@Component
public class OAuth2Tokens {

    /** A token is dropped this long before its expiry, so it never expires on its way to the receiver. */
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(30);
    /** When the token endpoint does not say (expires_in is optional). */
    private static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    /** The token request failed: the attempt fails like a connection failure and is retried. */
    public static final class TokenRequestException extends Exception {
        TokenRequestException(String message) {
            super(message);
        }
    }

    private record Token(String value, Duration lifetime) {
        @Override
        public String toString() {
            return "Token[lifetime=" + lifetime + "]";
        }
    }

    private final DeliveryClient client;
    private final ObjectMapper json;
    private final Cache<String, Token> tokens = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfter(Expiry.<String, Token>creating((key, token) -> token.lifetime()))
            .build();

    public OAuth2Tokens(DeliveryClient client, ObjectMapper json) {
        this.client = client;
        this.json = json;
    }

    /**
     * A cached token, or a fresh one: concurrent attempts to an endpoint whose token is missing wait
     * for one request to the token endpoint rather than each sending their own.
     */
    public String token(String key, EndpointAuth.OAuth2 auth) throws TokenRequestException {
        try {
            return tokens.get(key, k -> {
                try {
                    return fetch(auth);
                } catch (TokenRequestException e) {
                    throw new FailedFetch(e);
                }
            }).value();
        } catch (FailedFetch failed) {
            throw failed.reason;
        }
    }

    /** Carries a failed fetch out of the cache's loader, which cannot throw checked exceptions. */
    private static final class FailedFetch extends RuntimeException {
        private final TokenRequestException reason;

        FailedFetch(TokenRequestException reason) {
            super(reason.getMessage(), null, false, false);
            this.reason = reason;
        }
    }

    /** The receiver refused the token: the next {@link #token} fetches a new one. */
    public void forget(String key) {
        tokens.invalidate(key);
    }

    private Token fetch(EndpointAuth.OAuth2 auth) throws TokenRequestException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (form(auth.clientId()) + ":" + form(auth.clientSecret())).getBytes(StandardCharsets.UTF_8)));
        headers.put("Accept", "application/json");
        headers.put("User-Agent", "webhook-relay/1");
        String body = "grant_type=client_credentials" + (auth.scope() == null ? "" : "&scope=" + form(auth.scope()));
        AttemptResult answer = client.postForm(auth.tokenUrl(), headers, body);
        if (answer.failure() != null) {
            throw new TokenRequestException("token request to " + auth.tokenUrl() + " failed: "
                    + ResponseClassifier.rootOfInterest(answer.failure()).getMessage());
        }
        if (answer.status() < 200 || answer.status() >= 300) {
            throw new TokenRequestException("token endpoint " + auth.tokenUrl() + " answered HTTP " + answer.status());
        }
        try {
            JsonNode token = json.readTree(answer.responseBody());
            String value = token.path("access_token").asText("");
            if (value.isEmpty() || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new TokenRequestException("token endpoint " + auth.tokenUrl() + " answered without a usable access_token");
            }
            Duration lifetime = token.path("expires_in").canConvertToLong()
                    ? Duration.ofSeconds(token.path("expires_in").asLong()) : DEFAULT_LIFETIME;
            Duration kept = lifetime.minus(EXPIRY_MARGIN);
            return new Token(value, kept.isNegative() ? Duration.ZERO : kept);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new TokenRequestException("token endpoint " + auth.tokenUrl() + " answered with no JSON token");
        }
    }

    /** application/x-www-form-urlencoded, which client_secret_basic also applies to the id and secret. */
    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
