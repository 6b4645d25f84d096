package dev.webhookrelay.urlsafety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressPolicyAllowsOnlyPublicAddressesTest {

    private final AddressPolicy strict = new AddressPolicy(List.of());

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            // IPv4: the public internet, including the neighbours of every refused block
            "8.8.8.8, allowed",
            "1.1.1.1, allowed",
            "93.184.216.34, allowed",
            "9.255.255.255, allowed",
            "11.0.0.1, allowed",
            "100.63.255.255, allowed",
            "100.128.0.1, allowed",
            "172.15.255.255, allowed",
            "172.32.0.1, allowed",
            "192.167.255.255, allowed",
            "192.169.0.1, allowed",
            "198.17.255.255, allowed",
            "198.20.0.1, allowed",
            "223.255.255.254, allowed",
            // IPv4: everything else
            "0.0.0.0, refused",
            "0.1.2.3, refused",
            "10.0.0.1, refused",
            "10.255.255.255, refused",
            "100.64.0.1, refused",
            "100.127.255.254, refused",
            "127.0.0.1, refused",
            "127.255.255.254, refused",
            "169.254.169.254, refused",
            "169.254.0.1, refused",
            "172.16.0.1, refused",
            "172.31.255.255, refused",
            "192.0.0.8, refused",
            "192.0.2.1, refused",
            "192.88.99.1, refused",
            "192.168.0.1, refused",
            "192.168.255.255, refused",
            "198.18.0.1, refused",
            "198.19.255.255, refused",
            "198.51.100.7, refused",
            "203.0.113.9, refused",
            "224.0.0.1, refused",
            "239.255.255.250, refused",
            "240.0.0.1, refused",
            "255.255.255.255, refused",
            // IPv6: global unicast
            "2606:4700:4700::1111, allowed",
            "2001:4860:4860::8888, allowed",
            "2a00:1450:4001:80b::200e, allowed",
            "2c0f:fb50:4003::1, allowed",
            // IPv4 carried to a translator: judged by the IPv4 address
            "::ffff:8.8.8.8, allowed",
            "::ffff:127.0.0.1, refused",
            "::ffff:10.0.0.1, refused",
            "::ffff:169.254.169.254, refused",
            "::ffff:7f00:1, refused",
            "64:ff9b::8.8.8.8, allowed",
            "64:ff9b::808:808, allowed",
            "64:ff9b::10.0.0.1, refused",
            "64:ff9b::127.0.0.1, refused",
            "64:ff9b::169.254.169.254, refused",
            // IPv6: everything else
            "::, refused",
            "::1, refused",
            "::127.0.0.1, refused",
            "::8.8.8.8, refused",
            "::ffff:0:127.0.0.1, refused",
            "::ffff:0:8.8.8.8, refused",
            "64:ff9b:1::8.8.8.8, refused",
            "64:ff9b:1::a00:1, refused",
            "2002:7f00:1::1, refused",
            "2002:808:808::1, refused",
            "2001::1, refused",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2, refused",
            "fec0::1, refused",
            "fefe::1, refused",
            "fc00::1, refused",
            "fd12:3456::1, refused",
            "fe80::1, refused",
            "febf::1, refused",
            "ff02::1, refused",
            "ff0e::1, refused",
            "2001:db8::1, refused",
            "3fff::1, refused",
            "100::1, refused",
            "2001:2::1, refused",
            "2001:10::1, refused",
            "2001:20::1, refused",
            "5f00::1, refused",
            "4000::1, refused",
            "1::1, refused",
    })
    void judgesEachAddress(String address, String expected) throws Exception {
        String refusal = strict.refusal(InetAddress.getByName(address));
        if (expected.equals("allowed")) {
            assertThat(refusal).as(address).isNull();
        } else {
            assertThat(refusal).as(address).isNotNull().contains("not a public address");
        }
    }

    @Test
    void aRefusalNamesTheKindOfAddress() throws Exception {
        assertThat(strict.refusal(InetAddress.getByName("100.64.0.1"))).contains("CGNAT");
        assertThat(strict.refusal(InetAddress.getByName("64:ff9b::a00:1"))).contains("10.0.0.1", "RFC 1918");
        assertThat(strict.refusal(InetAddress.getByName("2001::1"))).contains("Teredo");
        assertThat(strict.refusal(InetAddress.getByName("2002::1"))).contains("6to4");
    }

    @Test
    void allowedNetworksOpenAHoleOnlyWhereConfigured() throws Exception {
        AddressPolicy dev = new AddressPolicy(List.of("127.0.0.1/32", "10.1.0.0/16", ""));
        assertThat(dev.refusal(InetAddress.getByName("127.0.0.1"))).isNull();
        assertThat(dev.refusal(InetAddress.getByName("::ffff:127.0.0.1"))).isNull();
        assertThat(dev.refusal(InetAddress.getByName("10.1.200.3"))).isNull();
        assertThat(dev.refusal(InetAddress.getByName("127.0.0.2"))).isNotNull();
        assertThat(dev.refusal(InetAddress.getByName("10.0.0.1"))).isNotNull();
        assertThat(dev.refusal(InetAddress.getByName("::1"))).isNotNull();
    }

    @Test
    void anAllowedNetworkThatIsNoNetworkStopsTheStart() {
        assertThatThrownBy(() -> new AddressPolicy(List.of("localhost"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void guardedResolverRefusesAHostNameThatResolvesToLoopback() {
        GuardedDnsResolver resolver = new GuardedDnsResolver(strict);
        assertThatThrownBy(() -> resolver.resolve("localhost")).isInstanceOf(BlockedAddressException.class)
                .hasMessageContaining("Refused to connect to localhost");
        assertThatThrownBy(() -> resolver.resolve("127.0.0.1")).isInstanceOf(BlockedAddressException.class);
        assertThatThrownBy(() -> resolver.resolve("::ffff:127.0.0.1")).isInstanceOf(BlockedAddressException.class);
        assertThatThrownBy(() -> resolver.resolve("2130706433")).isInstanceOf(BlockedAddressException.class);
    }
}
