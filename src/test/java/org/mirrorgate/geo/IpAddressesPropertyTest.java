package org.mirrorgate.geo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Any text parses to an address or fails with the fixed message shape; real addresses round-trip. */
class IpAddressesPropertyTest {

    @Provide
    Arbitrary<String> addressLikeTexts() {
        Arbitrary<String> pieces = Arbitraries.of("1", "255", "256", "0", "00", ".", ":", "::", "ffff", "db8",
                "%eth0", "[", "]", "a", "g", " ", "-", "example.org", "\u00e9", "12345");
        return Arbitraries.oneOf(pieces.list().ofMaxSize(14).map(l -> String.join("", l)),
                Arbitraries.strings().ofMaxLength(60));
    }

    @Property(tries = 3000, seed = "13")
    void anyTextIsAnAddressOrAClearError(@ForAll("addressLikeTexts") String text) {
        InetAddress a;
        try {
            a = IpAddresses.parse(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("ip: ").contains("(expected: ").doesNotContain("\n");
            assertThat(e.getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7f)).isTrue();
            return;
        }
        assertThat(a).isInstanceOfAny(Inet4Address.class, Inet6Address.class);
        assertThat(text).hasSizeLessThanOrEqualTo(IpAddresses.MAX_LENGTH).doesNotContain("%", "[", "]");
    }

    @Property(tries = 1000, seed = "13")
    void everyIpv4AddressRoundTripsAlsoInItsMappedIpv6Form(@ForAll @Size(4) byte[] bytes) throws UnknownHostException {
        InetAddress expected = InetAddress.getByAddress(bytes);
        assertThat(IpAddresses.parse(expected.getHostAddress())).isEqualTo(expected);
        assertThat(IpAddresses.parse("::ffff:" + expected.getHostAddress())).isEqualTo(expected);
    }

    @Property(tries = 1000, seed = "13")
    void everyIpv6AddressRoundTrips(@ForAll @Size(16) byte[] bytes) throws UnknownHostException {
        InetAddress a = IpAddresses.unmapped(Inet6Address.getByAddress(null, bytes, null));
        assertThat(IpAddresses.parse(a.getHostAddress())).isEqualTo(a);
    }
}
