package dev.webhookrelay.sources;

/**
 * Why a request to a source was refused, with the status it is answered with. The codes are the
 * metric's reason tag and what the tenant's rejection list shows: a fixed, small set.
 */
public enum RejectionReason {
    MISSING_SIGNATURE("missing-signature", 401),
    MALFORMED_SIGNATURE("malformed-signature", 401),
    SIGNATURE_MISMATCH("signature-mismatch", 401),
    TIMESTAMP_OUTSIDE_TOLERANCE("timestamp-outside-tolerance", 401),
    UNREADABLE_BODY("unreadable-body", 400),
    NO_EVENT_TYPE("no-event-type", 400),
    BODY_TOO_LARGE("body-too-large", 413);

    private final String code;
    private final int status;

    RejectionReason(String code, int status) {
        this.code = code;
        this.status = status;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }
}
