package dev.webhookrelay.ingest;

import java.util.UUID;
import java.util.function.Function;

import dev.webhookrelay.auth.ApiKeyAuthenticator;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.support.ExpressionAdapter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What routes/ingest.camel.yaml stores in exchange properties on every event, named with the
 * {@code ref} language ({@code setProperty} with {@code ref: storedEvent}). A {@code method:}
 * expression goes through Camel's BeanExpression, which copies the whole exchange to call one method
 * (see delivery.AttemptQuestions), and a bean step that returns a value copies the message's headers
 * into a new one. These call the typed methods directly with the request's body and Idempotency-Key,
 * and the tenant and parsed request that earlier steps stored; the YAML names where each result goes.
 */
@Configuration(proxyBeanMethods = false)
public class IngestExpressions {

    @Bean
    Expression ingestRequest(IngestRequestParser parser) {
        return expression(exchange -> parser.parse(exchange.getMessage().getBody(byte[].class),
                IngestRequestParser.onlyIdempotencyKey(exchange.getMessage().getHeader("Idempotency-Key"))));
    }

    @Bean
    Expression storedEvent(EventStore store) {
        return expression(exchange -> store.store(tenant(exchange), request(exchange)));
    }

    /** The original answer to a repeated Idempotency-Key, or its 409. */
    @Bean
    Expression idempotentReplay(StoredIdempotentAnswer answer) {
        return expression(exchange -> answer.answer(tenant(exchange), request(exchange)));
    }

    private static IngestRequest request(Exchange exchange) {
        return exchange.getProperty(IngestRequestParser.REQUEST, IngestRequest.class);
    }

    private static UUID tenant(Exchange exchange) {
        return exchange.getProperty(ApiKeyAuthenticator.TENANT_ID, UUID.class);
    }

    private static Expression expression(Function<Exchange, Object> value) {
        return new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange exchange) {
                return value.apply(exchange);
            }
        };
    }
}
