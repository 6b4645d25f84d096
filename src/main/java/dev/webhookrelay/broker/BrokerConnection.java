package dev.webhookrelay.broker;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.rabbitmq.client.ShutdownSignalException;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
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
 * request then answers at once and leaves its deliveries to the outbox sweeper. The next connection
 * made (every sweep checks the work queue over one, and consumers reconnect by themselves) lets
 * requests publish again.
 *
 * <p>A Camel {@link Predicate} for the route's filter ({@code ref: brokerConnection}): a
 * {@code method:} expression would copy the whole exchange on every ingest (see AttemptQuestions).
 */
@Component("brokerConnection")
public class BrokerConnection implements ConnectionListener, Predicate {

    private final AtomicReference<com.rabbitmq.client.Connection> current = new AtomicReference<>();
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
    public boolean matches(Exchange exchange) {
        return takesPublishes();
    }

    @Override
    public void onCreate(Connection connection) {
        current.set(connection.getDelegate());
        lost.set(false);
        blocked.set(false);
    }

    /*
     * The client reports a connection closed before it tells its listeners, so a new connection may
     * already be open when the old one's shutdown arrives: only the current connection's loss counts.
     */
    @Override
    public void onShutDown(ShutdownSignalException signal) {
        if (!signal.isInitiatedByApplication() && signal.getReference() == current.get()) {
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
