package dev.webhookrelay.delivery;

import java.net.SocketTimeoutException;

/** The attempt's wall-clock deadline ended it: a timeout, so it is retried like one. */
public class AttemptTimeoutException extends SocketTimeoutException {

    public AttemptTimeoutException(String message) {
        super(message);
    }
}
