package dev.webhookrelay.transform;

/**
 * A transformation that cannot be compiled, or whose evaluation failed or went past its bounds.
 * {@code position} is the character offset in the expression JSONata reports, or -1 when it gives none.
 */
public class TransformationException extends Exception {

    private final int position;

    public TransformationException(String message, int position) {
        super(position >= 0 ? message + " (at position " + position + ")" : message);
        this.position = position;
    }

    public int position() {
        return position;
    }
}
