package dev.webhookrelay.delivery;

import java.util.Map;

import dev.webhookrelay.delivery.DeliveryAttempt.Next;
import dev.webhookrelay.transform.TransformationException;
import dev.webhookrelay.transform.Transformations;
import dev.webhookrelay.transform.Transformed;
import org.apache.camel.Variable;
import org.springframework.stereotype.Component;

/**
 * Applies the endpoint's transformation to an attempt before its request is built, and holds what it
 * produced to the rules of a static header and of a safe path. A transformation that fails, at run
 * time or against those rules, fails the same way for every attempt: the delivery is dead-lettered
 * at once with the reason, without an HTTP request, and never retried.
 */
@Component("payloadTransformer")
public class PayloadTransformer {

    static final String REASON_PREFIX = "transformation error: ";

    private final Transformations transformations;

    public PayloadTransformer(Transformations transformations) {
        this.transformations = transformations;
    }

    public void transform(@Variable("attempt") DeliveryAttempt attempt) {
        DeliveryContext delivery = attempt.delivery();
        if (delivery.transformation() == null) {
            return;
        }
        long started = System.nanoTime();
        try {
            attempt.transformedInto(apply(delivery));
        } catch (TransformationException failed) {
            attempt.answered(new AttemptResult(null, Map.of(), null, failed, (System.nanoTime() - started) / 1_000_000));
            attempt.judged(Next.DEAD_LETTER, REASON_PREFIX + failed.getMessage(), false, null);
        }
    }

    /** The transformation's result, checked; null when the endpoint has none. */
    public Transformed apply(DeliveryContext delivery) throws TransformationException {
        if (delivery.transformation() == null) {
            return null;
        }
        Transformed result = transformations.apply(delivery.endpointId(), delivery.endpointVersion(),
                delivery.transformation(), delivery.eventType(), delivery.eventCreatedAt(), delivery.payloadJson());
        return checked(result);
    }

    /** Headers pass the static headers' allow-list (never Camel*, relay-*, webhook-*, Host, Content-*). */
    static Transformed checked(Transformed result) throws TransformationException {
        if (result.headers().size() > StaticHeaders.MAX_HEADERS) {
            throw new TransformationException("transformation set more than " + StaticHeaders.MAX_HEADERS + " headers", -1);
        }
        for (Map.Entry<String, String> header : result.headers().entrySet()) {
            String refusal = StaticHeaders.refusal(header.getKey());
            if (refusal != null) {
                throw new TransformationException("transformation set header '" + header.getKey() + "', which is not allowed: "
                        + refusal, -1);
            }
            if (!StaticHeaders.isSendableValue(header.getValue())) {
                throw new TransformationException("transformation set header '" + header.getKey()
                        + "' to a value that is not a single line of at most " + StaticHeaders.MAX_VALUE_LENGTH + " characters", -1);
            }
        }
        if (result.path() != null) {
            String refusal = PathSuffix.refusal(result.path());
            if (refusal != null) {
                throw new TransformationException("transformation path is not allowed: " + refusal, -1);
            }
        }
        return result;
    }
}
