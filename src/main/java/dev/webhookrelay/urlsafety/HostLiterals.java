package dev.webhookrelay.urlsafety;

import java.util.Optional;
import java.util.regex.Pattern;

import inet.ipaddr.AddressStringParameters.RangeParameters;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;

/**
 * Reads a URL's host the way the most permissive resolver would. glibc, curl and the WHATWG URL
 * standard take a host whose last label is a number as an IPv4 address in inet_aton form
 * ({@code 2130706433}, {@code 0x7f.1}, {@code 0177.0.0.1} are all 127.0.0.1), while Java reads some of
 * them differently or not at all: the relay must judge the address that anything downstream would
 * reach, and accepts only the canonical dotted form so that no two readers can disagree.
 */
final class HostLiterals {

    /** The WHATWG "ends in a number" test: such a host is an IPv4 address or invalid, never a name. */
    private static final Pattern ENDS_IN_A_NUMBER = Pattern.compile("(?i)(.*\\.)?(0x[0-9a-f]*|[0-9]+)\\.?");

    private static final IPAddressStringParameters INET_ATON = new IPAddressStringParameters.Builder()
            .allowEmpty(false).allowPrefix(false).allowMask(false).allowIPv6(false)
            .allowWildcardedSeparator(false).setRangeOptions(RangeParameters.NO_RANGE)
            .allowSingleSegment(true).allow_inet_aton(true)
            .getIPv4AddressParametersBuilder()
            .allow_inet_aton_hex(true).allow_inet_aton_octal(true).allow_inet_aton_joined_segments(true)
            .allowLeadingZeros(true).getParentBuilder()
            .toParams();

    private static final IPAddressStringParameters IPV6_LITERAL = new IPAddressStringParameters.Builder()
            .allowEmpty(false).allowPrefix(false).allowMask(false).allowIPv4(false)
            .allowWildcardedSeparator(false).setRangeOptions(RangeParameters.NO_RANGE)
            .toParams();

    private HostLiterals() {
    }

    /**
     * The address a host names, or empty for a DNS name (judged by whoever resolves it).
     *
     * @throws IllegalArgumentException for a host that looks like an address but is none
     */
    static Optional<IPAddress> address(String host) {
        if (host.startsWith("[") && host.endsWith("]")) {
            return Optional.of(parse(host.substring(1, host.length() - 1), IPV6_LITERAL, host));
        }
        if (ENDS_IN_A_NUMBER.matcher(host).matches()) {
            String withoutRootDot = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
            return Optional.of(parse(withoutRootDot, INET_ATON, host));
        }
        return Optional.empty();
    }

    /** Whether the host is written the one way every reader parses alike (IPv4: a.b.c.d in decimal). */
    static boolean isCanonical(String host, IPAddress address) {
        return address.isIPv6() || address.toCanonicalString().equals(host);
    }

    private static IPAddress parse(String text, IPAddressStringParameters rules, String host) {
        IPAddress address = new IPAddressString(text, rules).getAddress();
        if (address == null) {
            throw new IllegalArgumentException(host + " is neither a host name nor a valid IP address");
        }
        return address;
    }
}
