package org.mirrorgate.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CombinedLogTest {

    private final CombinedLog log = new CombinedLog();

    @Test
    void readsNginxsDefaultLine() throws Exception {
        LogRequest r = log.parse("203.0.113.9 - - [04/Dec/2026:17:46:33 +0100] \"GET /debian/pool/a.deb HTTP/1.1\""
                + " 302 154 \"-\" \"Debian APT-HTTP/1.3 (2.6.1)\"");
        assertThat(r.ip()).isEqualTo("203.0.113.9");
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.path()).isEqualTo("/debian/pool/a.deb");
        assertThat(r.query()).isEmpty();
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.bytes()).isEqualTo(154);
        assertThat(Instant.ofEpochMilli(r.timeMillis())).isEqualTo(Instant.parse("2026-12-04T16:46:33Z"));
    }

    @Test
    void decodesThePathAsNginxsUriAndKeepsTheQueryRaw() throws Exception {
        LogRequest r = log.parse("2001:db8::1 - bob [04/Dec/2026:17:46:33 -0030] \"HEAD /debian/a%20b/c%2Bd+e"
                + "/\\xC3\\xA9t%C3%A9.deb?mirrorlist&x=%20 HTTP/2.0\" 200 - \"-\" \"-\"");
        assertThat(r.ip()).isEqualTo("2001:db8::1");
        assertThat(r.method()).isEqualTo("HEAD");
        assertThat(r.path()).isEqualTo("/debian/a b/c+d+e/\u00e9t\u00e9.deb");
        assertThat(r.query()).isEqualTo("mirrorlist&x=%20");
        assertThat(r.bytes()).isZero();
        assertThat(Instant.ofEpochMilli(r.timeMillis())).isEqualTo(Instant.parse("2026-12-04T18:16:33Z"));
    }

    @Test
    void readsTheAbsoluteFormAndHttp09AndTheCommonFormat() throws Exception {
        assertThat(log.parse("192.0.2.1 - - [04/Dec/2026:17:46:33 +0000] \"GET http://deb.example.org/debian/x"
                + " HTTP/1.1\" 200 5").path()).isEqualTo("/debian/x");
        assertThat(log.parse("192.0.2.1 - - [04/Dec/2026:17:46:33 +0000] \"GET /debian/x\" 200 5").path())
                .isEqualTo("/debian/x");
    }

    @Test
    void refusesWhatIsNoRequestWithAReason() {
        assertThatThrownBy(() -> log.parse("192.0.2.1 - - [04/Dec/2026:17:46:33 +0000] \"-\" 400 0"))
                .hasMessage("request line without a path: \"-\"");
        assertThatThrownBy(() -> log.parse("192.0.2.1 - - [04/Dec/2026:17:46:33 +0000] \"GET /a%zz HTTP/1.1\" 200 1"))
                .hasMessage("path: bad escape at offset 2 in /a%zz");
        assertThatThrownBy(() -> log.parse("192.0.2.1 - - [04/Dec/2026:17:46:33 +0000] \"GET /a HTTP/1.1\" 2x0 1"))
                .hasMessage("status: 2x0 (expected: a number)");
        assertThatThrownBy(() -> log.parse("192.0.2.1 - - [31/Feb/2026:17:46:33 +0000] \"GET /a HTTP/1.1\" 200 1"))
                .hasMessageStartingWith("time: 31/Feb/2026:17:46:33 +0000");
        assertThatThrownBy(() -> log.parse("192.0.2.1 - - [04/Dec/2026:17:46:33 +0000] \"GET /a HTTP/1.1\""))
                .hasMessage("no status and bytes after the request line");
    }
}
