package org.mirrorgate.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlPathsTest {

    @Test
    void keepsRfc3986PathCharactersAndEncodesTheRest() {
        assertThat(UrlPaths.url("https://m.example.org/debian/", "pool/main/g/gcc/g++_1:12~rc1.deb"))
                .isEqualTo("https://m.example.org/debian/pool/main/g/gcc/g++_1:12~rc1.deb");
        assertThat(UrlPaths.url("http://m/", "a b?c#d%e\"f<g>"))
                .isEqualTo("http://m/a%20b%3Fc%23d%25e%22f%3Cg%3E");
        assertThat(UrlPaths.url("http://m/", "straße/日本.iso")).isEqualTo("http://m/stra%C3%9Fe/%E6%97%A5%E6%9C%AC.iso");
    }

    @Test
    void nothingInAFileNameCanEndTheHeaderLineOrChangeTheHost() {
        String url = UrlPaths.url("http://m.example.org/", "x\r\nSet-Cookie: a=b\\//@evil.example/");
        assertThat(url).startsWith("http://m.example.org/").doesNotContain("\r").doesNotContain("\n")
                .doesNotContain("\\").doesNotContain(" ");
        assertThat(url).isEqualTo("http://m.example.org/x%0D%0ASet-Cookie:%20a=b%5C//@evil.example/");
    }
}
