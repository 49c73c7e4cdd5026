package org.mirrorgate.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.index.Index;
import org.mirrorgate.mirror.MirrorSpec;

class DeclaredMirrorsTest {

    static MirrorSpec mirror(String yaml) {
        return ConfigLoader.parseMirror(yaml, true);
    }

    static final MirrorSpec A = mirror("{name: a, https-url: \"https://a.example.org/\", countries: [DE]}");
    static final MirrorSpec B = mirror("{name: b, https-url: \"https://b.example.org/\"}");
    static final MirrorSpec API = mirror("{name: api, https-url: \"https://api.example.org/\"}")
            .withOrigin(MirrorSpec.Origin.API);

    @Test
    void fileMirrorsAreAddedChangedAndRemovedAndApiMirrorsStay() throws Exception {
        Index index = new Index(List.of(A, B, API), System::currentTimeMillis);
        MirrorSpec a2 = mirror("{name: a, https-url: \"https://a.example.org/\", countries: [DE, AT], score: 5}");
        MirrorSpec c = mirror("{name: c, https-url: \"https://c.example.org/\", enabled: false}");
        DeclaredMirrors d = new DeclaredMirrors(List.of(a2, c));
        index.editMirrors(d::apply);
        assertThat(index.snapshot().specs()).containsExactly(a2, c, API);
        assertThat(d.changes).containsExactly("mirror a: changed [countries, score]", "mirror c: added (disabled)",
                "mirror b: removed (no longer in the config file; its statistics stay)");
        assertThat(d.touched).containsExactly("a", "c", "b");
    }

    @Test
    void anUnchangedFileChangesNothing() throws Exception {
        Index index = new Index(List.of(A, B, API), System::currentTimeMillis);
        long version = index.snapshot().version();
        DeclaredMirrors d = new DeclaredMirrors(List.of(A, B));
        index.editMirrors(d::apply);
        assertThat(d.changes).isEmpty();
        assertThat(index.snapshot().version()).isEqualTo(version);
    }

    @Test
    void anApiNameWithAnotherDefinitionRefusesTheWholeFileAndOneDeclaredAsItIsIsTakenOver() throws Exception {
        Index index = new Index(List.of(A, API), System::currentTimeMillis);
        MirrorSpec other = mirror("{name: api, https-url: \"https://elsewhere.example.org/\"}");
        assertThatThrownBy(() -> index.editMirrors(new DeclaredMirrors(List.of(B, other))::apply))
                .isInstanceOf(DeclaredMirrors.Conflict.class).hasMessageContaining("a name cannot be in both");
        assertThat(index.snapshot().specs()).as("nothing changed, b not added either").containsExactly(A, API);

        MirrorSpec same = API.withOrigin(MirrorSpec.Origin.CONFIG);
        DeclaredMirrors d = new DeclaredMirrors(List.of(A, same));
        index.editMirrors(d::apply);
        assertThat(index.snapshot().specs()).containsExactly(A, same);
        assertThat(d.changes).containsExactly("mirror api: taken over by the config file (was added through the admin API)");
    }

    @Test
    void aChangedEnabledInTheFileBecomesTheMirrorsSwitch() throws Exception {
        Index index = new Index(List.of(A), System::currentTimeMillis);
        index.updateMirrorState("a", s -> s.withEnabled(false)); // a run-time override
        index.editMirrors(new DeclaredMirrors(List.of(A.withEnabled(true).withMaxMbps(100)))::apply);
        assertThat(index.snapshot().state(0).enabled()).as("another key changed: the override stays").isFalse();
        index.editMirrors(new DeclaredMirrors(List.of(A.withEnabled(false).withMaxMbps(100)))::apply);
        index.editMirrors(new DeclaredMirrors(List.of(A.withEnabled(true).withMaxMbps(100)))::apply);
        assertThat(index.snapshot().state(0).enabled()).as("the file's enabled changed: it decides").isTrue();
    }

    @Test
    void sectionChangesNameTheKeysAsTheFileDoes() {
        record Settings(String urlPrefix, int maxAlternates) {}
        assertThat(SectionChanges.between("resolve", new Settings("/", 5), new Settings("/debian/", 5)))
                .containsExactly("resolve.url-prefix");
        assertThat(SectionChanges.between("resolve", new Settings("/", 5), new Settings("/", 5))).isEmpty();
    }
}
