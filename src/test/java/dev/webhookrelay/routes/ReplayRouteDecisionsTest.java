package dev.webhookrelay.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import dev.webhookrelay.replay.ReplayService;
import dev.webhookrelay.support.FastRouteTest;
import org.junit.jupiter.api.Test;

/**
 * routes/replay.camel.yaml: a single replay publishes at once unless its endpoint is disabled, a bulk
 * replay request only answers (run-replays publishes its batches), and each batch publishes every
 * delivery it re-queued.
 */
class ReplayRouteDecisionsTest extends FastRouteTest {

    private final UUID endpoint = UUID.randomUUID();

    @Test
    void aReplayedDeliveryIsPublishedToTheWorkQueueThenAnswered202() throws Exception {
        UUID delivery = UUID.randomUUID();
        when(replayService.replayOne(any(), any(), any())).thenReturn(new ReplayService.Replayed(
                Map.of("deliveryId", delivery.toString(), "status", "RECEIVED"), workMessage(delivery, endpoint, 1)));

        Answer answer = call("replay-delivery");

        assertThat(publishedDeliveryIds()).containsExactly(delivery.toString());
        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.json().get("deliveryId").asText()).isEqualTo(delivery.toString());
        assertThat(answer.json().get("status").asText()).isEqualTo("RECEIVED");
    }

    @Test
    void aReplayedDeliveryOfADisabledEndpointIsPausedAndNotPublished() throws Exception {
        UUID delivery = UUID.randomUUID();
        when(replayService.replayOne(any(), any(), any())).thenReturn(new ReplayService.Replayed(
                Map.of("deliveryId", delivery.toString(), "status", "PAUSED"), null));

        Answer answer = call("replay-delivery");

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.json().get("status").asText()).isEqualTo("PAUSED");
        verify(workPublisher, never()).toWorkQueue(any());
    }

    @Test
    void aDeliveryThatCannotBeReplayedIsAnswered409AndNothingIsPublished() throws Exception {
        when(replayService.replayOne(any(), any(), any())).thenThrow(problem(409, "Delivery is RETRY_SCHEDULED", "id"));

        Answer answer = call("replay-delivery");

        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        verify(workPublisher, never()).toWorkQueue(any());
    }

    @Test
    void aBulkReplayRequestIsAnswered202WithoutPublishingAnything() throws Exception {
        when(replayService.replayDeadLetters(any(), any(), any())).thenReturn(Map.of("matched", 250, "status", "RUNNING"));

        Answer answer = call("replay-dead-letters", "{}", Map.of());

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.json().get("matched").asInt()).isEqualTo(250);
        verify(workPublisher, never()).toWorkQueue(any());
    }

    @Test
    void aBatchOfNDeadLettersPublishesNMessages() throws Exception {
        List<UUID> batch = Stream.generate(UUID::randomUUID).limit(25).toList();
        when(replayService.nextBatch()).thenReturn(batch.stream().map(id -> workMessage(id, endpoint, 1)).toList());

        call("run-replays");

        List<String> ids = batch.stream().map(UUID::toString).toList();
        assertThat(publishedDeliveryIds()).hasSize(25).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void aReplayRunWithNoBatchDuePublishesNothing() throws Exception {
        when(replayService.nextBatch()).thenReturn(List.of());

        call("run-replays");

        assertThat(publishedDeliveryIds()).isEmpty();
    }

    @Test
    void aRecoveryIsAnswered202AndAReplaysProgress200() throws Exception {
        when(replayService.recover(any(), any(), any(), any())).thenReturn(Map.of("status", "RUNNING"));
        when(replayService.status(any(), any())).thenReturn(Map.of("total", 3, "done", 1));

        Answer recovery = call("recover-endpoint", "{\"since\":\"2026-11-29T00:00:00Z\"}", Map.of());
        Answer progress = call("get-replay");

        assertThat(recovery.status()).isEqualTo(202);
        assertThat(progress.status()).isEqualTo(200);
        assertThat(progress.json().get("total").asInt()).isEqualTo(3);
    }

    @Test
    void theDeadLetterListIsAnswered200AsJson() throws Exception {
        when(deliveryQueries.deadLettered(any(), any()))
                .thenReturn(Map.of("items", List.of(Map.of("status", "DEAD_LETTERED"))));

        Answer answer = call("list-dead-letters");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("items").get(0).get("status").asText()).isEqualTo("DEAD_LETTERED");
    }
}
