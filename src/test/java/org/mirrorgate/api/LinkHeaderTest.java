package org.mirrorgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorgate.testing.TestMirror.mirror;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorgate.api.v1.ResolveResponse;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.rank.PathRules;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.rank.Ranker;
import org.mirrorgate.resolve.Decision;
import org.mirrorgate.resolve.ResolveSettings;
import org.mirrorgate.resolve.Resolver;
import org.mirrorgate.stats.DownloadRecorder;

class LinkHeaderTest {

    private static Decision.Alternate alt(String url, int priority, String country) {
        return new Decision.Alternate(url, priority, country, "m" + priority);
    }

    @Test
    void noAlternatesRenderAsAnEmptyValue() {
        assertThat(LinkHeader.render(List.of())).isEmpty();
    }

    @Test
    void oneAlternateIsOneRfc6249Entry() {
        assertThat(LinkHeader.render(List.of(alt("https://m2.example.org/debian/a.deb", 1, "de"))))
                .isEqualTo("<https://m2.example.org/debian/a.deb>; rel=duplicate; pri=1; geo=de");
    }

    @Test
    void alternatesAreJoinedByCommaInOrderWithTheirPriorities() {
        assertThat(LinkHeader.render(List.of(alt("http://m2.example.org/a", 1, "de"),
                alt("http://m3.example.net/a", 2, ""), alt("http://m4.example.fr/a", 12, "fr"))))
                .isEqualTo("<http://m2.example.org/a>; rel=duplicate; pri=1; geo=de, "
                        + "<http://m3.example.net/a>; rel=duplicate; pri=2, "
                        + "<http://m4.example.fr/a>; rel=duplicate; pri=12; geo=fr");
    }

    @Test
    void geoIsGivenOnlyForTwoLettersAndLowerCased() {
        assertThat(List.of("DE", "dE", "De", "", "d", "deu", "d1", "1d", "d-", "é1", "zz", "AZ"))
                .map(c -> LinkHeader.render(List.of(alt("http://x/a", 1, c))).substring("<http://x/a>; rel=duplicate; pri=1".length()))
                .containsExactly("; geo=de", "; geo=de", "; geo=de", "", "", "", "", "", "", "", "; geo=zz", "; geo=az");
    }

    @Test
    void redirectsCarryTheLinkInsteadOfAlternatesOnlyWhenAsked() {
        Decision d = new Decision(Decision.Action.REDIRECT, "https://m1.example.org/a", List.of(
                alt("https://m2.example.org/a", 1, "NL")), new byte[0], "", 0, "m1", "nearest mirror", 7);
        ResolveResponse linked = ResolverService.toProto(d, true);
        assertThat(linked.getLink()).isEqualTo("<https://m2.example.org/a>; rel=duplicate; pri=1; geo=nl");
        assertThat(linked.getAlternatesList()).isEmpty();
        assertThat(linked.getUrl()).isEqualTo("https://m1.example.org/a");

        ResolveResponse structured = ResolverService.toProto(d, false);
        assertThat(structured.getLink()).isEmpty();
        assertThat(structured.getAlternatesList()).singleElement()
                .satisfies(a -> assertThat(a.getCountry()).isEqualTo("NL"));
    }

    /**
     * The resolver percent-encodes file paths, so whatever a file is called its Link value is printable
     * ASCII, its URLs hold no space, angle bracket or quote, and splitting at ", <" finds the entries again.
     */
    @Test
    void hostileFileNamesCannotBreakOutOfTheLinkValue() throws Exception {
        Index index = new Index(List.of(mirror("m1").trusted().in("DE", "EU").build(),
                mirror("m2").trusted().in("FR", "EU").build(), mirror("m3").trusted().build()), () -> 1_000);
        List<String> names = List.of("pool/a b<c>\"d, <e>;f%g#h?i ü.deb", "pool/x\u2028y\u00a0z\ud83d\ude00.deb",
                "pool/'quote'`tick`{brace}[sq]|pipe^caret.deb");
        FileTable.Builder b = index.snapshot().files().toBuilder();
        for (String name : names) {
            b.put(name, 42, 1_000, 1_000);
        }
        index.publishFiles(b);
        Resolver r = new Resolver(index, GeoLookup.NONE, new Ranker(RankSettings.DEFAULTS), PathRules.NONE, List.of(),
                ResolveSettings.DEFAULTS, DownloadRecorder.NONE);
        for (String name : names) {
            for (boolean https : new boolean[] {false, true}) {
                Decision d = r.resolve("/" + name, "192.0.2.1", https, "GET", "");
                String link = ResolverService.toProto(d, true).getLink();
                assertThat(d.alternates()).hasSize(2);
                assertThat(link).as(name).matches("[\\x20-\\x7e]+");
                String[] entries = link.split(", <");
                assertThat(entries).hasSize(2);
                for (int i = 0; i < entries.length; i++) {
                    assertThat(entries[i]).matches((i == 0 ? "<" : "") + (https ? "https" : "http")
                            + "://m[123]\\.example\\.org/debian/pool/[!#-;=?-~]+>; rel=duplicate; pri=" + (i + 1)
                            + "(; geo=(de|fr))?");
                }
            }
        }
    }
}
