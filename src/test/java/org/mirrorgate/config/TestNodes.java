package org.mirrorgate.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Config nodes from YAML snippets, for tests of one section's reader; {@code finish()} reports unknown keys. */
final class TestNodes {

    private TestNodes() {}

    /** The top level of {@code yaml}; problems go to {@code problems}. */
    static ConfigNode root(String yaml, List<String> problems) {
        try {
            String text = yaml.isBlank() ? "{}" : yaml;
            return ConfigNode.root(new ObjectMapper(new YAMLFactory()).readTree(text), problems);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
