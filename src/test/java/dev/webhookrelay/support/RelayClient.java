package dev.webhookrelay.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A small HTTP client for a relay running as a separate process. */
public final class RelayClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    public RelayClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String createTenant(String adminToken, String name) {
        return post("/v1/admin/tenants", adminToken, "{\"name\":\"" + name + "\"}").get("apiKey").asText();
    }

    public JsonNode createEndpoint(String apiKey, String url) {
        return post("/v1/endpoints", apiKey, "{\"url\":\"" + url + "\"}");
    }

    /** An endpoint with more settings than its URL: {@code members} is the rest of the JSON object. */
    public JsonNode createEndpoint(String apiKey, String url, String members) {
        return post("/v1/endpoints", apiKey, "{\"url\":\"" + url + "\"," + members + "}");
    }

    /** Posts an event; returns the answer, or null when the relay could not be reached. */
    public JsonNode postEvent(String apiKey, String type, String idempotencyKey) {
        return postEvent(apiKey, type, idempotencyKey, "{\"n\":1}");
    }

    /** Posts an event with this payload; returns the answer, or null when the relay could not be reached. */
    public JsonNode postEvent(String apiKey, String type, String idempotencyKey, String payload) {
        try {
            HttpResponse<String> response = http.send(request("/v1/events", apiKey,
                    "{\"type\":\"" + type + "\",\"payload\":" + payload + "}")
                    .header("Idempotency-Key", idempotencyKey).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 202 ? JSON.readTree(response.body()) : null;
        } catch (Exception unreachable) {
            return null;
        }
    }

    /** POST /v1/dlq/replay for one endpoint: returns how many dead letters it re-queues. */
    public int replayDeadLetters(String apiKey, String endpointId) {
        return post("/v1/dlq/replay", apiKey, "{\"endpointId\":\"" + endpointId + "\"}").get("count").asInt();
    }

    private JsonNode post(String path, String bearer, String body) {
        try {
            HttpResponse<String> response = http.send(request(path, bearer, body).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(path + " -> " + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder request(String path, String bearer, String body) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }
}
