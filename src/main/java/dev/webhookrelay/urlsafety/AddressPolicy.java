package dev.webhookrelay.urlsafety;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Which addresses a delivery may connect to. Everything that is not the public internet is refused
 * (loopback, RFC 1918, link-local and cloud metadata, CGNAT, multicast, unspecified, IPv6 ULA and
 * link-local), including IPv4-mapped and IPv4-compatible IPv6 forms, unless an operator allows a
 * network explicitly.
 */
public final class AddressPolicy {

    private static final List<Cidr> BLOCKED = List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
            "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
            "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8", "64:ff9b::/96", "2001:db8::/32")
            .stream().map(Cidr::parse).toList();

    private final List<Cidr> allowed;

    public AddressPolicy(List<String> allowedNetworks) {
        this.allowed = allowedNetworks == null ? List.of()
                : allowedNetworks.stream().filter(s -> !s.isBlank()).map(Cidr::parse).toList();
    }

    /** The reason the address is refused, or null when a delivery may connect to it. */
    public String refusal(InetAddress address) {
        InetAddress effective = unwrapIpv4(address);
        if (allowed.stream().anyMatch(c -> c.contains(effective) || c.contains(address))) {
            return null;
        }
        for (Cidr blocked : BLOCKED) {
            if (blocked.contains(effective)) {
                return effective.getHostAddress() + " is in blocked network "
                        + describe(blocked) + " (not a public address)";
            }
        }
        return null;
    }

    /** IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses reach the IPv4 host. */
    static InetAddress unwrapIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] bytes = address.getAddress();
        boolean firstTenZero = Arrays.equals(Arrays.copyOf(bytes, 10), new byte[10]);
        boolean mapped = firstTenZero && bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
        boolean compatible = firstTenZero && bytes[10] == 0 && bytes[11] == 0
                && !(bytes[12] == 0 && bytes[13] == 0 && bytes[14] == 0 && (bytes[15] == 0 || bytes[15] == 1));
        if (!mapped && !compatible) {
            return address;
        }
        try {
            return Inet4Address.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(Cidr cidr) {
        try {
            return InetAddress.getByAddress(cidr.network()).getHostAddress() + "/" + cidr.prefixLength();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
