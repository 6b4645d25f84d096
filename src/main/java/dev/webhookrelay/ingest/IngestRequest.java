package dev.webhookrelay.ingest;

/** A validated POST /v1/events: the event as it will be stored, plus what idempotency needs. */
public record IngestRequest(String type, String payloadJson, String bodyHash, String idempotencyKey) {
}
