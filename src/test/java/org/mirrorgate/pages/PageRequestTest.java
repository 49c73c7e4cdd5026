package org.mirrorgate.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mirrorgate.index.Digest;

class PageRequestTest {

    @Test
    void theFirstKeyNamingAPageWinsWhateverItsCaseOrValue() {
        assertThat(PageRequest.ofQuery("x=1&MirrorList")).isEqualTo(PageRequest.MIRROR_LIST_HTML);
        assertThat(PageRequest.ofQuery("meta4=yes&sha256")).isEqualTo(PageRequest.METALINK);
        assertThat(PageRequest.ofQuery("SHA1")).isEqualTo(new PageRequest(PageRequest.Kind.CHECKSUM, Digest.SHA1));
    }

    @Test
    void theMirrorListComesAsHtmlJsonOrTextAndJsonWhenAcceptAsksForIt() {
        assertThat(PageRequest.ofQuery("mirrorlist=JSON")).isEqualTo(PageRequest.MIRROR_LIST_JSON);
        assertThat(PageRequest.ofQuery("mirrorlist=text")).isEqualTo(PageRequest.MIRROR_LIST);
        assertThat(PageRequest.ofQuery("mirrorlist", true)).isEqualTo(PageRequest.MIRROR_LIST_JSON);
        assertThat(PageRequest.ofQuery("mirrorlist=text", true)).as("an explicit format wins").isEqualTo(PageRequest.MIRROR_LIST);
        assertThat(PageRequest.ofQuery("sha256", true)).isEqualTo(new PageRequest(PageRequest.Kind.CHECKSUM, Digest.SHA256));
        assertThat(PageRequest.fromip("mirrorlist&fromip=2001%3Adb8%3A%3A1")).isEqualTo("2001:db8::1");
        assertThat(PageRequest.fromip("mirrorlist")).isNull();
    }

    @Test
    void fileinfoComesAsHtmlOrJsonAndJsonWhenAcceptPrefersIt() {
        assertThat(PageRequest.ofQuery("fileinfo")).isEqualTo(PageRequest.FILE_INFO_HTML);
        assertThat(PageRequest.ofQuery("FileInfo=JSON")).isEqualTo(PageRequest.FILE_INFO_JSON);
        assertThat(PageRequest.ofQuery("fileinfo", "application/json")).isEqualTo(PageRequest.FILE_INFO_JSON);
        assertThat(PageRequest.ofQuery("fileinfo=json", "text/html")).as("an explicit format wins")
                .isEqualTo(PageRequest.FILE_INFO_JSON);
        assertThat(PageRequest.ofQuery("mirrorlist=text", "application/json")).isEqualTo(PageRequest.MIRROR_LIST);
        assertThat(PageRequest.ofQuery("meta4", "application/json")).isEqualTo(PageRequest.METALINK);
    }

    @Test
    void acceptPrefersJsonOnAHigherQOrAMoreSpecificMatchNeverOnATie() {
        // curl -H, axios, a client ranking JSON first
        assertThat(AcceptHeader.prefersJson("application/json")).isTrue();
        assertThat(AcceptHeader.prefersJson("application/json, text/plain, */*")).isTrue();
        assertThat(AcceptHeader.prefersJson("text/html;q=0.5, application/json")).isTrue();
        assertThat(AcceptHeader.prefersJson("application/*")).isTrue();
        assertThat(AcceptHeader.prefersJson(" Application/JSON ; Q=0.9 ")).isTrue();
        // a browser, curl's default, none, ties, refusals
        assertThat(AcceptHeader.prefersJson("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
                + "image/webp,*/*;q=0.8")).isFalse();
        assertThat(AcceptHeader.prefersJson("*/*")).isFalse();
        assertThat(AcceptHeader.prefersJson("")).isFalse();
        assertThat(AcceptHeader.prefersJson("text/html, application/json")).isFalse();
        assertThat(AcceptHeader.prefersJson("application/json;q=0")).isFalse();
        assertThat(AcceptHeader.prefersJson("application/jsonx, application/json-seq")).isFalse();
        // unreadable q-values skip their range; an overlong value is not read at all
        assertThat(AcceptHeader.prefersJson("application/json;q=abc")).isFalse();
        assertThat(AcceptHeader.prefersJson("application/json;q=NaN, text/html;q=0.1")).isFalse();
        assertThat(AcceptHeader.prefersJson("application/json;q=2")).isFalse();
        assertThat(AcceptHeader.prefersJson(",,;;=,application/json")).isTrue();
        assertThat(AcceptHeader.prefersJson("application/json," + "x".repeat(AcceptHeader.MAX_LENGTH))).isFalse();
    }

    @Test
    void theMirrorStatsComeAsHtmlOrJsonAndJsonWhenAcceptAsksForIt() {
        assertThat(PageRequest.ofQuery("mirrorstats")).isEqualTo(PageRequest.MIRROR_STATS_HTML);
        assertThat(PageRequest.ofQuery("MirrorStats=Json")).isEqualTo(PageRequest.MIRROR_STATS_JSON);
        assertThat(PageRequest.ofQuery("mirrorstats=other")).isEqualTo(PageRequest.MIRROR_STATS_HTML);
        assertThat(PageRequest.ofQuery("mirrorstats", true)).isEqualTo(PageRequest.MIRROR_STATS_JSON);
        assertThat(PageRequest.MIRROR_STATS_JSON.isMirrorStats()).isTrue();
        assertThat(PageRequest.MIRROR_LIST_HTML.isMirrorStats()).isFalse();
        assertThat(PageRequest.ofQuery("mirrorstatsx")).isNull();
    }

    @Test
    void thePublicListPathIsAPlainFileUnderThePrefix() {
        assertThat(PageSettings.mirrorsJsonPath("/mirrors.json")).isEqualTo("mirrors.json");
        assertThat(PageSettings.mirrorsJsonPath("/project/mirrors.json")).isEqualTo("project/mirrors.json");
        for (String bad : new String[] {"mirrors.json", "/", "/a/", "/a//b", "/../x", "/a/./b", "/x?y", "/x#y", "/a b",
                "/%2e%2e"}) {
            assertThat(PageSettings.mirrorsJsonPath(bad)).as(bad).isNull();
        }
        assertThatThrownBy(() -> new PageSettings(null, java.util.List.of(), "../x"))
                .hasMessageContaining("mirrorsJson: ../x (expected: a file path under the URL prefix");
    }

    @Test
    void aQueryNamingNoPageIsADownload() {
        assertThat(PageRequest.ofQuery("")).isNull();
        assertThat(PageRequest.ofQuery("utm_source=x&mirrorlistx")).isNull();
    }

    @Test
    void aMeta4PathNamesTheMetalinkOfTheFileWithoutTheSuffix() {
        assertThat(PageRequest.metalinkTarget("pool/a.deb.meta4")).isEqualTo("pool/a.deb");
        assertThat(PageRequest.metalinkTarget("pool/a.deb")).isNull();
    }

    @Test
    void onlyAChecksumCarriesADigest() {
        assertThatThrownBy(() -> new PageRequest(PageRequest.Kind.CHECKSUM, null))
                .hasMessage("digest: null (expected: set for CHECKSUM only)");
        assertThatThrownBy(() -> new PageRequest(PageRequest.Kind.METALINK, Digest.MD5))
                .hasMessage("digest: MD5 (expected: set for CHECKSUM only)");
    }
}
