package dev.webhookrelay.delivery;

/** Why an endpoint was disabled, and so why its deliveries are PAUSED (stored as the code). */
public enum PauseReason {
    OPERATOR("operator"),
    GONE("gone"),
    CIRCUIT_BREAKER("circuit-breaker");

    private final String code;

    PauseReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
