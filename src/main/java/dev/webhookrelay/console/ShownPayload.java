package dev.webhookrelay.console;

import java.io.IOException;
import java.io.Writer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * An event's payload as a page shows it: indented while that stays readable, compact past
 * {@link #MAX_INDENTED_CHARS}. Indentation grows with nesting: a 253 KB payload 900 levels deep
 * indents to about 110 MB, and one page view of it filled the heap and stopped the relay. So the
 * indented text is written into a bounded buffer, and abandoned at the bound.
 */
final class ShownPayload {

    /** A megabyte of text: far more than anyone reads on a page, and a bounded cost per view. */
    static final int MAX_INDENTED_CHARS = 1 << 20;

    private final ObjectWriter indented;
    private final ObjectWriter compact;

    ShownPayload(ObjectMapper json) {
        this.indented = json.writer().with(SerializationFeature.INDENT_OUTPUT);
        this.compact = json.writer().without(SerializationFeature.INDENT_OUTPUT);
    }

    String of(Object payload) throws JsonProcessingException {
        BoundedText text = new BoundedText();
        try {
            indented.writeValue(text, payload);
            return text.toString();
        } catch (IOException e) {
            if (text.overflowed) {
                return compact.writeValueAsString(payload);
            }
            if (e instanceof JsonProcessingException processing) {
                throw processing;
            }
            throw new IllegalStateException(e);
        }
    }

    /** Raised by BoundedText at its bound: the indented text is abandoned. */
    private static final class TooLong extends IOException {
        TooLong() {
            super("indented payload longer than " + MAX_INDENTED_CHARS + " characters", null);
        }
    }

    private static final class BoundedText extends Writer {

        private final StringBuilder text = new StringBuilder();
        private boolean overflowed;

        @Override
        public void write(char[] chars, int offset, int length) throws IOException {
            if (text.length() + length > MAX_INDENTED_CHARS) {
                overflowed = true;
                throw new TooLong();
            }
            text.append(chars, offset, length);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
