package dev.webhookrelay.endpointauth;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.secrets.SecretCipher;
import dev.webhookrelay.secrets.SecretContexts;
import dev.webhookrelay.urlsafety.EndpointUrlValidator;
import dev.webhookrelay.urlsafety.UrlOrigins;
import org.springframework.stereotype.Component;

/**
 * An endpoint's {@code auth}: validated as the API receives it (a 422 names the field), sealed for
 * the endpoints.auth column (one value, bound to its endpoint), opened for delivery, and shown
 * masked. A credential sent back as {@link EndpointAuth#MASK} keeps the one stored for the same type,
 * as long as it goes to the origins it went to: a credential is only ever sent where the tenant sent
 * it in clear.
 */
@Component
public class EndpointAuths {

    private static final Map<String, Set<String>> FIELDS = Map.of(
            "basic", Set.of("type", "username", "password"),
            "bearer", Set.of("type", "token"),
            "oauth2", Set.of("type", "tokenUrl", "clientId", "clientSecret", "scope"),
            "mtls", Set.of("type", "certificate", "privateKey"));
    /** The field of each type that is shown masked: the credential itself. */
    private static final Map<String, String> CREDENTIALS = Map.of(
            "basic", "password", "bearer", "token", "oauth2", "clientSecret", "mtls", "privateKey");
    private static final int MAX_PEM_CHARS = 32_768;

    private final SecretCipher cipher;
    private final ObjectMapper json;
    private final EndpointUrlValidator urlValidator;

    public EndpointAuths(SecretCipher cipher, ObjectMapper json, EndpointUrlValidator urlValidator) {
        this.cipher = cipher;
        this.json = json;
        this.urlValidator = urlValidator;
    }

    /**
     * The sealed column value for the given {@code auth} member (null: none); {@code stored} is the
     * current one. {@code toAnotherOrigin}: the endpoint's url moves to another origin, where no
     * credential it held is sent unless given again.
     */
    public String seal(UUID endpointId, JsonNode node, String stored, boolean toAnotherOrigin) {
        EndpointAuth current = stored == null ? null : open(endpointId, stored);
        EndpointAuth auth = parse(node, current);
        if (auth == null) {
            return null;
        }
        requireSentAgainWhereItMoves(node, current, auth, toAnotherOrigin);
        try {
            return cipher.seal(json.writeValueAsString(auth.stored()), SecretContexts.endpointAuth(endpointId));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public EndpointAuth open(UUID endpointId, String stored) {
        Map<String, String> fields;
        try {
            fields = json.readValue(cipher.reveal(stored, SecretContexts.endpointAuth(endpointId)), new TypeReference<>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored auth of endpoint " + endpointId + " is not JSON");
        }
        return switch (fields.get("type")) {
            case "basic" -> new EndpointAuth.Basic(fields.get("username"), fields.get("password"));
            case "bearer" -> new EndpointAuth.Bearer(fields.get("token"));
            case "oauth2" -> new EndpointAuth.OAuth2(fields.get("tokenUrl"), fields.get("clientId"),
                    fields.get("clientSecret"), fields.get("scope"));
            case "mtls" -> new EndpointAuth.Mtls(fields.get("certificate"), fields.get("privateKey"));
            default -> throw new IllegalStateException("stored auth of endpoint " + endpointId + " has an unknown type");
        };
    }

    /**
     * Refuses, naming its credential, a stored auth that the endpoint's url would take to another origin
     * because the update left {@code auth} out.
     */
    public void requireNone(UUID endpointId, String stored) {
        if (stored != null) {
            String credential = "auth." + CREDENTIALS.get(open(endpointId, stored).type());
            throw ProblemException.invalid(credential, "url moves the endpoint to another origin (scheme, host or port), "
                    + "where a stored credential is not sent: send auth again with " + credential + " in clear, or "
                    + "auth null");
        }
    }

    /** What the API shows: null when the endpoint has no auth. */
    public Map<String, Object> shown(UUID endpointId, String stored) {
        return stored == null ? null : open(endpointId, stored).shown();
    }

    EndpointAuth parse(JsonNode node, EndpointAuth current) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw ProblemException.invalid("auth", "auth must be an object with a type (basic, bearer, oauth2, mtls), or null");
        }
        JsonNode typeNode = node.get("type");
        String type = typeNode == null || !typeNode.isTextual() ? null : typeNode.textValue();
        if (type == null || !FIELDS.containsKey(type)) {
            throw ProblemException.invalid("auth.type", "auth.type must be one of basic, bearer, oauth2, mtls");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.get(type).contains(name)) {
                throw ProblemException.invalid("auth." + name, "auth." + name + " is not a field of " + type
                        + " auth; allowed: " + String.join(", ", FIELDS.get(type)));
            }
        }
        Map<String, String> kept = current != null && current.type().equals(type) ? current.stored() : Map.of();
        return switch (type) {
            case "basic" -> {
                String username = text(node, "username", 256, true, kept);
                if (username.contains(":")) {
                    throw ProblemException.invalid("auth.username", "auth.username must not contain ':' (RFC 7617)");
                }
                yield new EndpointAuth.Basic(username, text(node, "password", 1024, true, kept));
            }
            case "bearer" -> {
                String token = text(node, "token", 4096, true, kept);
                if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                    throw ProblemException.invalid("auth.token", "auth.token must be visible ASCII without spaces");
                }
                yield new EndpointAuth.Bearer(token);
            }
            case "oauth2" -> new EndpointAuth.OAuth2(
                    urlValidator.validate(text(node, "tokenUrl", 2048, true, kept), "auth.tokenUrl"),
                    text(node, "clientId", 512, true, kept),
                    text(node, "clientSecret", 4096, true, kept),
                    text(node, "scope", 1024, false, kept));
            default -> {
                EndpointAuth.Mtls mtls = new EndpointAuth.Mtls(pem(node, "certificate", kept), pem(node, "privateKey", kept));
                try {
                    PemCredentials.keyStore(mtls);
                } catch (PemCredentials.UnreadablePemException e) {
                    throw ProblemException.invalid(e.field(), e.getMessage());
                }
                yield mtls;
            }
        };
    }

    /**
     * A credential kept by its mask goes on to the origins it went to, no further: the endpoint's url
     * for every type, and for OAuth2 also the token URL, where the client secret itself is sent (the
     * access token it buys goes to the url).
     */
    private static void requireSentAgainWhereItMoves(JsonNode node, EndpointAuth current, EndpointAuth auth,
            boolean toAnotherOrigin) {
        if (current == null || !current.type().equals(auth.type())) {
            return;
        }
        String credential = CREDENTIALS.get(auth.type());
        if (!EndpointAuth.MASK.equals(node.path(credential).textValue())) {
            return;
        }
        boolean tokenUrlMoves = auth instanceof EndpointAuth.OAuth2 oauth2
                && !UrlOrigins.same(((EndpointAuth.OAuth2) current).tokenUrl(), oauth2.tokenUrl());
        if (toAnotherOrigin || tokenUrlMoves) {
            throw ProblemException.invalid("auth." + credential, "auth." + credential + " is " + EndpointAuth.MASK
                    + ", but " + (tokenUrlMoves ? "auth.tokenUrl" : "url") + " moves to another origin (scheme, host "
                    + "or port), where a stored credential is not sent: send it again in clear");
        }
    }

    private static String pem(JsonNode node, String name, Map<String, String> kept) {
        JsonNode value = node.get(name);
        if (value != null && value.isTextual() && EndpointAuth.MASK.equals(value.textValue()) && kept.containsKey(name)) {
            return kept.get(name);
        }
        if (value == null || !value.isTextual() || value.textValue().isBlank() || value.textValue().length() > MAX_PEM_CHARS) {
            throw ProblemException.invalid("auth." + name, "auth." + name + " is required: PEM text of at most "
                    + MAX_PEM_CHARS + " characters");
        }
        return value.textValue();
    }

    /** A single-line text field; the mask keeps the stored value. */
    private static String text(JsonNode node, String name, int maxLength, boolean required, Map<String, String> kept) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                throw ProblemException.invalid("auth." + name, "auth." + name + " is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw ProblemException.invalid("auth." + name, "auth." + name + " must be a string");
        }
        String text = value.textValue();
        if (EndpointAuth.MASK.equals(text) && kept.containsKey(name)) {
            return kept.get(name);
        }
        if ((required && text.isEmpty()) || text.length() > maxLength || !text.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            throw ProblemException.invalid("auth." + name, "auth." + name + " must be a single-line string of 1 to "
                    + maxLength + " characters");
        }
        return text;
    }
}
