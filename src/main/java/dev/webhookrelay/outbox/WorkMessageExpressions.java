package dev.webhookrelay.outbox;

import java.util.UUID;

import dev.webhookrelay.auth.ApiKeyAuthenticator;
import dev.webhookrelay.ingest.AcceptedEvent;
import dev.webhookrelay.ingest.EventStore;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.support.ExpressionAdapter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What routes/ingest.camel.yaml splits an accepted event into, named with the {@code ref} language
 * ({@code ref: acceptedWorkMessages}). A {@code method:} expression goes through Camel's
 * BeanExpression, which copies the whole exchange at every event (see AttemptQuestions); this only
 * wires the typed {@link WorkMessages#forAccepted} to the route.
 */
@Configuration(proxyBeanMethods = false)
public class WorkMessageExpressions {

    @Bean
    Expression acceptedWorkMessages(WorkMessages messages) {
        return new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange exchange) {
                return messages.forAccepted(exchange.getProperty(EventStore.ACCEPTED, AcceptedEvent.class),
                        exchange.getProperty(ApiKeyAuthenticator.TENANT_ID, UUID.class));
            }
        };
    }
}
