package org.mirrorgate.testing;

import java.nio.file.Path;
import java.util.stream.Collectors;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.scan.ScanSettings;

/**
 * Settings of one config section from a YAML snippet, read by the real loader (so with its
 * defaults, validation and unknown-key check); a problem throws the loader's {@code
 * ConfigException}, which fails the test with every problem listed.
 */
public final class ConfigSnippets {

    private ConfigSnippets() {}

    /** The {@code scan:} section whose body (flat keys, unindented) is {@code yaml}. */
    public static ScanSettings scan(String yaml) {
        String body = yaml.lines().map(l -> "  " + l).collect(Collectors.joining("\n"));
        return ConfigLoader.parse("repository: {root: /}\nscan:\n" + body + "\n", "scan snippet", Path.of("/"))
                .scan();
    }
}
