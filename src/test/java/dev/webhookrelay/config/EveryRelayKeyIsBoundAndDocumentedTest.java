package dev.webhookrelay.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * One source for configuration: every relay.* key has its default in application.yaml, binds to a
 * component of RelayProperties, and has a row in the README's configuration table; every
 * {{relay.*}} placeholder in routes/ is such a key.
 */
class EveryRelayKeyIsBoundAndDocumentedTest {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(relay\\.[a-z0-9.-]+)}}");

    @Test
    void everyKeyInApplicationYamlBindsToRelayProperties() throws IOException {
        List<String> unbound = relayKeys().stream().filter(key -> component(key).isEmpty()).toList();

        assertThat(unbound).as("relay.* keys with no RelayProperties component").isEmpty();
    }

    @Test
    void everyKeyInApplicationYamlIsInTheReadmeTable() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<String> undocumented = relayKeys().stream().filter(key -> !documented(readme, key)).toList();

        assertThat(undocumented).as("relay.* keys missing from README's configuration table").isEmpty();
    }

    @Test
    void everyPlaceholderInTheRoutesIsAKey() throws IOException {
        List<String> keys = relayKeys();
        TreeSet<String> unknown = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Matcher placeholder = PLACEHOLDER.matcher(Files.readString(file));
                while (placeholder.find()) {
                    if (!keys.contains(placeholder.group(1))) {
                        unknown.add(file.getFileName() + ": " + placeholder.group(1));
                    }
                }
            }
        }

        assertThat(unknown).as("{{relay.*}} placeholders that are not relay.* keys").isEmpty();
    }

    /** A row names the key whole, or groups it with its siblings: "`relay.a.b` / `c`". */
    private static boolean documented(String readme, String key) {
        if (readme.contains("`" + key + "`")) {
            return true;
        }
        String parent = key.substring(0, key.lastIndexOf('.') + 1);
        String leaf = key.substring(key.lastIndexOf('.') + 1);
        return readme.lines().anyMatch(line -> line.startsWith("| `" + parent) && line.contains("`" + leaf + "`"));
    }

    private static Optional<RecordComponent> component(String key) {
        Class<?> type = RelayProperties.class;
        RecordComponent found = null;
        for (String segment : key.substring("relay.".length()).split("\\.")) {
            if (type == null || !type.isRecord()) {
                return Optional.empty();
            }
            String name = camelCase(segment);
            found = Arrays.stream(type.getRecordComponents()).filter(c -> c.getName().equals(name)).findFirst().orElse(null);
            if (found == null) {
                return Optional.empty();
            }
            type = found.getType();
        }
        return Optional.ofNullable(found);
    }

    private static String camelCase(String kebab) {
        StringBuilder name = new StringBuilder();
        boolean upper = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                name.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return name.toString();
    }

    @SuppressWarnings("unchecked")
    private static List<String> relayKeys() throws IOException {
        try (Reader yaml = Files.newBufferedReader(Path.of("src/main/resources/application.yaml"))) {
            Map<String, Object> root = new Yaml().load(yaml);
            List<String> keys = new ArrayList<>();
            flatten("relay", (Map<String, Object>) root.get("relay"), keys);
            return keys;
        }
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> node, List<String> keys) {
        node.forEach((name, value) -> {
            if (value instanceof Map<?, ?> child) {
                flatten(prefix + "." + name, (Map<String, Object>) child, keys);
            } else {
                keys.add(prefix + "." + name);
            }
        });
    }
}
