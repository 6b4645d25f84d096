package dev.webhookrelay.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in routes/ is valid against the JSON schema that camel-yaml-dsl ships (the one editors
 * and Kaoto use), which is stricter than the runtime: a route that merely runs is not enough.
 */
class RoutesMatchTheCamelYamlDslSchemaTest {

    private static JsonSchema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream json = YamlRoutesBuilderLoader.class.getResourceAsStream("/schema/camelYamlDsl.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(json);
        }
    }

    static Stream<Path> routeFiles() throws IOException {
        return Files.list(Path.of("routes")).filter(p -> p.toString().endsWith(".camel.yaml")).sorted();
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void theRouteFileIsValid(Path file) throws IOException {
        Set<ValidationMessage> errors = schema.validate(Files.readString(file), InputFormat.YAML);

        assertThat(errors).as(file + " against camelYamlDsl.json").isEmpty();
    }
}
