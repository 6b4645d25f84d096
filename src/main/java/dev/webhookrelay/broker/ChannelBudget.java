package dev.webhookrelay.broker;

import java.time.Duration;

import dev.webhookrelay.config.RelayProperties;
import org.springframework.boot.autoconfigure.amqp.RabbitProperties;
import org.springframework.stereotype.Component;

/**
 * Refuses to start a relay whose consumers would take every channel it may open. Each consumer (the
 * work queue's, and the dead-letter recorder's one) holds a channel for good, and every publish (an
 * ingest's, a retry's, a sweeper's) checks one out for its confirm, waiting at most
 * {@code spring.rabbitmq.cache.channel.checkout-timeout} when {@code spring.rabbitmq.cache.channel.size}
 * are out. With too many consumers every publish would time out ("No available channels"): the relay
 * would never be ready, and would say so only in its log.
 */
@Component
public class ChannelBudget {

    /** Channels kept for publishing beside the consumers: concurrent ingests, retries and sweeps. */
    static final int FOR_PUBLISHING = 16;
    /** The dead-letter recorder's consumer (routes/retry.camel.yaml), beside the work queue's. */
    static final int OTHER_CONSUMERS = 1;
    /** Spring AMQP's CachingConnectionFactory keeps this many channels when the size is not set. */
    static final int SPRING_DEFAULT_CHANNELS = 25;

    public ChannelBudget(RelayProperties properties, RabbitProperties rabbit) {
        RabbitProperties.Cache.Channel channels = rabbit.getCache().getChannel();
        check(properties.delivery().enabled() ? properties.delivery().consumers() : 0, channels.getSize(),
                channels.getCheckoutTimeout());
    }

    /** Without a checkout timeout the cache size is no limit: more channels are opened as needed. */
    static void check(int consumers, Integer channelSize, Duration checkoutTimeout) {
        if (checkoutTimeout == null || checkoutTimeout.isZero()) {
            return;
        }
        int limit = channelSize == null ? SPRING_DEFAULT_CHANNELS : channelSize;
        int needed = consumers + OTHER_CONSUMERS + FOR_PUBLISHING;
        if (needed > limit) {
            throw new IllegalStateException(("relay.delivery.consumers (%d), with the dead-letter recorder's consumer, "
                    + "leaves fewer than %d of spring.rabbitmq.cache.channel.size (%d) for publishing: raise the "
                    + "channel size to at least %d, or lower the consumers").formatted(consumers, FOR_PUBLISHING, limit,
                    needed));
        }
    }
}
