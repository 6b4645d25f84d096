package dev.webhookrelay.urlsafety;

import java.net.URI;
import java.util.Optional;

import inet.ipaddr.IPAddress;

/**
 * Judges the host of a delivery target as written in its URL. A host name is left to whoever
 * resolves it (the connect-time guard, or the egress proxy); an IP literal is judged here, because
 * through an egress proxy the relay never connects to the target itself and the proxy is the only
 * other line of defence. Used at registration and again at send time, so rows stored before a
 * policy change, or written straight into the database, cannot get round it.
 */
public final class TargetAddressGuard {

    private final AddressPolicy policy;

    public TargetAddressGuard(AddressPolicy policy) {
        this.policy = policy;
    }

    /** The reason a delivery must not be sent to this URL, or null when its host may be tried. */
    public String refusal(URI target) {
        String host = target.getHost();
        if (host == null || host.isBlank()) {
            return "the URL has no valid host";
        }
        Optional<IPAddress> literal;
        try {
            literal = HostLiterals.address(host);
        } catch (IllegalArgumentException invalid) {
            return invalid.getMessage();
        }
        if (literal.isEmpty()) {
            return null;
        }
        String refused = policy.refusal(literal.get());
        if (refused == null && !HostLiterals.isCanonical(host, literal.get())) {
            return host + " is an ambiguous way to write " + literal.get().toCanonicalString() + "; write that instead";
        }
        return refused;
    }
}
