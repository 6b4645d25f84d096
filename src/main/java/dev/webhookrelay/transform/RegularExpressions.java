package dev.webhookrelay.transform;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.dashjoin.jsonata.Functions;
import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.dashjoin.jsonata.Parser;
import com.dashjoin.jsonata.Utils;
import com.dashjoin.jsonata.utils.Signature;
import dev.webhookrelay.regex.GuardedChars;

/**
 * The regular expressions of a transformation, matched under the evaluation's deadline. JSONata
 * compiles a {@code /regex/} literal into a java.util.regex Pattern that its $contains, $match,
 * $replace and $split (and a call of the literal itself) run straight through: the deadline, checked
 * between steps, had no say, and a backtracking pattern held the thread for as long as it took. So
 * each literal's Pattern is replaced, when the expression is compiled, by a {@link RegularExpression}
 * that only the functions here accept, and they match it over {@link GuardedChars} whose every read
 * may check the deadline. The engine also matches the arguments of a call against a regular
 * expression built from the lambda's signature: a signature that makes that match long is refused.
 */
final class RegularExpressions {

    /** The engine keeps literals in package-private fields of its syntax tree: reflection is the only way to them. */
    private static final Field AST = field(Jsonata.class, "ast");
    private static final Field VALUE = field(Parser.Symbol.class, "value");
    private static final Field POSITION = field(Parser.Symbol.class, "position");
    /** A signature's regular expression, {@code ^(p1)(p2)...$}: its only {@code +} are quantifiers. */
    private static final Field SIGNATURE_REGEX = field(Signature.class, "_signature");
    private static final int MAX_SIGNATURE_PARAMETERS = 10;
    private static final Map<Class<?>, List<Field>> SYMBOL_FIELDS = new ConcurrentHashMap<>();

    private final Runnable guard;

    /** {@code guard} runs before each character a match reads, and throws to end the evaluation. */
    RegularExpressions(Runnable guard) {
        this.guard = guard;
    }

    /**
     * Puts a {@link RegularExpression} in place of every regex literal of a freshly compiled
     * expression, and refuses a function signature whose check could outlast the deadline
     * ({@link #checkSignature}).
     */
    static void takeOver(Jsonata compiled) {
        forEachSymbol(read(AST, compiled), symbol -> {
            if (read(VALUE, symbol) instanceof Pattern pattern) {
                write(VALUE, symbol, new RegularExpression(pattern));
            }
            checkSignature(symbol);
        });
    }

    /**
     * Refuses an expression $eval is given that holds a regex literal or a signature
     * {@link #checkSignature} refuses: $eval compiles at evaluation time, where {@link #takeOver}
     * cannot reach, so such a literal would be the engine's own Pattern again. An expression that
     * does not parse holds neither; $eval reports the syntax error itself.
     */
    static void checkEvaluable(String expression) {
        Parser.Symbol parsed;
        try {
            parsed = new Parser().parse(expression);
        } catch (RuntimeException unparsable) {
            return;
        }
        forEachSymbol(parsed, symbol -> {
            if (read(VALUE, symbol) instanceof Pattern) {
                throw new JException("$eval cannot compile a regular expression in a transformation", -1);
            }
            checkSignature(symbol);
        });
    }

    /**
     * The engine checks a lambda's arguments against a regular expression it builds from the
     * signature, a group per parameter, unguarded and in one step: each optional parameter doubles
     * the ways it tries (30 {@code s?} against 16 arguments took 16 s) and each repeated one
     * multiplies them by the number of arguments. Up to {@value #MAX_SIGNATURE_PARAMETERS}
     * parameters, one of them repeated, keep a check to a thousand times the arguments.
     */
    private static void checkSignature(Parser.Symbol symbol) {
        if (symbol.signature instanceof Signature signature && (signature.getNumberOfArgs() > MAX_SIGNATURE_PARAMETERS
                || ((String) read(SIGNATURE_REGEX, signature)).chars().filter(c -> c == '+').count() > 1)) {
            throw new JException("a function signature in a transformation may have at most " + MAX_SIGNATURE_PARAMETERS
                    + " parameters, at most one of them repeated with +", (Integer) read(POSITION, symbol));
        }
    }

    /** A token that is neither text nor a regex literal is an error of the transformation (the engine threw an Error). */
    Boolean contains(String text, Object pattern) {
        if (pattern instanceof RegularExpression regex) {
            return text == null ? null : regex.pattern.matcher(guarded(text)).find();
        }
        if (!(pattern instanceof String)) {
            throw new JException("$contains looks for a string or a regular expression", -1);
        }
        return Functions.contains(text, pattern);
    }

    /** At most {@code limit} matches, as JSONata defines it (the engine's own returned one more). */
    List<Object> match(String text, RegularExpression regex, Number limit) {
        if (text == null) {
            return null;
        }
        if (limit != null && limit.intValue() < 0) {
            throw new JException("D3040", -1, limit);
        }
        List<Object> matches = Utils.createSequence();
        Matcher matcher = regex.pattern.matcher(guarded(text));
        while ((limit == null || matches.size() < limit.intValue()) && matcher.find()) {
            matches.add(matchObject(matcher));
        }
        return matches;
    }

    /**
     * A string pattern is replaced as it is written, however many times {@code limit} says (the
     * engine compiled it as a regular expression, unguarded, when a limit was given).
     */
    String replace(String text, Object pattern, Object replacement, Number limit) {
        if (text == null) {
            return null;
        }
        if (limit != null && limit.intValue() < 0) {
            throw new JException("Fourth argument of replace function must evaluate to a positive number", -1);
        }
        if (!(pattern instanceof RegularExpression regex)) {
            return limit == null ? Functions.replace(text, pattern, replacement, null)
                    : replaceLiterally(text, (String) pattern, (String) replacement, limit.intValue());
        }
        Matcher matcher = regex.pattern.matcher(guarded(text));
        StringBuilder result = new StringBuilder();
        int copied = 0;
        for (int replaced = 0; (limit == null || replaced < limit.intValue()) && matcher.find(); replaced++) {
            result.append(text, copied, matcher.start()).append(replacement instanceof String with
                    ? substitute(with, matcher) : replacedBy(replacement, matcher));
            copied = matcher.end();
        }
        return result.append(text, copied, text.length()).toString();
    }

    List<String> split(String text, Object pattern, Number limit) {
        if (text == null || !(pattern instanceof RegularExpression regex)) {
            return Functions.split(text, pattern, limit);
        }
        if (limit != null && limit.intValue() < 0) {
            throw new JException("D3020", -1, text);
        }
        List<String> parts = Arrays.asList(regex.pattern.split(guarded(text), -1));
        return limit != null && limit.intValue() < parts.size() ? parts.subList(0, limit.intValue()) : parts;
    }

    private CharSequence guarded(String text) {
        return new GuardedChars(text, guard);
    }

    private static String replaceLiterally(String text, String pattern, String replacement, int limit) {
        if (pattern.isEmpty()) {
            throw new JException("Second argument of replace function cannot be an empty string", -1);
        }
        StringBuilder result = new StringBuilder();
        int copied = 0;
        for (int replaced = 0, at; replaced < limit && (at = text.indexOf(pattern, copied)) >= 0; replaced++) {
            result.append(text, copied, at).append(replacement);
            copied = at + pattern.length();
        }
        return result.append(text, copied, text.length()).toString();
    }

    /** JSONata's replacement text: {@code $$} is a dollar, {@code $n} the n-th group (the most digits that name one). */
    private static String substitute(String replacement, MatchResult match) {
        StringBuilder result = new StringBuilder();
        int i = 0;
        while (i < replacement.length()) {
            char c = replacement.charAt(i);
            char next = i + 1 < replacement.length() ? replacement.charAt(i + 1) : 0;
            if (c == '$' && next == '$') {
                result.append('$');
                i += 2;
            } else if (c == '$' && next >= '0' && next <= '9') {
                int group = next - '0';
                i += 2;
                while (i < replacement.length() && replacement.charAt(i) >= '0' && replacement.charAt(i) <= '9'
                        && group * 10 + replacement.charAt(i) - '0' <= match.groupCount()) {
                    group = group * 10 + replacement.charAt(i++) - '0';
                }
                if (group <= match.groupCount() && match.group(group) != null) {
                    result.append(match.group(group));
                }
            } else {
                result.append(c);
                i++;
            }
        }
        return result.toString();
    }

    private static String replacedBy(Object function, MatchResult match) {
        Object replaced;
        try {
            replaced = Functions.funcApply(function, List.of(matchObject(match)));
        } catch (RuntimeException | Error failed) {
            throw failed;
        } catch (Throwable failed) {
            throw new IllegalStateException(failed);
        }
        if (!(replaced instanceof String text)) {
            throw new JException("D3012", -1, replaced);
        }
        return text;
    }

    private static Map<String, Object> matchObject(MatchResult match) {
        List<String> groups = new ArrayList<>();
        for (int group = 1; group <= match.groupCount(); group++) {
            groups.add(match.group(group));
        }
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("match", match.group());
        object.put("index", match.start());
        object.put("groups", groups);
        return object;
    }

    /**
     * A regex literal's value once {@link #takeOver} has run: a function to the engine, so it passes
     * the signatures of $contains, $match, $replace and $split as the Pattern did. Called itself (the
     * engine let a Pattern be called, matching unguarded), it refuses.
     */
    static final class RegularExpression extends Jsonata.JFunction {

        private final Pattern pattern;

        RegularExpression(Pattern pattern) {
            super((input, arguments) -> {
                throw new JException("a regular expression can only be given to $contains, $match, $replace or $split", -1);
            }, null);
            this.pattern = pattern;
        }

        @Override
        public String toString() {
            return "/" + pattern.pattern() + "/";
        }
    }

    /** Every node of a syntax tree, walked without recursion: the tree is as deep as the parser allowed. */
    private static void forEachSymbol(Object root, Consumer<Parser.Symbol> action) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object> pending = new ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            Object node = pending.pop();
            if (node == null || !seen.add(node)) {
                continue;
            }
            if (node instanceof Collection<?> nodes) {
                nodes.forEach(pending::push);
            } else if (node instanceof Object[] nodes) {
                Arrays.stream(nodes).forEach(pending::push);
            } else if (node instanceof Parser.Symbol symbol) {
                action.accept(symbol);
                for (Field child : SYMBOL_FIELDS.computeIfAbsent(symbol.getClass(), RegularExpressions::symbolFields)) {
                    Object value = read(child, symbol);
                    if (value instanceof Parser.Symbol || value instanceof Collection<?> || value instanceof Object[]) {
                        pending.push(value);
                    }
                }
            }
        }
    }

    private static List<Field> symbolFields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers()) && !field.getType().isPrimitive()) {
                    field.setAccessible(true);
                    fields.add(field);
                }
            }
        }
        return fields;
    }

    private static Field field(Class<?> type, String name) {
        try {
            Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException changed) {
            throw new IllegalStateException("the JSONata engine no longer has " + type.getName() + "." + name
                    + ": its regular expressions cannot be guarded", changed);
        }
    }

    private static Object read(Field field, Object target) {
        try {
            return field.get(target);
        } catch (IllegalAccessException unexpected) {
            throw new IllegalStateException(unexpected);
        }
    }

    private static void write(Field field, Object target, Object value) {
        try {
            field.set(target, value);
        } catch (IllegalAccessException unexpected) {
            throw new IllegalStateException(unexpected);
        }
    }
}
