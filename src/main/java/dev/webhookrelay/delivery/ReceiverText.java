package dev.webhookrelay.delivery;

/**
 * Makes what a receiver sent storable as text. PostgreSQL refuses NUL in text and jsonb, and a
 * header or error message may carry any byte; recording an attempt must never fail on them.
 */
final class ReceiverText {

    private ReceiverText() {
    }

    /** At most maxChars characters, with NUL and other control characters (but tab and line breaks) removed. */
    static String storable(String text, int maxChars) {
        if (text == null) {
            return null;
        }
        StringBuilder kept = new StringBuilder(Math.min(text.length(), maxChars));
        for (int i = 0; i < text.length() && kept.length() < maxChars; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c != 0x7f || c == '\t' || c == '\n' || c == '\r') {
                kept.append(c);
            }
        }
        return kept.toString();
    }
}
