package dev.webhookrelay.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A live stream frees its tenant's slot once, whichever end comes first (completion, the async
 * request's timeout, a container error when the client left, a failed send or heartbeat), and a
 * client that stops reading holds up only its own stream.
 */
class LiveStreamTest {

    private static final long PATIENCE_SECONDS = 30;

    private final UUID tenant = UUID.randomUUID();
    private final StreamSlots slots = new StreamSlots(3, 10);
    private final AtomicInteger ends = new AtomicInteger();
    private final ExecutorService senders = Executors.newCachedThreadPool();

    @AfterEach
    void stopSenders() {
        senders.shutdownNow();
    }

    @Test
    void theTimeoutCompletionOrErrorOfTheRequestFreesTheSlotOnce() {
        Client timedOut = new Client();
        Client left = new Client();
        new LiveStream(timedOut, slots.take(tenant), () -> null, senders, ends::incrementAndGet);
        new LiveStream(left, slots.take(tenant), () -> null, senders, ends::incrementAndGet);

        timedOut.timeout.run();
        timedOut.completion.run();
        assertThat(slots.openOf(tenant)).isEqualTo(1);

        left.error.accept(new IOException("Connection reset by peer"));
        left.completion.run();
        assertThat(slots.openOf(tenant)).isZero();
        assertThat(ends).hasValue(2);
    }

    @Test
    void aClientThatLeftAQuietStreamIsFoundByTheHeartbeatAndFreesItsSlot() {
        Client gone = new Client();
        LiveStream stream = new LiveStream(gone, slots.take(tenant), () -> null, Runnable::run, ends::incrementAndGet);
        stream.poll();
        assertThat(gone.attempts).as("the first poll opens the stream").hasValue(1);

        gone.failure = new IOException("Broken pipe");
        for (int poll = 1; poll < LiveStream.HEARTBEAT_POLLS; poll++) {
            stream.poll();
        }
        assertThat(gone.attempts).hasValue(1);
        assertThat(slots.openOf(tenant)).isEqualTo(1);

        stream.poll();
        assertThat(gone.attempts).hasValue(2);
        assertThat(slots.openOf(tenant)).isZero();
        assertThat(ends).hasValue(1);
    }

    @Test
    void aReaderThatStopsReadingIsNotPolledAgainAndOthersStillGetTheirUpdates() throws Exception {
        Client stalled = new Client();
        stalled.stall = new CountDownLatch(1);
        Client reading = new Client();
        AtomicInteger stalledPolls = new AtomicInteger();
        LiveStream slow = new LiveStream(stalled, slots.take(tenant), () -> {
            stalledPolls.incrementAndGet();
            return SseEmitter.event().name("attempt").data("rows");
        }, senders, ends::incrementAndGet);
        LiveStream fast = new LiveStream(reading, slots.take(tenant),
                () -> SseEmitter.event().name("attempt").data("rows"), senders, ends::incrementAndGet);

        slow.poll();
        assertThat(stalled.writing.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        slow.poll();
        slow.poll();
        fast.poll();
        assertThat(reading.sent.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(stalledPolls).hasValue(1);

        // The socket's write timeout ends the stalled write: the stream ends and its slot is free.
        stalled.failure = new IOException("write timed out");
        stalled.stall.countDown();
        assertThat(stalled.errored.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(slots.openOf(tenant)).isEqualTo(1);
        slow.poll();
        assertThat(stalledPolls).hasValue(1);
    }

    @Test
    void aStreamWhosePollFailsEndsAndFreesItsSlot() {
        Client client = new Client();
        LiveStream stream = new LiveStream(client, slots.take(tenant), () -> {
            throw new IllegalStateException("database gone");
        }, Runnable::run, ends::incrementAndGet);

        stream.poll();

        assertThat(slots.openOf(tenant)).isZero();
        assertThat(client.errored.getCount()).isZero();
    }

    /** The emitter as the container drives it: its callbacks kept, its sends failing or stalling on demand. */
    private static final class Client extends SseEmitter {

        Runnable completion;
        Runnable timeout;
        Consumer<Throwable> error;
        volatile IOException failure;
        volatile CountDownLatch stall;
        final AtomicInteger attempts = new AtomicInteger();
        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch sent = new CountDownLatch(1);
        final CountDownLatch errored = new CountDownLatch(1);
        final List<SseEventBuilder> events = new CopyOnWriteArrayList<>();

        @Override
        public void onCompletion(Runnable callback) {
            completion = callback;
        }

        @Override
        public void onTimeout(Runnable callback) {
            timeout = callback;
        }

        @Override
        public void onError(Consumer<Throwable> callback) {
            error = callback;
        }

        @Override
        public void send(SseEventBuilder event) throws IOException {
            attempts.incrementAndGet();
            writing.countDown();
            if (stall != null) {
                try {
                    stall.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (failure != null) {
                throw failure;
            }
            events.add(event);
            sent.countDown();
        }

        @Override
        public void completeWithError(Throwable ex) {
            errored.countDown();
        }
    }
}
