package org.mirrorgate.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpPrefixTest {

    private static boolean contains(String prefix, String address) {
        return IpPrefix.parse(prefix).contains(IpAddresses.parse(address));
    }

    @Test
    void ipv4PrefixContainsItsAddressesOnly() {
        assertThat(contains("192.0.2.0/24", "192.0.2.0")).isTrue();
        assertThat(contains("192.0.2.0/24", "192.0.2.255")).isTrue();
        assertThat(contains("192.0.2.0/24", "192.0.3.0")).isFalse();
        assertThat(contains("192.0.2.128/25", "192.0.2.127")).isFalse();
        assertThat(contains("192.0.2.128/25", "192.0.2.200")).isTrue();
        assertThat(contains("10.0.0.0/9", "10.127.255.255")).isTrue();
        assertThat(contains("10.0.0.0/9", "10.128.0.0")).isFalse();
    }

    @Test
    void ipv6PrefixContainsItsAddressesOnly() {
        assertThat(contains("2001:db8::/32", "2001:db8:ffff::1")).isTrue();
        assertThat(contains("2001:db8::/32", "2001:db9::1")).isFalse();
        assertThat(contains("2001:db8::/33", "2001:db8:8000::")).isFalse();
        assertThat(contains("2001:db8::1/128", "2001:db8::1")).isTrue();
    }

    @Test
    void zeroLengthPrefixContainsEveryAddressOfItsFamilyOnly() {
        assertThat(contains("0.0.0.0/0", "203.0.113.9")).isTrue();
        assertThat(contains("0.0.0.0/0", "2001:db8::1")).isFalse();
        assertThat(contains("::/0", "2001:db8::1")).isTrue();
        assertThat(contains("::/0", "203.0.113.9")).isFalse();
    }

    @Test
    void ipv4MappedPrefixAndAddressesCountAsIpv4() {
        assertThat(IpPrefix.parse("::ffff:192.0.2.0/120")).isEqualTo(IpPrefix.parse("192.0.2.0/24"));
        assertThat(contains("192.0.2.0/24", "::ffff:192.0.2.9")).isTrue();
    }

    @Test
    void textIsCanonical() {
        assertThat(IpPrefix.parse("2001:0DB8:0:0::/32")).hasToString("2001:db8::/32");
        assertThat(IpPrefix.parse("192.0.2.0/24")).hasToString("192.0.2.0/24");
        assertThat(IpPrefix.parse("2001:db8::/32").isIpv6()).isTrue();
        assertThat(IpPrefix.parse("192.0.2.0/24").length()).isEqualTo(24);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "192.0.2.0/33       | prefix: 192.0.2.0/33 (expected: IPv4 prefix length 0..32)",
        "2001:db8::/129     | prefix: 2001:db8::/129 (expected: IPv6 prefix length 0..128)",
        "192.0.2.0/         | prefix: 192.0.2.0/ (expected: IPv4 prefix length 0..32)",
        "192.0.2.0/-1       | prefix: 192.0.2.0/-1 (expected: IPv4 prefix length 0..32)",
        "192.0.2.0/+24      | prefix: 192.0.2.0/+24 (expected: IPv4 prefix length 0..32)",
        "192.0.2.0/0024     | prefix: 192.0.2.0/0024 (expected: IPv4 prefix length 0..32)",
        "192.0.2.0/24/8     | prefix: 192.0.2.0/24/8 (expected: IPv4 prefix length 0..32)",
        "192.0.2.0          | prefix: 192.0.2.0 (expected: address/length, such as 192.0.2.0/24 or 2001:db8::/32)",
        "''                 | prefix: \"\" (expected: address/length, such as 192.0.2.0/24 or 2001:db8::/32)",
        "192.0.2.1/24       | prefix: 192.0.2.1/24 (expected: no host bits set, as in 192.0.2.0/24)",
        "2001:db8::1/32     | prefix: 2001:db8::1/32 (expected: no host bits set, as in 2001:db8::/32)",
        "example.org/24     | prefix: example.org/24 (expected: an IP address literal; host names are not resolved)",
        "/24                | prefix: /24 (expected: an IPv4 or IPv6 address)",
        "fe80::%eth0/64     | prefix: fe80::%eth0/64 (expected: an IP address without a zone id)",
        "::ffff:0:0/80      | prefix: ::ffff:0:0/80 (expected: IPv4-mapped prefix length 96..128)",
    })
    void malformedPrefixesAreRefusedWithTheReason(String text, String message) {
        assertThatThrownBy(() -> IpPrefix.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void equalPrefixesAreEqual() {
        assertThat(IpPrefix.parse("2001:db8::/32")).isEqualTo(IpPrefix.parse("2001:DB8::/32"))
                .hasSameHashCodeAs(IpPrefix.parse("2001:DB8::/32"))
                .isNotEqualTo(IpPrefix.parse("2001:db8::/33"));
    }
}
