package dev.webhookrelay.delivery;

import java.util.Map;

/** What one HTTP attempt produced: a response, or the error that prevented one. */
public record AttemptResult(
        Integer status,
        Map<String, String> responseHeaders,
        String responseBody,
        Throwable failure,
        long durationMillis) {

    private static final int MAX_ERROR_CHARS = 1000;

    public String errorClass() {
        return failure == null ? null : ResponseClassifier.rootOfInterest(failure).getClass().getName();
    }

    /** The error as the attempt log keeps it: a receiver's bytes can appear in a protocol error. */
    public String errorMessage() {
        return failure == null ? null
                : ReceiverText.storable(String.valueOf(ResponseClassifier.rootOfInterest(failure).getMessage()),
                        MAX_ERROR_CHARS);
    }
}
