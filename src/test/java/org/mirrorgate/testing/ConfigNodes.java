package org.mirrorgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.lang.reflect.Method;
import java.util.List;
import org.mirrorgate.config.ConfigNode;

/**
 * Builds a {@link ConfigNode} from a YAML snippet, for tests of one section's parser. The config
 * package keeps its root factory package-private (only the loader builds trees), so this reaches it
 * by reflection; {@link #finish} reports unknown keys as the loader would.
 */
public final class ConfigNodes {

    private ConfigNodes() {}

    public static ConfigNode parse(String yaml, List<String> problems) {
        try {
            JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(yaml.isBlank() ? "{}" : yaml);
            Method root = ConfigNode.class.getDeclaredMethod("root", JsonNode.class, List.class);
            root.setAccessible(true);
            return (ConfigNode) root.invoke(null, tree, problems);
        } catch (ReflectiveOperationException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void finish(ConfigNode node) {
        try {
            Method finish = ConfigNode.class.getDeclaredMethod("finish");
            finish.setAccessible(true);
            finish.invoke(node);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
