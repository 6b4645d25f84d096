package dev.webhookrelay.auth;

import java.util.UUID;

import org.apache.camel.Exchange;

/**
 * Who made an API request, as the authenticators establish it in the exchange property {@link #ACTOR},
 * which the API's beans take as their actor: the id of the tenant's API key, or {@code admin} for the
 * admin token. The web console passes its user as the actor instead (console.ConsoleScope). The audit
 * trail records it as the actor of every change.
 */
public final class Caller {

    public static final String ACTOR = "relayActor";
    public static final String ADMIN = "admin";

    private Caller() {
    }

    static void identifyKey(Exchange exchange, UUID keyId) {
        exchange.setProperty(ACTOR, keyId.toString());
    }

    static void identifyAdmin(Exchange exchange) {
        exchange.setProperty(ACTOR, ADMIN);
    }
}
