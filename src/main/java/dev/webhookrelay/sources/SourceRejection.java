package dev.webhookrelay.sources;

/** A request a source refuses: its reason, and a detail for the tenant that never holds a secret. */
final class SourceRejection extends RuntimeException {

    private final RejectionReason reason;

    SourceRejection(RejectionReason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    RejectionReason reason() {
        return reason;
    }

    /** A refusal is normal traffic: no stack trace to capture. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
