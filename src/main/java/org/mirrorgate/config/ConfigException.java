package org.mirrorgate.config;

import java.util.List;

/** The config file is wrong; the message lists every problem as {@code key: value (expected: ...)}. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public ConfigException(String file, List<String> problems) {
        super(file + ": " + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "\n  "
                + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem on its own, e.g. {@code mirrors[1].score: 5000 (expected: -100 .. 1000)}. */
    public List<String> problems() {
        return problems;
    }
}
