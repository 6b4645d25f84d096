package dev.webhookrelay.support;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Small application contexts bound from the relay's application.yaml, with bean validation, for
 * tests of what the relay's configuration lets start: a value that cannot work must stop the start.
 */
public final class ApplicationYamlContexts {

    private ApplicationYamlContexts() {
    }

    /** The given configuration classes, their properties bound from application.yaml and validated. */
    public static ApplicationContextRunner with(Class<?>... configurations) {
        return new ApplicationContextRunner()
                .withInitializer(new ConfigDataApplicationContextInitializer())
                .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
                .withUserConfiguration(configurations);
    }
}
