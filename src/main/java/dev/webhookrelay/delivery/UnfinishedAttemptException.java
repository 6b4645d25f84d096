package dev.webhookrelay.delivery;

/** The attempt's outcome was never recorded, claim after claim: the failure the attempt log shows. */
public class UnfinishedAttemptException extends Exception {

    public UnfinishedAttemptException(String message) {
        super(message, null, false, false);
    }
}
