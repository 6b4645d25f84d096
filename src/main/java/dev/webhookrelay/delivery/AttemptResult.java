package dev.webhookrelay.delivery;

import java.util.Map;

/** What one HTTP attempt produced: a response, or the error that prevented one. */
public record AttemptResult(
        Integer status,
        Map<String, String> responseHeaders,
        String responseBody,
        Throwable failure,
        long durationMillis) {

    public String errorClass() {
        return failure == null ? null : ResponseClassifier.rootOfInterest(failure).getClass().getName();
    }

    public String errorMessage() {
        return failure == null ? null : String.valueOf(ResponseClassifier.rootOfInterest(failure).getMessage());
    }
}
