package dev.webhookrelay.support;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.yaml.snakeyaml.Yaml;

/** Every REST operation declared in routes/*.yaml, read from the files so that a new route is covered at once. */
public final class RestRoutes {

    private static final List<String> VERBS = List.of("get", "post", "put", "patch", "delete");

    /** One operation; path as declared, with {id} where a path parameter goes, and its query parameters. */
    public record Operation(String method, String path, List<String> queryParameters) {

        public Operation(String method, String path) {
            this(method, path, List.of());
        }

        public boolean hasPathId() {
            return path.contains("{id}");
        }
    }

    private RestRoutes() {
    }

    public static List<Operation> declared() {
        List<Operation> operations = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (Reader reader = Files.newBufferedReader(file)) {
                    List<Map<String, Object>> items = new Yaml().load(reader);
                    for (Map<String, Object> item : items) {
                        if (item.get("rest") instanceof Map<?, ?> rest) {
                            operations.addAll(operations(rest));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return operations;
    }

    private static List<String> queryParameters(Object params) {
        if (!(params instanceof List<?> declared)) {
            return List.of();
        }
        return declared.stream().map(p -> (Map<?, ?>) p).filter(p -> "query".equals(p.get("type")))
                .map(p -> String.valueOf(p.get("name"))).toList();
    }

    private static List<Operation> operations(Map<?, ?> rest) {
        String base = String.valueOf(rest.get("path"));
        List<Operation> operations = new ArrayList<>();
        for (String verb : VERBS) {
            if (rest.get(verb) instanceof List<?> declared) {
                for (Object declaration : declared) {
                    Map<?, ?> operation = (Map<?, ?>) declaration;
                    operations.add(new Operation(verb.toUpperCase(Locale.ROOT), base + operation.get("path"),
                            queryParameters(operation.get("param"))));
                }
            }
        }
        return operations;
    }
}
