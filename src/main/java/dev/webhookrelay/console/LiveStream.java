package dev.webhookrelay.console;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One open server-sent event stream: polled by the poller, written by a sender thread, so a client
 * that stops reading blocks only its own write (until the socket's write timeout), never the polls or
 * sends of other streams. While its send is in flight the stream is not polled, so it has at most one
 * write pending. Its slot is freed once, by whichever end comes first: completion, timeout, a
 * container error (the client left) or a failed send.
 */
final class LiveStream {

    /** A quiet stream sends a comment this many polls apart, so a client that left is found out and its slot freed. */
    static final int HEARTBEAT_POLLS = 10;

    /** The next event of a stream, or null when nothing changed. */
    interface Poll {
        SseEmitter.SseEventBuilder next();
    }

    private final SseEmitter emitter;
    private final StreamSlots.Slot slot;
    private final Poll poll;
    private final Executor sender;
    private final Runnable onEnd;
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    // The first poll sends at least a comment: nothing reaches the client, not even the status and
    // headers that tell it the stream is open, before something is written.
    private int quietPolls = HEARTBEAT_POLLS - 1;

    LiveStream(SseEmitter emitter, StreamSlots.Slot slot, Poll poll, Executor sender, Runnable onEnd) {
        this.emitter = emitter;
        this.slot = slot;
        this.poll = poll;
        this.sender = sender;
        this.onEnd = onEnd;
        emitter.onCompletion(this::end);
        emitter.onTimeout(this::end);
        emitter.onError(error -> end());
    }

    SseEmitter emitter() {
        return emitter;
    }

    /** One poll, on the poller's thread; the runs of one stream never overlap. */
    void poll() {
        if (ended.get() || !sending.compareAndSet(false, true)) {
            return;
        }
        SseEmitter.SseEventBuilder event;
        try {
            event = poll.next();
        } catch (RuntimeException e) {
            finish(e);
            return;
        }
        if (event == null && ++quietPolls >= HEARTBEAT_POLLS) {
            event = SseEmitter.event().comment("");
        }
        if (event == null) {
            sending.set(false);
            return;
        }
        quietPolls = 0;
        SseEmitter.SseEventBuilder next = event;
        try {
            sender.execute(() -> send(next));
        } catch (RejectedExecutionException e) {
            finish(e);
        }
    }

    private void send(SseEmitter.SseEventBuilder event) {
        try {
            emitter.send(event);
            sending.set(false);
        } catch (IOException | RuntimeException e) {
            end();
            emitter.completeWithError(e);
        }
    }

    /** Ends it from outside (shutdown): completed by a sender thread, since a stalled write holds the emitter. */
    void close() {
        end();
        try {
            sender.execute(emitter::complete);
        } catch (RejectedExecutionException e) {
            // The senders are gone: the server's shutdown closes the connection.
        }
    }

    /** Ends it from the poller, which may touch the emitter here: this stream has no send in flight. */
    private void finish(Exception e) {
        end();
        emitter.completeWithError(e);
    }

    private void end() {
        if (ended.compareAndSet(false, true)) {
            slot.release();
            onEnd.run();
        }
    }
}
