package dev.webhookrelay.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.tracing.TraceParents;
import dev.webhookrelay.transform.Transformed;

/**
 * One delivery attempt on its way through routes/delivery.camel.yaml and routes/retry.camel.yaml,
 * carried in the exchange variable {@code attempt}. {@link #next()} is the branch the routes take;
 * each bean reads what it needs from here and states its answer by setting the next step.
 */
public final class DeliveryAttempt {

    /** Where the attempt goes next: the routes branch on it. */
    public enum Next {
        /** Admitted and claimed (or yet to be): the webhook is sent. */
        SEND,
        /** Over a cap or rate, or held elsewhere: back through the shortest wait queue, same attempt. */
        POSTPONE,
        /** The database says this message is not owed an attempt (stale, duplicate, endpoint gone). */
        SKIP,
        /** The relay cannot read the message: it goes to the dead-letter queue as it came. */
        MALFORMED,
        DELIVERED,
        RETRY,
        DEAD_LETTER;

        /** The delivery status an attempt that ends here leaves behind. */
        public DeliveryStatus status() {
            return switch (this) {
                case DELIVERED -> DeliveryStatus.DELIVERED;
                case RETRY -> DeliveryStatus.RETRY_SCHEDULED;
                case DEAD_LETTER -> DeliveryStatus.DEAD_LETTERED;
                default -> throw new IllegalStateException(this + " is not an outcome of an attempt");
            };
        }
    }

    static final int MAX_REASON_CHARS = 1000;

    private final WorkMessage message;
    private final boolean fromDeadLetterQueue;
    private Next next;
    private String reason;
    private DeliveryContext delivery;
    private Transformed transformed;
    private OutgoingRequest request;
    private AttemptResult result;
    private boolean endpointGone;
    private Duration retryAfter;
    private RetrySchedule.WaitQueue waitQueue;
    private Instant nextAttemptAt;
    private Instant failingSince;
    private ClientIdentity clientIdentity;
    private boolean tokenRefreshed;
    private final List<Runnable> held = new ArrayList<>();

    private DeliveryAttempt(WorkMessage message, boolean fromDeadLetterQueue, Next next, String reason) {
        this.message = message;
        this.fromDeadLetterQueue = fromDeadLetterQueue;
        this.next = next;
        this.reason = reason;
    }

    public static DeliveryAttempt of(WorkMessage message, boolean fromDeadLetterQueue) {
        return new DeliveryAttempt(message, fromDeadLetterQueue, Next.SEND, null);
    }

    /**
     * An endpoint's test send: no work message, a sample delivery ({@link SampleDeliveries}) and its
     * request already signed, sent through the delivery route's send-authenticated-request only.
     */
    public static DeliveryAttempt trial(DeliveryContext sample, OutgoingRequest request) {
        DeliveryAttempt attempt = new DeliveryAttempt(null, false, Next.SEND, null);
        attempt.claimed(sample);
        attempt.requestBuilt(request);
        return attempt;
    }

    public static DeliveryAttempt malformed(String why) {
        return new DeliveryAttempt(null, false, Next.MALFORMED, why);
    }

    public Next next() {
        return next;
    }

    /**
     * A reason as one line of at most MAX_REASON_CHARS: it quotes what a receiver, a transformation or
     * an event's payload said, and it is logged, stored and sent as a dead letter's headers, where a
     * line break would forge a log line and 200 KB would exceed the broker's frame (the dead letter was
     * never published, and the delivery was claimed again every lease).
     */
    static String oneLine(String why) {
        if (why == null) {
            return null;
        }
        StringBuilder line = new StringBuilder(Math.min(why.length(), MAX_REASON_CHARS));
        for (int i = 0; i < why.length() && line.length() < MAX_REASON_CHARS; i++) {
            char c = why.charAt(i);
            line.append(Character.isISOControl(c) ? ' ' : c);
        }
        return line.toString();
    }

    /** Why the attempt ended where it did: skip reason, malformed message, or the outcome's reason. */
    public String reason() {
        return reason;
    }

    public WorkMessage message() {
        return message;
    }

    public UUID deliveryId() {
        return message == null ? null : message.deliveryId();
    }

    public UUID endpointId() {
        return message == null ? null : message.endpointId();
    }

    public boolean fromDeadLetterQueue() {
        return fromDeadLetterQueue;
    }

    public DeliveryContext delivery() {
        return delivery;
    }

    /** The endpoint's transformation's result; null when it has none. */
    public Transformed transformed() {
        return transformed;
    }

    public OutgoingRequest request() {
        return request;
    }

    public AttemptResult result() {
        return result;
    }

    /** The receiver answered 410 Gone: its endpoint is disabled before the outcome is recorded. */
    public boolean endpointGone() {
        return endpointGone;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public RetrySchedule.WaitQueue waitQueue() {
        return waitQueue;
    }

    public Instant nextAttemptAt() {
        return nextAttemptAt;
    }

    /** When the endpoint's current failure streak began, as recorded with this attempt; null after a success. */
    public Instant failingSince() {
        return failingSince;
    }

    /** The TLS client certificate this attempt presents (mtls endpoints), else null. */
    public ClientIdentity clientIdentity() {
        return clientIdentity;
    }

    /** Whether this attempt already fetched a fresh OAuth2 token after a 401 (it does so once). */
    public boolean tokenRefreshed() {
        return tokenRefreshed;
    }

    /**
     * The message for the attempt after this one, published to a wait queue on a retry: its trace
     * parent is this attempt's span, so each attempt of an event is a child of the one before.
     */
    public WorkMessage nextMessage() {
        return new WorkMessage(delivery.deliveryId(), delivery.endpointId(), delivery.tenantId(), delivery.attempt() + 1,
                TraceParents.currentOr(message.traceparent()), delivery.eventCreatedAt());
    }

    /** A resource (an in-flight slot) this attempt holds until its message is finished. */
    void holdUntilFinished(Runnable release) {
        held.add(release);
    }

    void releaseHeld() {
        held.forEach(Runnable::run);
        held.clear();
    }

    void postpone() {
        next = Next.POSTPONE;
    }

    void skip(String why) {
        next = Next.SKIP;
        reason = oneLine(why);
    }

    void claimed(DeliveryContext claimed) {
        delivery = claimed;
    }

    void transformedInto(Transformed result) {
        transformed = result;
    }

    void requestBuilt(OutgoingRequest built) {
        request = built;
    }

    void presents(ClientIdentity identity) {
        clientIdentity = identity;
    }

    void refreshedToken() {
        tokenRefreshed = true;
    }

    void answered(AttemptResult answer) {
        result = answer;
    }

    void judged(Next outcome, String why, boolean gone, Duration after) {
        next = outcome;
        reason = oneLine(why);
        endpointGone = gone;
        retryAfter = after;
    }

    void retryThrough(RetrySchedule.WaitQueue queue, Instant due) {
        waitQueue = queue;
        nextAttemptAt = due;
    }

    void recorded(Instant streakStart) {
        failingSince = streakStart;
    }
}
