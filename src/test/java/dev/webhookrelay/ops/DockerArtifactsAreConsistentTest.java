package dev.webhookrelay.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** No Docker engine here: compose.yaml and the Dockerfile are checked statically against the repo. */
class DockerArtifactsAreConsistentTest {

    private static final Path DOCKER = Path.of("docker");

    @Test
    @SuppressWarnings("unchecked")
    void composeDefinesTheWholeStackWithHealthChecksAndStartOrder() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(DOCKER.resolve("compose.yaml")));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");

        assertThat(services).containsOnlyKeys("postgres", "rabbitmq", "relay", "prometheus", "grafana");
        services.forEach((name, service) -> {
            assertThat(service).as(name + " healthcheck").containsKey("healthcheck");
            assertThat(service.get("image")).as(name + " image").isNotNull();
        });
        assertThat((List<String>) services.get("relay").get("ports")).contains("8080:8080");
        assertThat((List<String>) services.get("rabbitmq").get("ports")).contains("5672:5672", "15672:15672");
        assertThat((List<String>) services.get("grafana").get("ports")).contains("3000:3000");
        Map<String, Map<String, String>> relayDependsOn =
                (Map<String, Map<String, String>>) services.get("relay").get("depends_on");
        assertThat(relayDependsOn).containsOnlyKeys("postgres", "rabbitmq");
        relayDependsOn.values().forEach(d -> assertThat(d.get("condition")).isEqualTo("service_healthy"));
        Map<String, Object> build = (Map<String, Object>) services.get("relay").get("build");
        assertThat(DOCKER.resolve((String) build.get("context")).resolve((String) build.get("dockerfile"))).exists();

        for (Map<String, Object> service : services.values()) {
            for (Object volume : (List<Object>) service.getOrDefault("volumes", List.of())) {
                String source = volume.toString().split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(DOCKER.resolve(source).normalize()).as("mounted " + source).exists();
                }
            }
        }
        String plugins = Files.readString(DOCKER.resolve("rabbitmq/enabled_plugins"));
        assertThat(plugins).contains("rabbitmq_management", "rabbitmq_shovel", "rabbitmq_shovel_management");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theRelayNeedsItsMasterKeyAndPasswordsSetWithNoWorkingDefault() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(DOCKER.resolve("compose.yaml")));
        Map<String, Object> relay = ((Map<String, Map<String, Object>>) compose.get("services")).get("relay");
        Map<String, String> environment = (Map<String, String>) relay.get("environment");

        for (String variable : List.of("RELAY_SECRETS_MASTER_KEY", "RELAY_CONSOLE_PASSWORD", "RELAY_ADMIN_TOKEN")) {
            // ${VAR:?message}: compose stops with the message when VAR is unset or empty.
            assertThat(environment.get(variable)).as(variable).matches("\\$\\{" + variable + ":\\?[^}]+}");
        }
    }

    @Test
    void theDockerfileBuildsInStagesAndRunsAsANonRootUserOnJre21OrNewer() throws IOException {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        List<String> stages = dockerfile.lines().filter(l -> l.startsWith("FROM ")).toList();

        assertThat(stages).hasSize(2);
        assertThat(stages.get(1)).matches("FROM eclipse-temurin:(2[1-9]|[3-9]\\d)-jre.*");
        assertThat(dockerfile).contains("COPY --from=build").contains("EXPOSE 8080").contains("USER 10001");
        assertThat(dockerfile.lines().filter(l -> l.startsWith("USER "))).noneMatch(l -> l.contains("root") || l.equals("USER 0"));
        Matcher copies = Pattern.compile("(?m)^COPY (?!--from)(\\S+) ").matcher(dockerfile);
        while (copies.find()) {
            assertThat(Path.of(copies.group(1))).as("COPY source " + copies.group(1)).exists();
        }
        assertThat(dockerfile).contains("RELAY_ROUTES_DIR=/app/routes");
    }

    @Test
    void theGrafanaDashboardShowsTheRelaysMetrics() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DOCKER.resolve("grafana/dashboards/relay.json").toFile());
        String expressions = dashboard.get("panels").findValuesAsText("expr").toString();
        assertThat(expressions).contains("relay_ingest_accepted_total", "relay_ingest_rejected_total",
                "relay_deliveries_total", "relay_attempt_duration_seconds_bucket", "relay_queue_depth",
                "relay_undelivered_oldest_age_seconds");
    }
}
