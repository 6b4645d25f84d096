package dev.webhookrelay.transform;

import java.text.ParseException;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;

import com.dashjoin.jsonata.Functions;
import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;

/**
 * The limits of one evaluation, enforced at every step JSONata takes (its entry and exit
 * callbacks): a deadline and a nesting depth, which stop loops and runaway recursion, and the size
 * of every string, array and object a step produces, which stops a body that doubles itself. The
 * built-in functions that can amplify their input in a single step ({@code $pad}, {@code $replace},
 * {@code $string}) are replaced by versions that check the size first, and those that match a
 * regular expression (one step however long the match takes) by {@link RegularExpressions}, whose
 * matches check the deadline as they read; {@code $toMillis}, which would match a picture in one
 * step, reads ISO 8601 only.
 */
final class EvaluationBounds {

    private final long deadlineNanos;
    private final long timeoutMillis;
    private final int maxDepth;
    private final int maxSize;
    private int depth;
    private int regexReads;
    private final Map<Object, Long> weights = new IdentityHashMap<>();
    private final RegularExpressions regexes = new RegularExpressions(this::regexRead);

    private EvaluationBounds(long timeoutMillis, int maxDepth, int maxSize) {
        this.timeoutMillis = timeoutMillis;
        this.deadlineNanos = System.nanoTime() + timeoutMillis * 1_000_000L;
        this.maxDepth = maxDepth;
        this.maxSize = maxSize;
    }

    /** A frame for one evaluation of {@code expression}, bounded. */
    static Jsonata.Frame frame(Jsonata expression, long timeoutMillis, int maxDepth, int maxSize) {
        EvaluationBounds bounds = new EvaluationBounds(timeoutMillis, maxDepth, maxSize);
        Jsonata.Frame frame = expression.createFrame();
        frame.setEvaluateEntryCallback((symbol, input, environment) -> {
            if (!environment.isParallelCall) {
                bounds.depth++;
                bounds.check();
            }
        });
        frame.setEvaluateExitCallback((symbol, input, environment, result) -> {
            if (!environment.isParallelCall) {
                bounds.depth--;
            }
            bounds.check();
            bounds.checkSize(result);
        });
        frame.bind("pad", Jsonata.function("pad", bounds::pad, "<s-ns?:s>"));
        frame.bind("replace", Jsonata.function("replace", bounds::replace, "<s-(sf)(sf)n?:s>"));
        frame.bind("string", Jsonata.function("string", bounds::string, "<x-b?:s>"));
        frame.bind("contains", Jsonata.function("contains", bounds.regexes::contains, "<s-(sf):b>"));
        frame.bind("match", Jsonata.function("match", bounds.regexes::match, "<s-f<s:o>n?:a<o>>"));
        frame.bind("split", Jsonata.function("split", bounds.regexes::split, "<s-(sf)n?:a<s>>"));
        frame.bind("eval", Jsonata.function("eval", bounds::eval, "<sx?:x>"));
        frame.bind("toMillis", Jsonata.function("toMillis", EvaluationBounds::toMillis, "<s-s?:n>"));
        return frame;
    }

    private void check() {
        if (depth > maxDepth) {
            throw new JException("Transformation nested deeper than " + maxDepth + " steps (relay.transformations.max-depth)", -1);
        }
        checkDeadline();
    }

    /** Every 1,024th character a regular expression reads: reading the clock costs more than reading a character. */
    private void regexRead() {
        if ((++regexReads & 1023) == 0) {
            checkDeadline();
        }
    }

    private void checkDeadline() {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new JException("Transformation took longer than " + timeoutMillis + " ms (relay.transformations.timeout)", -1);
        }
    }

    private void checkSize(Object result) {
        if (weight(result) > maxSize) {
            throw tooLarge();
        }
    }

    /**
     * A value's printed size, roughly, counting a value shared many times over each time: one step
     * can build a tree that doubles on each level out of shared halves, small in memory but not when
     * printed (or when JSONata walks the result). Weights of arrays and objects are remembered, so
     * each one is weighed once however often steps return it.
     */
    private long weight(Object value) {
        if (value instanceof CharSequence text) {
            return text.length() + 2L;
        }
        if (!(value instanceof Map<?, ?>) && !(value instanceof Collection<?>)) {
            return 1;
        }
        Long known = weights.get(value);
        if (known != null) {
            return known;
        }
        long total = 2;
        if (value instanceof Collection<?> list) {
            if (list.size() > maxSize) {
                throw tooLarge();
            }
            for (Object item : list) {
                total += weight(item) + 1;
                if (total > maxSize) {
                    throw tooLarge();
                }
            }
        } else {
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                total += String.valueOf(entry.getKey()).length() + 4 + weight(entry.getValue());
                if (total > maxSize) {
                    throw tooLarge();
                }
            }
        }
        weights.put(value, total);
        return total;
    }

    private JException tooLarge() {
        return new JException("Transformation built a value larger than " + maxSize
                + " characters or items (relay.transformations.max-output-bytes)", -1);
    }

    private String pad(String text, Number width, String padding) {
        if (width != null && Math.abs(width.doubleValue()) > maxSize) {
            throw tooLarge();
        }
        return Functions.pad(text, width, padding);
    }

    /** Checked against the worst case, a match at every position, when the replacement is a string. */
    private String replace(String text, Object pattern, Object replacement, Number limit) {
        if (text != null && replacement instanceof String with
                && (long) text.length() + ((long) text.length() + 1) * with.length() > maxSize) {
            throw tooLarge();
        }
        return regexes.replace(text, pattern, replacement, limit);
    }

    /**
     * $eval compiles its expression during the evaluation, where {@link RegularExpressions#takeOver}
     * does not reach: {@link RegularExpressions#checkEvaluable} refuses what it would have. JSONata
     * reports any failure inside $eval as its own, so the bounds are checked again to name the one
     * that ended it.
     */
    private Object eval(String expression, Object focus) {
        if (expression != null) {
            RegularExpressions.checkEvaluable(expression);
        }
        try {
            return Functions.functionEval(expression, focus);
        } catch (JException failed) {
            check();
            throw failed;
        }
    }

    /**
     * ISO 8601 only: the engine reads a timestamp by a picture through a regular expression it builds
     * from the picture, unguarded and in one step (ten {@code [d]} over 38 digits took 8 s).
     */
    private static Long toMillis(String timestamp, String picture) {
        if (picture != null) {
            throw new JException("$toMillis takes no picture in a transformation (the engine would match it in one "
                    + "step the timeout cannot stop): only an ISO 8601 timestamp", -1);
        }
        try {
            return Functions.dateTimeToMillis(timestamp, null);
        } catch (ParseException unreadable) {
            throw new JException("D3110", -1, timestamp);
        }
    }

    /** A structure can share one value many times over: its printed size is counted before it is printed. */
    private String string(Object value, Boolean pretty) {
        checkSize(value);
        return Functions.string(value, pretty);
    }
}
