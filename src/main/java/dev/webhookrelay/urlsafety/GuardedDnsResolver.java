package dev.webhookrelay.urlsafety;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * The SSRF guard, in the HTTP client's connection path: the addresses a connection will actually
 * use are checked after resolution, at connect time, so DNS rebinding (a name that resolves to a
 * public address at registration and to 127.0.0.1 later) cannot get round it.
 */
public class GuardedDnsResolver implements DnsResolver {

    private final AddressPolicy policy;

    public GuardedDnsResolver(AddressPolicy policy) {
        this.policy = policy;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] resolved = SystemDefaultDnsResolver.INSTANCE.resolve(host);
        List<InetAddress> permitted = new ArrayList<>();
        String refusal = null;
        for (InetAddress address : resolved) {
            String reason = policy.refusal(address);
            if (reason == null) {
                permitted.add(address);
            } else {
                refusal = reason;
            }
        }
        if (permitted.isEmpty()) {
            throw new BlockedAddressException("Refused to connect to " + host + ": " + refusal);
        }
        return permitted.toArray(InetAddress[]::new);
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
    }
}
