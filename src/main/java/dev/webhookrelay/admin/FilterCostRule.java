package dev.webhookrelay.admin;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Keeps an endpoint's filter linear in the size of the event it is matched against. PostgreSQL runs
 * the filter inside the ingest statement and keeps what a path yields until the statement ends, so a
 * filter that evaluates a sequence once per item of another sequence costs the square of the payload
 * in time and in memory: {@code exists($.data.a[*] ? (@ != $.data.a[*]))} over a 240 KB array grew one
 * database process past the machine's memory, and PostgreSQL restarted every connection of every
 * tenant. Three shapes do that, and are refused:
 * <ul>
 * <li>{@code $} (the event, or a variable) inside a condition {@code ?( )}: the condition runs once per
 * item, and must judge its item {@code @} alone;</li>
 * <li>{@code .**} inside a condition: every item's whole subtree, once per item;</li>
 * <li>a comparison with a sequence ({@code [*]}, {@code .*}, {@code .**}, a range {@code [a to b]},
 * {@code .keyvalue()}) on both sides: every pair is compared;</li>
 * <li>{@code .**} twice in one path: every value's whole subtree again, as deep as the event nests.</li>
 * </ul>
 * Everything else in SQL/JSON path visits each value of the event a bounded number of times. This is
 * a scan of the text, not a parser: PostgreSQL parses the filter afterwards (EndpointFilters).
 */
final class FilterCostRule {

    private FilterCostRule() {
    }

    /** Why the filter could cost the square of the event's size; empty when it cannot. */
    static Optional<String> violation(String filter) {
        Deque<Group> groups = new ArrayDeque<>();
        Group group = new Group(Kind.TOP, false);
        String previous = "";
        int i = 0;
        while (i < filter.length()) {
            char c = filter.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '"') {
                i = afterString(filter, i);
                previous = "\"";
                continue;
            }
            String token = token(filter, i);
            i += token.length();
            switch (token) {
                case "$" -> {
                    if (group.inCondition) {
                        return Optional.of("a condition ?( ) may not refer to $: it runs once per item, so it must "
                                + "judge its item @ alone");
                    }
                }
                case "**" -> {
                    if (group.inCondition) {
                        return Optional.of("a condition ?( ) may not use .**: it would walk every item's whole subtree");
                    }
                    if (group.anyLevel) {
                        return Optional.of("a path may use .** once: twice walks every value's subtree again");
                    }
                    group.anyLevel = true;
                    group.sequence();
                }
                case "*" -> {
                    if (previous.equals(".") || previous.equals("[")) {
                        group.sequence();
                    }
                }
                case "to" -> {
                    if (group.kind == Kind.SUBSCRIPT) {
                        group.sequence();
                    }
                }
                case "keyvalue" -> {
                    if (previous.equals(".")) {
                        group.sequence();
                    }
                }
                case "(", "[", "{" -> {
                    groups.push(group);
                    Kind kind = token.equals("[") ? Kind.SUBSCRIPT
                            : token.equals("{") ? Kind.LEVELS
                            : previous.equals("?") ? Kind.CONDITION
                            : isWord(previous) ? Kind.CALL
                            : Kind.NESTED;
                    group = new Group(kind, group.inCondition || kind == Kind.CONDITION);
                }
                case ")", "]", "}" -> {
                    if (group.pairsSequences()) {
                        return Optional.of(BOTH_SIDES);
                    }
                    Group closed = group;
                    group = groups.isEmpty() ? new Group(Kind.TOP, false) : groups.pop();
                    if (closed.yieldsSequence()) {
                        group.sequence();
                    }
                }
                case "==", "!=", "<>", "<", "<=", ">", ">=" -> group.comparison();
                case "&&", "||", "!", ",", "like_regex", "starts", "is", "exists" -> {
                    if (group.pairsSequences()) {
                        return Optional.of(BOTH_SIDES);
                    }
                    group.nextOperand();
                }
                default -> {
                }
            }
            previous = token;
        }
        return group.pairsSequences() ? Optional.of(BOTH_SIDES) : Optional.empty();
    }

    private static final String BOTH_SIDES = "a comparison may have a sequence ([*], .*, .**, a range, "
            + ".keyvalue()) on one side only: with both, every pair is compared";

    private enum Kind { TOP, NESTED, CONDITION, CALL, SUBSCRIPT, LEVELS }

    /** One level of brackets, and what the operands in it yield. */
    private static final class Group {
        private final Kind kind;
        private final boolean inCondition;
        /** The operand being read yields a sequence; the left side of its comparison did. */
        private boolean operand;
        private boolean left;
        private boolean comparing;
        /** The operand being read has used .** already. */
        private boolean anyLevel;
        /** A comparison or a boolean operator in it: the group yields one truth value. */
        private boolean truthValued;
        private boolean anySequence;

        private Group(Kind kind, boolean inCondition) {
            this.kind = kind;
            this.inCondition = inCondition;
        }

        void sequence() {
            operand = true;
            anySequence = true;
        }

        void comparison() {
            left = operand;
            operand = false;
            anyLevel = false;
            comparing = true;
            truthValued = true;
        }

        void nextOperand() {
            operand = false;
            left = false;
            anyLevel = false;
            comparing = false;
            truthValued = true;
        }

        boolean pairsSequences() {
            return comparing && left && operand;
        }

        /**
         * What a subscript or a bracketed expression yields is part of the operand it stands in; a
         * condition only narrows its path, and a call (exists, a method) yields one value.
         */
        boolean yieldsSequence() {
            return switch (kind) {
                case SUBSCRIPT -> anySequence;
                case NESTED -> operand && !truthValued;
                default -> false;
            };
        }
    }

    private static String token(String text, int at) {
        char c = text.charAt(at);
        if (isWordChar(c)) {
            int end = at;
            while (end < text.length() && isWordChar(text.charAt(end))) {
                end++;
            }
            return text.substring(at, end);
        }
        if (c == '$') {
            return "$";
        }
        for (String operator : OPERATORS) {
            if (text.startsWith(operator, at)) {
                return operator;
            }
        }
        return String.valueOf(c);
    }

    private static final String[] OPERATORS = {"**", "==", "!=", "<>", "<=", ">=", "&&", "||"};

    private static int afterString(String text, int quote) {
        int i = quote + 1;
        while (i < text.length() && text.charAt(i) != '"') {
            i += text.charAt(i) == '\\' ? 2 : 1;
        }
        return i + 1;
    }

    private static boolean isWord(String token) {
        return !token.isEmpty() && isWordChar(token.charAt(0));
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
