package org.mirrorgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random and mutated YAML: the loader gives a config or a {@link ConfigException} whose problems
 * each name a key or a line, never another exception.
 */
class ConfigLoaderPropertyTest {

    private static final String VALID = """
            repository:
              root: /srv/debian
              url-prefix: /debian/
            listen:
              grpc: 127.0.0.1:7390
            mirrors:
              - name: a
                url: https://a.example/debian/
                country: DE
              - name: b
                url: http://b.example/debian/
                score: 5
            """;

    @Provide
    Arbitrary<String> randomYaml() {
        Arbitrary<String> pieces = Arbitraries.of("repository:", "root:", "listen:", "grpc:", "mirrors:", "- ",
                "name:", "url:", "score:", "admin:", "token-file:", "resolve:", "scan:", "store:", " ", "  ", "\n",
                "\t", ":", "{", "}", "[", "]", ",", "&a", "*a", "!!binary", "'", "\"", "#", "|", ">", "-1", "1e309",
                "99999999999999999999", "true", "null", "~", "/srv", "127.0.0.1:7390", "a", "\u00fc", "%", "---", "...");
        return pieces.list().ofMaxSize(30).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<String> mutatedValid() {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, VALID.length() - 1);
        Arbitrary<String> insert = Arbitraries.of("", " ", "\n", ":", "- ", "{", "'", "x", "\n  root: /a\n", "\t");
        Arbitrary<Integer> delete = Arbitraries.integers().between(0, 8);
        Arbitrary<String> one = Combinators.combine(at, delete, insert).as((i, d, s) -> i + ":" + d + ":" + s);
        return one.list().ofMinSize(1).ofMaxSize(4).map(edits -> {
            String y = VALID;
            for (String e : edits) {
                String[] parts = e.split(":", 3);
                int i = Math.min(Integer.parseInt(parts[0]), y.length());
                int end = Math.min(y.length(), i + Integer.parseInt(parts[1]));
                y = y.substring(0, i) + parts[2] + y.substring(end);
            }
            return y;
        });
    }

    @Property(tries = 1500, seed = "13")
    void randomYamlGivesAConfigOrAConfigError(@ForAll("randomYaml") String yaml) {
        check(yaml);
    }

    @Property(tries = 1500, seed = "13")
    void mutatedYamlGivesAConfigOrAConfigError(@ForAll("mutatedValid") String yaml) {
        check(yaml);
    }

    private static void check(String yaml) {
        List<String> problems = new ArrayList<>();
        try {
            ConfigLoader.parse(yaml, "fuzz.yaml", Path.of("/etc/mirrorgate"));
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            assertThat(problems).isNotEmpty();
            assertThat(e.getMessage()).startsWith("fuzz.yaml: ");
        }
        for (String p : problems) {
            assertThat(p).isNotBlank().doesNotContain("\n", "\r");
            if (p.startsWith("not valid YAML")) {
                assertThat(p).containsPattern("at line \\d+");
            } else {
                assertThat(p).as("names the key and what was expected").containsPattern(": .*\\(expected");
            }
        }
    }
}
