package dev.webhookrelay.regex;

/**
 * A string for java.util.regex to match that runs {@code guard} before every character it reads:
 * a backtracking pattern can take exponential time on a short string and the engine has no limit of
 * its own, so the guard (a budget, a deadline) is the only way to stop a match from outside. The
 * guard ends the match by throwing; every view of the string shares it.
 */
public record GuardedChars(String text, Runnable guard) implements CharSequence {

    @Override
    public char charAt(int index) {
        guard.run();
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new GuardedChars(text.substring(start, end), guard);
    }

    @Override
    public String toString() {
        return text;
    }
}
