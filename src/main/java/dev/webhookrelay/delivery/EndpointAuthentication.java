package dev.webhookrelay.delivery;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.webhookrelay.endpointauth.EndpointAuth;
import dev.webhookrelay.endpointauth.EndpointAuths;
import dev.webhookrelay.endpointauth.PemCredentials;
import org.apache.camel.Variable;
import org.springframework.stereotype.Component;

/**
 * Adds the endpoint's own authentication to an attempt's built request: an Authorization header
 * (basic, bearer, or an OAuth2 client-credentials token), or the client certificate the delivery
 * client presents (mtls). The attempt log redacts Authorization like any credential header.
 *
 * <p>OAuth2: a token the receiver refuses with 401 is forgotten, a fresh one fetched, and the request
 * sent once more within the same attempt (routes/delivery.camel.yaml, when-token-rejected); only the
 * second answer is classified and recorded. A token request that fails is the attempt's failure,
 * classified like a connection failure (retried), and nothing is sent to the receiver.
 */
@Component("endpointAuthentication")
public class EndpointAuthentication {

    private final EndpointAuths auths;
    private final OAuth2Tokens tokens;
    private final DeliveryClient client;
    /** Opened auth by endpoint and stored value: opened (and a key store built) once, not per attempt. */
    private final Cache<String, Opened> opened = Caffeine.newBuilder().maximumSize(10_000).build();

    public EndpointAuthentication(EndpointAuths auths, OAuth2Tokens tokens, DeliveryClient client) {
        this.auths = auths;
        this.tokens = tokens;
        this.client = client;
    }

    private record Opened(EndpointAuth auth, ClientIdentity identity, String failure) {
        @Override
        public String toString() {
            return "Opened[" + auth + "]";
        }
    }

    public void authenticate(@Variable("attempt") DeliveryAttempt attempt) {
        Opened endpoint = opened(attempt);
        if (endpoint == null) {
            return;
        }
        EndpointAuth auth = endpoint.auth();
        if (auth instanceof EndpointAuth.Basic basic) {
            authorize(attempt, "Basic " + Base64.getEncoder().encodeToString(
                    (basic.username() + ":" + basic.password()).getBytes(StandardCharsets.UTF_8)));
        } else if (auth instanceof EndpointAuth.Bearer bearer) {
            authorize(attempt, "Bearer " + bearer.token());
        } else if (auth instanceof EndpointAuth.OAuth2 oauth2) {
            authorizeWithToken(attempt, oauth2);
        } else if (endpoint.failure() != null) {
            attempt.answered(failed(new IllegalStateException(endpoint.failure())));
        } else {
            attempt.presents(endpoint.identity());
        }
    }

    /** The receiver refused this attempt's OAuth2 token, and the attempt has not fetched a fresh one yet. */
    public boolean tokenRejected(@Variable("attempt") DeliveryAttempt attempt) {
        Integer status = attempt.result() == null ? null : attempt.result().status();
        Opened endpoint = opened(attempt);
        return status != null && status == 401 && !attempt.tokenRefreshed()
                && endpoint != null && endpoint.auth() instanceof EndpointAuth.OAuth2;
    }

    /** Forgets the refused token, fetches a fresh one and sends the request again. */
    public void refreshTokenAndResend(@Variable("attempt") DeliveryAttempt attempt) {
        attempt.refreshedToken();
        tokens.forget(key(attempt));
        attempt.answered(null);
        authorizeWithToken(attempt, (EndpointAuth.OAuth2) opened(attempt).auth());
        if (attempt.result() == null) {
            client.send(attempt);
        }
    }

    private void authorizeWithToken(DeliveryAttempt attempt, EndpointAuth.OAuth2 oauth2) {
        try {
            authorize(attempt, "Bearer " + tokens.token(key(attempt), oauth2));
        } catch (OAuth2Tokens.TokenRequestException e) {
            attempt.answered(failed(e));
        }
    }

    private static void authorize(DeliveryAttempt attempt, String value) {
        attempt.requestBuilt(attempt.request().withHeader("Authorization", value));
    }

    private static AttemptResult failed(Exception why) {
        return new AttemptResult(null, Map.of(), null, why, 0);
    }

    private Opened opened(DeliveryAttempt attempt) {
        String stored = attempt.delivery().auth();
        if (stored == null) {
            return null;
        }
        return opened.get(key(attempt), key -> open(key, attempt.delivery()));
    }

    private Opened open(String key, DeliveryContext delivery) {
        EndpointAuth auth = auths.open(delivery.endpointId(), delivery.auth());
        if (auth instanceof EndpointAuth.Mtls mtls) {
            try {
                return new Opened(auth, new ClientIdentity(key, PemCredentials.keyStore(mtls)), null);
            } catch (PemCredentials.UnreadablePemException e) {
                // Validated at registration; a row written another way fails its attempts, named.
                return new Opened(auth, null, "client certificate of the endpoint is unusable: " + e.getMessage());
            }
        }
        return new Opened(auth, null, null);
    }

    private static String key(DeliveryAttempt attempt) {
        return attempt.delivery().endpointId() + ":" + attempt.delivery().auth();
    }
}
