package dev.webhookrelay.broker;

import java.util.concurrent.atomic.AtomicBoolean;

import com.rabbitmq.client.ShutdownSignalException;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionBlockedEvent;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.amqp.rabbit.connection.ConnectionUnblockedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Whether a request may publish without waiting on the broker: ingest publishes an accepted event's
 * deliveries before it answers, so while the broker is known to be unreachable, or blocks publishers
 * on a resource alarm, each request would wait for a connection or a confirm that cannot come. The
 * request then answers at once and leaves its deliveries to the outbox sweeper, whose publishes (and
 * the consumers' reconnections) find the broker again.
 */
@Component("brokerConnection")
public class BrokerConnection implements ConnectionListener {

    private final AtomicBoolean lost = new AtomicBoolean();
    private final AtomicBoolean blocked = new AtomicBoolean();

    public BrokerConnection(CachingConnectionFactory connections) {
        connections.addConnectionListener(this);
    }

    /** False while the last connection failed or was lost, or the broker blocks publishing. */
    public boolean takesPublishes() {
        return !lost.get() && !blocked.get();
    }

    @Override
    public void onCreate(Connection connection) {
        lost.set(false);
        blocked.set(false);
    }

    @Override
    public void onShutDown(ShutdownSignalException signal) {
        if (!signal.isInitiatedByApplication()) {
            lost.set(true);
        }
    }

    @Override
    public void onFailed(Exception failure) {
        lost.set(true);
    }

    @EventListener
    void onBlocked(ConnectionBlockedEvent event) {
        blocked.set(true);
    }

    @EventListener
    void onUnblocked(ConnectionUnblockedEvent event) {
        blocked.set(false);
    }
}
