package dev.webhookrelay.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** Lints and renders the chart with the helm that helm-java bundles, and checks it against the relay. */
class HelmChartRendersTest extends RelayIntegrationTest {

    private static final Path CHART = Path.of("helm/webhook-relay");
    private static List<Map<String, Object>> manifests;

    @BeforeAll
    static void render() {
        String rendered = new Helm(CHART).template().withName("relay")
                .set("secrets.adminToken", "t").set("secrets.consolePassword", "c").set("secrets.masterKey", MASTER_KEY)
                .set("serviceMonitor.enabled", "true").set("ingress.enabled", "true")
                .call();
        manifests = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(rendered)) {
            if (doc != null) {
                manifests.add(map(doc));
            }
        }
    }

    @Test
    void theChartLints() {
        var lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void itRendersEveryKindADeploymentNeeds() {
        assertThat(manifests.stream().map(m -> (String) m.get("kind"))).contains("Deployment", "Service", "ConfigMap",
                "Secret", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ServiceMonitor", "Ingress");
        Map<String, Object> container = container();
        Map<String, Object> podSecurity = map(map(map(kind("Deployment").get("spec")).get("template")).get("spec"));
        Map<String, Object> securityContext = map(podSecurity.get("securityContext"));
        assertThat(securityContext).containsEntry("runAsNonRoot", true);
        assertThat(container).containsKeys("resources", "livenessProbe", "readinessProbe");
    }

    @Test
    void theChartRendersOnlyWithAMasterKeyAndAConsolePassword() {
        assertThatThrownBy(() -> new Helm(CHART).template().withName("relay").set("secrets.adminToken", "t")
                .set("secrets.consolePassword", "c").call()).hasMessageContaining("secrets.masterKey");
        assertThatThrownBy(() -> new Helm(CHART).template().withName("relay").set("secrets.adminToken", "t")
                .set("secrets.masterKey", MASTER_KEY).call()).hasMessageContaining("secrets.consolePassword");

        List<?> env = (List<?>) container().get("env");
        assertThat(env.stream().map(e -> map(e).get("name"))).contains("RELAY_SECRETS_MASTER_KEY", "RELAY_CONSOLE_PASSWORD",
                "RELAY_SECRETS_PREVIOUS_KEYS");
        Map<String, Object> secret = map(kind("Secret").get("stringData"));
        assertThat(secret).containsEntry("master-key", MASTER_KEY).containsEntry("console-password", "c")
                .doesNotContainKey("previous-keys");
    }

    @Test
    void probesPointAtActuatorPathsTheRelayServes() {
        Map<String, Object> container = container();
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            String path = (String) map(map(container.get(probe)).get("httpGet")).get("path");
            assertThat(get(path, Map.of()).status()).as(probe + " " + path).isEqualTo(200);
        }
    }

    @Test
    void theRoutesConfigMapHoldsEveryRouteFile() throws IOException {
        Map<String, Object> routes = manifests.stream().filter(m -> "ConfigMap".equals(m.get("kind")))
                .filter(m -> ((String) map(m.get("metadata")).get("name")).endsWith("-routes")).findFirst().orElseThrow();
        Map<String, Object> data = map(routes.get("data"));
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                assertThat(data).as("routes ConfigMap has " + file.getFileName()).containsKey(file.getFileName().toString());
                assertThat(((String) data.get(file.getFileName().toString())).strip()).isEqualTo(Files.readString(file).strip());
            }
        }
    }

    @Test
    void everyRelaySettingInTheConfigMapExistsInTheApplication() throws IOException {
        Map<String, Object> config = manifests.stream().filter(m -> "ConfigMap".equals(m.get("kind")))
                .filter(m -> ((String) map(m.get("metadata")).get("name")).endsWith("-config")).findFirst().orElseThrow();
        Map<String, Object> rendered = new Yaml().load((String) map(config.get("data")).get("application.yaml"));
        Map<String, Object> application = new Yaml().load(Files.readString(Path.of("src/main/resources/application.yaml")));

        Set<String> known = new HashSet<>();
        flatten("", application, known);
        Set<String> used = new HashSet<>();
        flatten("", rendered, used);
        assertThat(known).containsAll(used);
    }

    @Test
    void theApplicationConfigurationPointsAtEveryNodeOfTheRabbitMqCluster() throws IOException {
        Map<String, Object> rabbitmq = map(map(applicationConfig().get("spring")).get("rabbitmq"));
        Map<String, Object> values = map(new Yaml().load(Files.readString(CHART.resolve("values.yaml"))));
        List<?> nodes = (List<?>) map(values.get("rabbitmq")).get("addresses");

        assertThat(nodes).hasSize(3);
        assertThat(rabbitmq).containsEntry("addresses", String.join(",", nodes.stream().map(String::valueOf).toList()))
                .doesNotContainKeys("host", "port");
        assertThat(map(map(applicationConfig().get("relay")).get("rabbitmq")))
                .containsEntry("quorum-initial-group-size", 0);
        assertThatThrownBy(() -> new Helm(CHART).template().withName("relay").set("secrets.adminToken", "t")
                .set("secrets.consolePassword", "c").set("secrets.masterKey", MASTER_KEY)
                .set("rabbitmq.addresses", "null").call()).hasMessageContaining("rabbitmq.addresses");
    }

    private static Map<String, Object> applicationConfig() {
        Map<String, Object> config = manifests.stream().filter(m -> "ConfigMap".equals(m.get("kind")))
                .filter(m -> ((String) map(m.get("metadata")).get("name")).endsWith("-config")).findFirst().orElseThrow();
        return new Yaml().load((String) map(config.get("data")).get("application.yaml"));
    }

    private static Map<String, Object> container() {
        Map<String, Object> podSpec = map(map(map(kind("Deployment").get("spec")).get("template")).get("spec"));
        List<?> containers = (List<?>) podSpec.get("containers");
        return map(containers.get(0));
    }

    private static Map<String, Object> kind(String kind) {
        return manifests.stream().filter(m -> kind.equals(m.get("kind"))).findFirst().orElseThrow();
    }

    private static void flatten(String prefix, Map<String, Object> tree, Set<String> keys) {
        tree.forEach((key, value) -> {
            String path = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> child) {
                flatten(path, map(child), keys);
            } else {
                keys.add(path);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }
}
