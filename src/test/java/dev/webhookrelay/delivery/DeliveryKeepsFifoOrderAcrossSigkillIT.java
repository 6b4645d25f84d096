package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import dev.webhookrelay.support.OrderCheckingReceiver;
import dev.webhookrelay.support.RelayClient;
import dev.webhookrelay.support.RelayProcess;
import org.junit.jupiter.api.Test;

/**
 * 1,000 events to a fifo endpoint whose receiver fails the 10th three times, with the relay killed
 * (SIGKILL) part way and restarted: the receiver accepts every event, in order, with no gap and no
 * reordering. A delivery the kill interrupted may arrive twice, one right after the other.
 */
class DeliveryKeepsFifoOrderAcrossSigkillIT {

    private static final int EVENTS = 1_000;

    @Test
    void aFifoEndpointGetsEveryEventInOrderAcrossAKillAndARestart() throws Exception {
        try (OrderCheckingReceiver receiver = new OrderCheckingReceiver().failing(10, 3);
             RelayProcess first = new RelayProcess("fifo-sigkill-1").start()) {
            AtomicReference<RelayClient> relay = new AtomicReference<>(new RelayClient(first.baseUrl()));
            String key = relay.get().createTenant(RelayProcess.ADMIN_TOKEN, "fifo-sigkill");
            relay.get().createEndpoint(key, receiver.url(), "\"ordering\":\"fifo\"");

            long started = System.nanoTime();
            ExecutorService sender = Executors.newSingleThreadExecutor();
            // One after the other, each accepted before the next is posted: the order fifo keeps.
            // A post the dead relay did not answer is sent again, with its key, to whichever relay runs.
            Future<?> posting = sender.submit(() -> {
                for (int n = 1; n <= EVENTS; n++) {
                    while (relay.get().postEvent(key, "order.created", "fifo-" + n, "{\"n\":" + n + "}") == null) {
                        Thread.sleep(200);
                    }
                }
                return null;
            });
            await().atMost(Duration.ofSeconds(120)).until(() -> receiver.accepted().size() >= 300);
            first.kill();
            int acceptedAtKill = receiver.accepted().size();

            try (RelayProcess second = new RelayProcess("fifo-sigkill-2").start()) {
                relay.set(new RelayClient(second.baseUrl()));
                posting.get(180, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> receiver.accepted().stream().distinct().count() == EVENTS);
            }
            sender.shutdownNow();
            double seconds = (System.nanoTime() - started) / 1e9;

            List<Integer> accepted = receiver.accepted();
            assertThat(accepted.stream().distinct().toList())
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, EVENTS).boxed().toList());
            for (int i = 1; i < accepted.size(); i++) {
                assertThat(accepted.get(i)).as("accepted[%d] after %d", i, accepted.get(i - 1))
                        .isGreaterThanOrEqualTo(accepted.get(i - 1));
            }
            assertThat(receiver.mostInProgress()).isEqualTo(1);
            System.out.printf("fifo SIGKILL test: %d events in order, %d accepted before the kill, %d duplicates, "
                    + "%.1f s (%.0f events/s including the restart and the killed relay's claim leases)%n", EVENTS, acceptedAtKill,
                    accepted.size() - EVENTS, seconds, EVENTS / seconds);
        }
    }
}
