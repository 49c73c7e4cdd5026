package org.mirrorgate.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressesTest {

    @Test
    void ipv4DottedQuadIsParsed() {
        assertThat(IpAddresses.parse("192.0.2.1")).isInstanceOf(Inet4Address.class)
                .extracting(a -> a.getHostAddress()).isEqualTo("192.0.2.1");
    }

    @Test
    void ipv6TextFormsAreParsed() {
        assertThat(IpAddresses.parse("2001:db8::1")).isInstanceOf(Inet6Address.class)
                .isEqualTo(IpAddresses.parse("2001:0DB8:0000:0000:0000:0000:0000:0001"));
        assertThat(IpAddresses.parse("::")).isInstanceOf(Inet6Address.class);
    }

    @Test
    void ipv4MappedIpv6AddressBecomesTheIpv4Address() {
        assertThat(IpAddresses.parse("::ffff:192.0.2.1")).isEqualTo(IpAddresses.parse("192.0.2.1"))
                .isInstanceOf(Inet4Address.class);
        assertThat(IpAddresses.parse("::ffff:c000:201")).isEqualTo(IpAddresses.parse("192.0.2.1"));
    }

    @Test
    void parsedAddressCarriesNoHostName() {
        assertThat(IpAddresses.parse("192.0.2.1").toString()).isEqualTo("/192.0.2.1");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "''                        | ip: \"\" (expected: an IPv4 or IPv6 address)",
        "example.org               | ip: example.org (expected: an IP address literal; host names are not resolved)",
        "localhost                 | ip: localhost (expected: an IP address literal; host names are not resolved)",
        "192.0.2.1:8080            | ip: 192.0.2.1:8080 (expected: an IP address without a port)",
        "[2001:db8::1]             | ip: [2001:db8::1] (expected: an IP address without brackets)",
        "[2001:db8::1]:443         | ip: [2001:db8::1]:443 (expected: an IP address without brackets)",
        "fe80::1%eth0              | ip: fe80::1%eth0 (expected: an IP address without a zone id)",
        "256.0.0.1                 | ip: 256.0.0.1 (expected: an IPv4 or IPv6 address)",
        "192.0.2                   | ip: 192.0.2 (expected: an IPv4 or IPv6 address)",
        "010.0.0.1                 | ip: 010.0.0.1 (expected: an IPv4 or IPv6 address)",
        "'192.0.2.1 '              | ip: 192.0.2.1  (expected: an IPv4 or IPv6 address)",
        "2001:db8::1::2            | ip: 2001:db8::1::2 (expected: an IPv4 or IPv6 address)",
        "2001:db8:0:0:0:0:0:0:1    | ip: 2001:db8:0:0:0:0:0:0:1 (expected: an IPv4 or IPv6 address)",
    })
    void nonLiteralsAreRefusedWithTheReason(String text, String message) {
        assertThatThrownBy(() -> IpAddresses.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void overLongTextIsRefusedAndShownShortened() {
        String longText = "1".repeat(100);

        assertThatThrownBy(() -> IpAddresses.parse(longText))
                .hasMessage("ip: " + "1".repeat(64) + "... (100 characters) (expected: an IP address of at most 45 characters)");
    }

    @Test
    void controlCharactersAreNotEchoedIntoMessages() {
        assertThatThrownBy(() -> IpAddresses.parse("1.2.3.4\r\nX-Injected: yes"))
                .hasMessage("ip: 1.2.3.4??X-Injected: yes (expected: an IPv4 or IPv6 address)");
    }

    @Test
    void nullIsAProgrammingError() {
        assertThatThrownBy(() -> IpAddresses.parse(null)).isInstanceOf(NullPointerException.class).hasMessage("text");
    }
}
