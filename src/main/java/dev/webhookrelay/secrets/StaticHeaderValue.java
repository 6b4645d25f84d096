package dev.webhookrelay.secrets;

/** A static header's value as registered, and whether the tenant marked it {@code "sensitive": true}. */
public record StaticHeaderValue(String value, boolean markedSensitive) {

    @Override
    public String toString() {
        return "StaticHeaderValue[value=" + SealedHeaders.MASK + ", markedSensitive=" + markedSensitive + "]";
    }
}
