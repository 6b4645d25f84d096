package dev.webhookrelay.auth;

import java.util.UUID;

import org.apache.camel.Exchange;

/**
 * Who made an API request, as the authenticators established it: the id of the tenant's API key,
 * {@code admin} for the admin token, or the web console's user. The audit trail records it as the actor of every change.
 */
public final class Caller {

    public static final String ACTOR = "relayActor";
    public static final String ADMIN = "admin";

    private Caller() {
    }

    public static String actorOf(Exchange exchange) {
        return exchange.getProperty(ACTOR, String.class);
    }

    /** A person in the web console: the operator's user name, or the tenant's portal link. */
    public static void identifyConsoleUser(Exchange exchange, String actor) {
        exchange.setProperty(ACTOR, actor);
    }

    static void identifyKey(Exchange exchange, UUID keyId) {
        exchange.setProperty(ACTOR, keyId.toString());
    }

    static void identifyAdmin(Exchange exchange) {
        exchange.setProperty(ACTOR, ADMIN);
    }
}
