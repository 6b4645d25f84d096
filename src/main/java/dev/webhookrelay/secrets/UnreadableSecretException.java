package dev.webhookrelay.secrets;

/** A stored secret the relay cannot open; the message names the key id, never the value. */
public class UnreadableSecretException extends RuntimeException {

    public UnreadableSecretException(String message) {
        super(message);
    }
}
