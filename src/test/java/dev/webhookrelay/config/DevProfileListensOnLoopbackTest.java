package dev.webhookrelay.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/** The dev profile opens the console without a login, so it listens on the loopback interface unless told otherwise. */
class DevProfileListensOnLoopbackTest {

    @Test
    void theDevProfileBindsToLoopback() throws IOException {
        assertThat(devEnvironment(Map.of()).getProperty("server.address")).isEqualTo("127.0.0.1");
    }

    @Test
    void relayBindAddressOverridesIt() throws IOException {
        assertThat(devEnvironment(Map.of("RELAY_BIND_ADDRESS", "0.0.0.0")).getProperty("server.address"))
                .isEqualTo("0.0.0.0");
    }

    private static StandardEnvironment devEnvironment(Map<String, Object> variables) throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addFirst(new MapPropertySource("variables", variables));
        new YamlPropertySourceLoader().load("dev", new ClassPathResource("application-dev.yaml"))
                .forEach(source -> environment.getPropertySources().addLast(source));
        return environment;
    }
}
