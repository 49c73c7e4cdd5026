package org.mirrorgate.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds keys given twice in one mapping. A YAML tree keeps only the last one, silently: a second
 * {@code listen:} block pasted at the end of a file replaced the first one whole (gRPC moved from
 * loopback to 0.0.0.0) and the config still read as valid. So the text is walked token by token
 * first, with line numbers, which the tree no longer has.
 */
final class DuplicateKeys {

    private DuplicateKeys() {}

    /** One mapping or list open in the walk. */
    private static final class Level {
        final String path;
        final boolean mapping;
        final Map<String, Integer> lines = new HashMap<>();
        String key;
        int index;

        Level(String path, boolean mapping) {
            this.path = path;
            this.mapping = mapping;
        }

        String child() {
            if (mapping) {
                return path.isEmpty() ? key : path + "." + key;
            }
            return path + "[" + index + "]";
        }
    }

    /**
     * Each key given twice, as {@code listen: given twice in one mapping, at lines 12 and 40
     * (expected: ...)}; empty when there is none. Syntax errors are left to the tree reader.
     */
    static List<String> find(String yaml) {
        List<String> problems = new ArrayList<>();
        Deque<Level> open = new ArrayDeque<>();
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                Level top = open.peek();
                switch (t) {
                    case FIELD_NAME -> {
                        String name = p.currentName();
                        int line = p.currentTokenLocation().getLineNr();
                        Integer first = top.lines.putIfAbsent(name, line);
                        top.key = name;
                        if (first != null) {
                            problems.add(top.child() + ": given twice in one mapping, at lines " + first + " and "
                                    + line + " (expected: each key once; merge the two into one, as only the last"
                                    + " would count)");
                        }
                    }
                    case START_OBJECT, START_ARRAY -> open.push(new Level(top == null ? "" : top.child(),
                            t == JsonToken.START_OBJECT));
                    case END_OBJECT, END_ARRAY -> {
                        open.pop();
                        next(open.peek());
                    }
                    default -> next(top);
                }
            }
        } catch (IOException e) {
            // not valid YAML: the tree reader reports it, with its line
        }
        return problems;
    }

    /** A value ended: in a list, the next one has the next index. */
    private static void next(Level level) {
        if (level != null && !level.mapping) {
            level.index++;
        }
    }
}
