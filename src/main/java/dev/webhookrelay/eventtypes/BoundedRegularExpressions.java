package dev.webhookrelay.eventtypes;

import java.util.regex.Pattern;

import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;
import dev.webhookrelay.regex.GuardedChars;

/**
 * The "pattern" and "patternProperties" of a tenant's schema, run by java.util.regex with a budget:
 * a backtracking pattern ({@code (a+)+$}) over a long string gives up after a fixed number of character
 * reads instead of holding an ingest thread for minutes. Patterns are compiled when the schema is, so
 * a malformed one is refused at registration.
 */
final class BoundedRegularExpressions implements RegularExpressionFactory {

    /** Character reads allowed per match: far above any sane pattern over a payload-sized string. */
    static final long READS_PER_MATCH = 1_000_000;

    @Override
    public RegularExpression getRegularExpression(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return value -> {
            long[] budget = {READS_PER_MATCH};
            return pattern.matcher(new GuardedChars(value, () -> {
                if (--budget[0] < 0) {
                    throw new BudgetExceeded();
                }
            })).find();
        };
    }

    /** Thrown when a match spends its budget; the payload is then refused, as it could not be validated. */
    static final class BudgetExceeded extends RuntimeException {

        BudgetExceeded() {
            super("a pattern of the schema needed too many steps on this payload", null, false, false);
        }
    }
}
