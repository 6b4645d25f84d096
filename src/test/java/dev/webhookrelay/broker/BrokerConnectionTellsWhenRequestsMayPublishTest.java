package dev.webhookrelay.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.net.ConnectException;

import com.rabbitmq.client.ShutdownSignalException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionBlockedEvent;
import org.springframework.amqp.rabbit.connection.ConnectionUnblockedEvent;

class BrokerConnectionTellsWhenRequestsMayPublishTest {

    private final com.rabbitmq.client.Connection amqp = mock(com.rabbitmq.client.Connection.class);
    private final Connection connection = mock(Connection.class);
    private final BrokerConnection broker = new BrokerConnection(new CachingConnectionFactory());

    @BeforeEach
    void theRelayIsConnected() {
        when(connection.getDelegate()).thenReturn(amqp);
        broker.onCreate(connection);
    }

    @Test
    void requestsPublishUntilTheBrokerIsKnownToBeUnreachable() {
        assertThat(broker.takesPublishes()).isTrue();
    }

    @Test
    void aConnectionTheBrokerDroppedStopsRequestsPublishingUntilANewOneIsMade() {
        broker.onShutDown(new ShutdownSignalException(true, false, null, amqp));
        assertThat(broker.takesPublishes()).isFalse();

        broker.onCreate(connection);
        assertThat(broker.takesPublishes()).isTrue();
    }

    @Test
    void theShutdownOfAConnectionAlreadyReplacedChangesNothing() {
        com.rabbitmq.client.Connection replacement = mock(com.rabbitmq.client.Connection.class);
        Connection next = mock(Connection.class);
        when(next.getDelegate()).thenReturn(replacement);
        broker.onCreate(next);

        broker.onShutDown(new ShutdownSignalException(true, false, null, amqp));

        assertThat(broker.takesPublishes()).isTrue();
    }

    @Test
    void aConnectionTheRelayClosedItselfChangesNothing() {
        broker.onShutDown(new ShutdownSignalException(true, true, null, amqp));

        assertThat(broker.takesPublishes()).isTrue();
    }

    @Test
    void aConnectionThatCouldNotBeMadeStopsRequestsPublishing() {
        broker.onFailed(new ConnectException("Connection refused"));

        assertThat(broker.takesPublishes()).isFalse();
    }

    @Test
    void aBrokerBlockingPublishersOnAResourceAlarmStopsRequestsPublishingUntilItUnblocks() {
        broker.onBlocked(new ConnectionBlockedEvent(connection, "low on memory"));
        assertThat(broker.takesPublishes()).isFalse();

        broker.onUnblocked(new ConnectionUnblockedEvent(connection));
        assertThat(broker.takesPublishes()).isTrue();
    }
}
