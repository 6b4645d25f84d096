package dev.webhookrelay.urlsafety;

import java.net.InetAddress;
import java.util.List;
import java.util.function.Predicate;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressNetwork.IPAddressGenerator;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;

/**
 * Which addresses a delivery may connect to: the public internet only, unless an operator allows a
 * network explicitly. Classification is the ipaddress library's; the only ranges named here are
 * IANA special-purpose blocks it has no predicate for. IPv6 forms that carry an IPv4 address to a
 * translator (IPv4-mapped, NAT64 64:ff9b::/96) are judged by that IPv4 address; every other
 * transition form (6to4, Teredo, IPv4-compatible, IPv4-translated, local-use NAT64) is refused,
 * because the relay cannot tell where the translator would send it.
 */
public final class AddressPolicy {

    private static final IPAddressGenerator FROM_INET = new IPAddressGenerator();

    private record Rule(String name, Predicate<IPAddress> matches) {

        static Rule in(String name, String... networks) {
            List<IPAddress> blocks = List.of(networks).stream().map(AddressPolicy::network).toList();
            return new Rule(name + " " + String.join(", ", networks), a -> blocks.stream().anyMatch(b -> b.contains(a)));
        }

        static Rule outside(String name, String network) {
            IPAddress block = network(network);
            return new Rule("outside " + name + " " + network, a -> !block.contains(a));
        }
    }

    private static final List<Rule> IPV4_REFUSED = List.of(
            new Rule("unspecified", IPAddress::isAnyLocal),
            new Rule("loopback", IPAddress::isLoopback),
            new Rule("private (RFC 1918)", a -> ((IPv4Address) a).isPrivate()),
            new Rule("link-local (cloud metadata)", IPAddress::isLinkLocal),
            new Rule("multicast", IPAddress::isMulticast),
            Rule.in("\"this network\"", "0.0.0.0/8"),
            Rule.in("shared address space (CGNAT)", "100.64.0.0/10"),
            Rule.in("IETF protocol assignments", "192.0.0.0/24"),
            Rule.in("documentation", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"),
            Rule.in("6to4 relay anycast", "192.88.99.0/24"),
            Rule.in("benchmarking", "198.18.0.0/15"),
            Rule.in("reserved and broadcast", "240.0.0.0/4"));

    private static final List<Rule> IPV6_REFUSED = List.of(
            new Rule("unspecified", IPAddress::isAnyLocal),
            new Rule("loopback", IPAddress::isLoopback),
            new Rule("IPv4-compatible (deprecated)", a -> ((IPv6Address) a).isIPv4Compatible()),
            new Rule("IPv4-translated ::ffff:0:0:0/96", a -> ((IPv6Address) a).isIPv4Translatable()),
            new Rule("link-local", IPAddress::isLinkLocal),
            new Rule("site-local fec0::/10", a -> ((IPv6Address) a).isSiteLocal()),
            new Rule("unique local fc00::/7", a -> ((IPv6Address) a).isUniqueLocal()),
            new Rule("multicast", IPAddress::isMulticast),
            new Rule("6to4 2002::/16", a -> ((IPv6Address) a).is6To4()),
            new Rule("Teredo 2001::/32", a -> ((IPv6Address) a).isTeredo()),
            Rule.in("local-use NAT64", "64:ff9b:1::/48"),
            Rule.in("discard-only", "100::/64"),
            Rule.in("benchmarking", "2001:2::/48"),
            Rule.in("ORCHID", "2001:10::/28", "2001:20::/28"),
            Rule.in("documentation", "2001:db8::/32", "3fff::/20"),
            Rule.in("segment routing SIDs", "5f00::/16"),
            Rule.outside("global unicast", "2000::/3"));

    private final List<IPAddress> allowed;

    public AddressPolicy(List<String> allowedNetworks) {
        this.allowed = allowedNetworks == null ? List.of()
                : allowedNetworks.stream().filter(s -> !s.isBlank()).map(AddressPolicy::network).toList();
    }

    /** The reason the address is refused, or null when a delivery may connect to it. */
    public String refusal(InetAddress address) {
        return refusal(FROM_INET.from(address));
    }

    /** The reason the address is refused, or null when a delivery may connect to it. */
    public String refusal(IPAddress address) {
        if (allowed.stream().anyMatch(network -> network.contains(address))) {
            return null;
        }
        if (address instanceof IPv6Address ipv6 && (ipv6.isIPv4Mapped() || ipv6.isWellKnownIPv4Translatable())) {
            return refusal(ipv6.getEmbeddedIPv4Address());
        }
        for (Rule rule : address.isIPv4() ? IPV4_REFUSED : IPV6_REFUSED) {
            if (rule.matches().test(address)) {
                return address.toCanonicalString() + " is " + rule.name() + " (not a public address)";
            }
        }
        return null;
    }

    /** A CIDR such as 10.0.0.0/8, or a single address, as the block it names. */
    static IPAddress network(String cidr) {
        IPAddress parsed = new IPAddressString(cidr.trim()).getAddress();
        if (parsed == null) {
            throw new IllegalArgumentException("Not an IP network: " + cidr);
        }
        return parsed.toPrefixBlock();
    }
}
