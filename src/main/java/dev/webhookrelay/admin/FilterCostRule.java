package dev.webhookrelay.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Keeps an endpoint's filter linear in the size of the event it is matched against. PostgreSQL runs
 * the filter inside the ingest statement and keeps what its paths yield until the filter is decided,
 * so a filter that compares two sequences, or evaluates a path once per item of another, costs the
 * square of the payload in time and memory: {@code exists($.data.a[*] ? (@ != $.data.a[*]))} over a
 * 240 KB array grew one database process past the machine's memory, and PostgreSQL restarted every
 * connection of every tenant.
 * <p>
 * In lax mode any member access may yield a sequence (an array is unwrapped), so the rule is an
 * allow-list over the filter as PostgreSQL prints it back ({@code filter::jsonpath::text}: comments
 * gone, keywords in lower case, keys and variables quoted), which no spelling of the filter can hide
 * a token from. It allows:
 * <ul>
 * <li>comparisons and arithmetic with a literal on one side ({@code $.data.amount > 100},
 * {@code $.data.orderId % 4 == 0}), never two paths;</li>
 * <li>{@code starts with} a literal, {@code like_regex} without back-references, {@code exists},
 * {@code is unknown}, {@code &&}, {@code ||}, {@code !};</li>
 * <li>paths from {@code $} at the top and from {@code @} in a condition {@code ?( )}: members,
 * {@code .*}, {@code [*]}, one index ({@code [0]}, {@code [last - 1]}), item methods other than
 * {@code .keyvalue()} (which copies every value's subtree), and {@code .**} once per filter, outside
 * conditions;</li>
 * <li>at most {@value #MAX_PATHS} paths: each may hold a copy of the payload's values while the filter
 * runs; at most {@value #MAX_WALKS} of {@code [*]}, {@code .*}, {@code .**} and conditions; at most
 * {@value #MAX_DEPTH} levels of brackets, negations and conditions.</li>
 * </ul>
 */
final class FilterCostRule {

    static final int MAX_PATHS = 8;
    /** Brackets, negations and conditions inside one another: the check recurses once per level. */
    static final int MAX_DEPTH = 32;
    static final int MAX_WALKS = 16;

    private static final Set<String> COMPARISONS = Set.of("==", "!=", "<>", "<", "<=", ">", ">=");
    private static final Set<String> LITERAL_WORDS = Set.of("true", "false", "null");
    private static final String[] OPERATORS = {"**", "==", "!=", "<>", "<=", ">=", "&&", "||"};

    private final List<String> tokens;
    private int at;
    private int paths;
    private int anyLevels;
    private int depth;
    private int walks;

    private FilterCostRule(List<String> tokens) {
        this.tokens = tokens;
    }

    /**
     * Why the filter, as PostgreSQL prints it ({@code ::jsonpath::text}), could cost more than a pass
     * over the event; empty when it cannot.
     */
    static Optional<String> violation(String canonical) {
        try {
            new FilterCostRule(tokens(canonical)).filter();
            return Optional.empty();
        } catch (Refused refused) {
            return Optional.of(refused.getMessage());
        }
    }

    private void filter() {
        if (peekIs("strict") || peekIs("lax")) {
            next();
        }
        or(false);
        if (at < tokens.size()) {
            throw new Refused("unexpected '" + tokens.get(at) + "'");
        }
    }

    /*
     * PostgreSQL prints brackets only where its operator priorities need them (|| below &&, below the
     * comparisons, below + and -, below * / %), so the printed text is read by those priorities. Each
     * level answers whether its operand is a literal (one value whatever the event) or a path.
     */
    private boolean or(boolean inCondition) {
        return joined("||", () -> and(inCondition));
    }

    private boolean and(boolean inCondition) {
        return joined("&&", () -> predicate(inCondition));
    }

    /** Operands joined by a boolean operator: one operand is what it is, two or more a truth value. */
    private boolean joined(String operator, BooleanSupplier operand) {
        boolean literal = operand.getAsBoolean();
        while (peekIs(operator)) {
            next();
            operand.getAsBoolean();
            literal = false;
        }
        return literal;
    }

    private boolean predicate(boolean inCondition) {
        boolean left = additive(inCondition);
        if (at >= tokens.size()) {
            return left;
        }
        String operator = peek();
        if (COMPARISONS.contains(operator)) {
            next();
            pairWithALiteral(operator, left, additive(inCondition));
            return false;
        }
        if (operator.equals("starts")) {
            next();
            expect("with");
            if (!additive(inCondition)) {
                throw new Refused("starts with must be followed by a string");
            }
            return false;
        }
        if (operator.equals("like_regex")) {
            next();
            String pattern = next();
            if (pattern.matches("(?s).*\\\\\\\\[0-9].*")) {
                throw new Refused("like_regex may not use back-references (\\1...): their cost grows with a power "
                        + "of the string's length");
            }
            if (peekIs("flag")) {
                next();
                next();
            }
            return false;
        }
        return left;
    }

    private boolean additive(boolean inCondition) {
        boolean literal = multiplicative(inCondition);
        while (peekIs("+") || peekIs("-")) {
            String operator = next();
            boolean right = multiplicative(inCondition);
            pairWithALiteral(operator, literal, right);
            literal = literal && right;
        }
        return literal;
    }

    private boolean multiplicative(boolean inCondition) {
        boolean literal = unary(inCondition);
        while (peekIs("*") || peekIs("/") || peekIs("%")) {
            String operator = next();
            boolean right = unary(inCondition);
            pairWithALiteral(operator, literal, right);
            literal = literal && right;
        }
        return literal;
    }

    private static void pairWithALiteral(String operator, boolean left, boolean right) {
        if (!left && !right) {
            throw new Refused("'" + operator + "' must have a literal on one side: between two paths, either of "
                    + "which may yield a sequence, every pair is taken");
        }
    }

    private boolean unary(boolean inCondition) {
        if (++depth > MAX_DEPTH) {
            throw new Refused("a filter may nest at most " + MAX_DEPTH + " levels");
        }
        try {
            return unnested(inCondition);
        } finally {
            depth--;
        }
    }

    private boolean unnested(boolean inCondition) {
        switch (peek()) {
            case "-", "+" -> {
                next();
                return unary(inCondition);
            }
            case "(" -> {
                next();
                boolean literal = or(inCondition);
                expect(")");
                if (peekIs("is")) {
                    next();
                    expect("unknown");
                    return false;
                }
                accessors(inCondition);
                return literal;
            }
            case "!", "exists" -> {
                next();
                expect("(");
                or(inCondition);
                expect(")");
                return false;
            }
            default -> {
                return path(inCondition);
            }
        }
    }

    private boolean path(boolean inCondition) {
        String start = next();
        boolean literal;
        if (start.equals("$")) {
            if (peek().startsWith("\"")) {
                throw new Refused("a filter may not use variables ($name)");
            }
            if (inCondition) {
                throw new Refused("a condition ?( ) may not refer to $: it runs once per item, so it must judge "
                        + "its item @ alone");
            }
            literal = false;
        } else if (start.equals("@")) {
            literal = false;
        } else if (start.startsWith("\"") || Character.isDigit(start.charAt(0)) || LITERAL_WORDS.contains(start)) {
            literal = true;
        } else {
            throw new Refused("unexpected '" + start + "'");
        }
        if (!literal && ++paths > MAX_PATHS) {
            throw new Refused("a filter may use at most " + MAX_PATHS + " paths");
        }
        accessors(inCondition);
        return literal;
    }

    /** What follows a path's start, or a bracketed expression: members, subscripts, conditions, methods. */
    private void accessors(boolean inCondition) {
        while (true) {
            if (peekIs(".")) {
                next();
                step(inCondition);
            } else if (peekIs("[")) {
                next();
                subscript();
            } else if (peekIs("?")) {
                next();
                walked();
                expect("(");
                or(true);
                expect(")");
            } else {
                return;
            }
        }
    }

    private void step(boolean inCondition) {
        String step = next();
        if (step.equals("*")) {
            walked();
            return;
        }
        if (step.startsWith("\"")) {
            return;
        }
        if (step.equals("**")) {
            if (inCondition) {
                throw new Refused("a condition ?( ) may not use .**: it would walk every item's whole subtree");
            }
            if (++anyLevels > 1) {
                throw new Refused("a filter may use .** once: each walk holds every value of the event");
            }
            walked();
            if (peekIs("{")) {
                while (!next().equals("}")) {
                    // the levels: numbers, last and to only (PostgreSQL parsed them)
                }
            }
            return;
        }
        if (step.equals("keyvalue")) {
            throw new Refused(".keyvalue() is not allowed: it copies every value's whole subtree");
        }
        if (!Character.isLetter(step.charAt(0))) {
            throw new Refused("unexpected '." + step + "'");
        }
        expect("(");
        while (!peekIs(")")) {
            String argument = next();
            if (!argument.startsWith("\"") && !Character.isDigit(argument.charAt(0)) && !argument.equals(",")
                    && !argument.equals("-")) {
                throw new Refused("unexpected '" + argument + "' in ." + step + "()");
            }
        }
        next();
    }

    /** One index: a number or last, less a number; [*]. No lists, ranges or paths: each multiplies. */
    private void subscript() {
        if (peekIs("*")) {
            next();
            expect("]");
            walked();
            return;
        }
        String token;
        while (!(token = next()).equals("]")) {
            if (!Character.isDigit(token.charAt(0)) && !token.equals("last") && !token.equals("-")
                    && !token.equals("+")) {
                throw new Refused("an array subscript may be [*] or one index ([0], [last], [last - 1]); "
                        + "lists, ranges and paths in it multiply what it yields");
            }
        }
    }

    /** One more step that visits every item it is given: [*], .*, .** or a condition. */
    private void walked() {
        if (++walks > MAX_WALKS) {
            throw new Refused("a filter may use at most " + MAX_WALKS + " of [*], .*, .** and conditions ?( ): "
                    + "each one walks the items it is given");
        }
    }

    private String peek() {
        if (at >= tokens.size()) {
            throw new Refused("the filter ends too early");
        }
        return tokens.get(at);
    }

    private boolean peekIs(String token) {
        return at < tokens.size() && tokens.get(at).equals(token);
    }

    private String next() {
        String token = peek();
        at++;
        return token;
    }

    private void expect(String token) {
        if (!next().equals(token)) {
            throw new Refused("expected '" + token + "' at token " + at);
        }
    }

    /** The canonical text's tokens: strings whole (with their quotes), numbers, words and operators. */
    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int end = i + 1;
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '"') {
                while (end < text.length() && text.charAt(end) != '"') {
                    end += text.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(end + 1, text.length());
            } else if (Character.isDigit(c)) {
                while (end < text.length() && (Character.isDigit(text.charAt(end)) || text.charAt(end) == '.'
                        && end + 1 < text.length() && Character.isDigit(text.charAt(end + 1)))) {
                    end++;
                }
            } else if (Character.isLetter(c) || c == '_') {
                while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
                    end++;
                }
            } else {
                for (String operator : OPERATORS) {
                    if (text.startsWith(operator, i)) {
                        end = i + operator.length();
                        break;
                    }
                }
            }
            tokens.add(text.substring(i, end));
            i = end;
        }
        return tokens;
    }

    private static final class Refused extends RuntimeException {
        Refused(String why) {
            super(why, null, false, false);
        }
    }
}
