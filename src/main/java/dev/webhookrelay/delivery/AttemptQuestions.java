package dev.webhookrelay.delivery;

import java.util.function.Function;

import com.rabbitmq.client.Channel;
import dev.webhookrelay.broker.WorkQueueAcks;
import dev.webhookrelay.delivery.DeliveryAttempt.Next;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.support.ExpressionAdapter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The questions routes/delivery.camel.yaml branches on, as Camel predicates the routes name with the
 * {@code ref} language ({@code ref: attemptPostponed}), and the two variables it reads from each work
 * message. Each reads the variable {@code attempt} and
 * asks it, or the bean that knows, directly. A {@code method:} predicate or an OGNL one such as
 * {@code ${variable.attempt.next.name}} goes through Camel's BeanExpression, which copies the whole
 * exchange (headers, properties, variables) to call one method: 12 copies per delivery, 17.5% of the
 * drain's Java CPU (bench/RESULTS.md, issue 16). The beans keep their typed methods; this only wires
 * them to the routes.
 */
@Configuration(proxyBeanMethods = false)
public class AttemptQuestions {

    static final String ATTEMPT = "attempt";

    /** Where the consumed message is acked (setVariable with {@code ref: workMessageReceipt}). */
    @Bean
    Expression workMessageReceipt(WorkQueueAcks acks) {
        return expression(exchange -> acks.receipt(exchange.getProperty(SpringRabbitMQConstants.CHANNEL, Channel.class),
                exchange.getMessage().getHeader(SpringRabbitMQConstants.DELIVERY_TAG, long.class)));
    }

    /** The work message read into the variable {@code attempt} (setVariable with {@code ref: workMessageAttempt}). */
    @Bean
    Expression workMessageAttempt(WorkMessageReader reader) {
        return expression(exchange -> reader.read(exchange.getMessage().getHeaders(), bodyBytes(exchange)));
    }

    @Bean
    Predicate attemptMalformed() {
        return nextIs(Next.MALFORMED);
    }

    @Bean
    Predicate attemptSends() {
        return nextIs(Next.SEND);
    }

    @Bean
    Predicate attemptPostponed() {
        return nextIs(Next.POSTPONE);
    }

    @Bean
    Predicate attemptSkipped() {
        return nextIs(Next.SKIP);
    }

    @Bean
    Predicate attemptRetries() {
        return nextIs(Next.RETRY);
    }

    @Bean
    Predicate attemptDeadLetters() {
        return nextIs(Next.DEAD_LETTER);
    }

    /** No answer yet: an OAuth2 token request that failed is already the attempt's result. */
    @Bean
    Predicate attemptUnanswered() {
        return asks(attempt -> attempt.result() == null);
    }

    @Bean
    Predicate attemptEndpointGone() {
        return asks(DeliveryAttempt::endpointGone);
    }

    @Bean
    Predicate attemptsUsedUp(RetryPolicy retryPolicy) {
        return asks(retryPolicy::attemptsUsedUp);
    }

    @Bean
    Predicate fifoHeadReleasesNext(FifoOrder fifoOrder) {
        return asks(fifoOrder::releasesNext);
    }

    @Bean
    Predicate circuitBreakerOpens(CircuitBreaker circuitBreaker) {
        return asks(circuitBreaker::opens);
    }

    @Bean
    Predicate oauth2TokenRejected(EndpointAuthentication endpointAuthentication) {
        return asks(endpointAuthentication::tokenRejected);
    }

    private static Predicate nextIs(Next next) {
        return asks(attempt -> attempt.next() == next);
    }

    private static Predicate asks(java.util.function.Predicate<DeliveryAttempt> question) {
        return exchange -> question.test(exchange.getVariable(ATTEMPT, DeliveryAttempt.class));
    }

    /** The consumed body's length: rawMessageBodies hands it over as the bytes read, never copied. */
    private static int bodyBytes(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        return body == null ? 0 : body.length;
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
