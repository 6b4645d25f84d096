package dev.webhookrelay.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.config.RelayProperties;
import org.junit.jupiter.api.Test;

/** The JSONata engine as endpoints use it: results, the $relay envelope, compile errors, and its bounds. */
class TransformationsAreBoundedTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-11-30T04:00:00Z");
    private static final String ORDER = "{\"id\":\"ord_42\",\"amount\":129.5,\"currency\":\"EUR\","
            + "\"customer\":{\"name\":\"Ada\"},\"items\":[{\"sku\":\"A\"},{\"sku\":\"B\"}]}";

    private final Transformations transformations = bounded(Duration.ofMillis(200), 100_000);
    /** Time enough on a loaded machine: the size bound, not the clock, must stop these. */
    private final Transformations patient = bounded(Duration.ofSeconds(30), 100_000);

    @Test
    void anOrderEventBecomesASlackMessage() throws Exception {
        Transformed slack = apply("""
                {"text": "New order " & data.id & " from " & data.customer.name & ": " & data.amount & " " & data.currency,
                 "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*" & $count(data.items) & " items*"}}]}""");

        JsonNode body = JSON.readTree(slack.body());
        assertThat(body.get("text").asText()).isEqualTo("New order ord_42 from Ada: 129.5 EUR");
        assertThat(body.at("/blocks/0/text/text").asText()).isEqualTo("*2 items*");
        assertThat(slack.headers()).isEmpty();
        assertThat(slack.path()).isNull();
    }

    @Test
    void theEnvelopeSetsHeadersAndAPathFromThePayload() throws Exception {
        Transformed result = apply("""
                {"$relay": {"body": {"order": data.id, "type": type, "at": timestamp},
                            "headers": {"X-Order-Currency": data.currency},
                            "path": "/orders/" & data.id}}""");

        assertThat(JSON.readTree(result.body()).get("at").asText()).isEqualTo(AT.toString());
        assertThat(result.headers()).isEqualTo(Map.of("X-Order-Currency", "EUR"));
        assertThat(result.path()).isEqualTo("/orders/ord_42");
    }

    @Test
    void anEnvelopeWithOtherMembersIsAnError() {
        assertThatThrownBy(() -> apply("{\"$relay\": {\"body\": 1}, \"other\": 2}"))
                .isInstanceOf(TransformationException.class).hasMessageContaining("no other member");
        assertThatThrownBy(() -> apply("{\"$relay\": {\"body\": 1, \"url\": \"http://elsewhere\"}}"))
                .isInstanceOf(TransformationException.class).hasMessageContaining("unknown member 'url'");
    }

    @Test
    void aSyntaxErrorNamesItsPosition() {
        assertThatThrownBy(() -> Transformations.compile("{\"a\": data.id,, }"))
                .isInstanceOfSatisfying(TransformationException.class, e -> {
                    assertThat(e.position()).isPositive();
                    assertThat(e.getMessage()).contains("at position " + e.position());
                });
    }

    @Test
    void aRuntimeErrorIsATransformationError() {
        assertThatThrownBy(() -> apply("data.customer.name + 1"))
                .isInstanceOf(TransformationException.class);
        assertThatThrownBy(() -> apply("data.missing"))
                .isInstanceOf(TransformationException.class).hasMessageContaining("no body");
        assertThatThrownBy(() -> apply("function($x) { $x }"))
                .isInstanceOf(TransformationException.class).hasMessageContaining("not JSON");
    }

    @Test
    void infiniteRecursionIsStopped() {
        assertThatThrownBy(() -> apply("($f := function($x) { $f($x + 1) }; $f(0))"))
                .isInstanceOf(TransformationException.class).hasMessageContaining("relay.transformations");
    }

    @Test
    void aLongLoopIsStoppedByTheTimeout() {
        Transformations quick = bounded(Duration.ofMillis(50), 100_000_000);
        assertThatThrownBy(() -> quick.apply(Transformations.compile("$sum([1..5000000].($ * 2))"), "t", AT, ORDER))
                .isInstanceOf(TransformationException.class).hasMessageContaining("relay.transformations.timeout");
    }

    @Test
    void hugeOutputIsStopped() {
        assertThatThrownBy(() -> applyPatiently("$reduce([1..40], function($acc, $i) { $acc & $acc }, \"xx\")"))
                .isInstanceOf(TransformationException.class).hasMessageContaining("relay.transformations.max-output-bytes");
        assertThatThrownBy(() -> applyPatiently("$pad(\"x\", 2000000000)"))
                .isInstanceOf(TransformationException.class).hasMessageContaining("relay.transformations.max-output-bytes");
        assertThatThrownBy(() -> applyPatiently("$replace($pad(\"a\", 5000), \"a\", $pad(\"b\", 5000))"))
                .isInstanceOf(TransformationException.class).hasMessageContaining("relay.transformations.max-output-bytes");
        String sharedTree = "$reduce([1..40], function($acc, $i) { {\"l\": $acc, \"r\": $acc} }, {\"x\": 1})";
        assertThatThrownBy(() -> applyPatiently(sharedTree))
                .isInstanceOf(TransformationException.class).hasMessageContaining("relay.transformations.max-output-bytes");
        assertThatThrownBy(() -> applyPatiently("$string(" + sharedTree + ")"))
                .isInstanceOf(TransformationException.class).hasMessageContaining("relay.transformations.max-output-bytes");
    }

    /** Each match takes minutes to fail on its own: the deadline must be checked inside it, not after it. */
    @Test
    void aBacktrackingRegularExpressionIsStoppedByTheTimeout() {
        Transformations quick = bounded(Duration.ofMillis(50), 100_000_000);
        String backtracking = "/(.*a){16}$/";
        String text = "{\"text\": \"" + "a".repeat(40) + "!\"}";
        for (String expression : List.of(
                "$contains(data.text, " + backtracking + ")",
                "$match(data.text, " + backtracking + ")",
                "$replace(data.text, " + backtracking + ", \"x\")",
                "$replace(data.text, " + backtracking + ", function($m) { \"x\" })",
                "$split(data.text, " + backtracking + ")",
                "($r := " + backtracking + "; $contains(data.text, $r))",
                "$map([data.text], function($t) { $contains($t, " + backtracking + ") })")) {
            assertThatThrownBy(() -> quick.apply(Transformations.compile(expression), "t", AT, text))
                    .as(expression)
                    .isInstanceOf(TransformationException.class).hasMessageContaining("relay.transformations.timeout");
        }
    }

    /** The engine matched these unguarded: a regex literal called as a function, $eval's own literals, a limited $replace. */
    @Test
    void aRegularExpressionIsMatchedOnlyByTheFunctionsThatGuardIt() throws Exception {
        for (String expression : List.of("/(.*a){16}$/(data.id)", "($r := /(.*a){16}$/; data.id ~> $r)",
                "$append(/(.*a){16}$/, 1)[0](data.id)", "(function($f) { $f(data.id) })(/(.*a){16}$/)")) {
            assertThatThrownBy(() -> apply(expression)).as(expression)
                    .isInstanceOf(TransformationException.class).hasMessageContaining("can only be given to $contains");
        }
        assertThatThrownBy(() -> apply("$eval(\"$contains(data.id, /\" & \"(.*a){16}$\" & \"/)\")"))
                .isInstanceOf(TransformationException.class).hasMessageContaining("$eval cannot compile a regular expression");
        assertThat(apply("$eval(\"data.id & \'!\'\")").body()).isEqualTo("\"ord_42!\"");
        assertThatThrownBy(() -> apply("$contains(data.id, function($x) { true })"))
                .isInstanceOf(TransformationException.class).hasMessageContaining("a string or a regular expression");
        assertThat(apply("$replace(\"a.b.c.d\", \".\", \"-\", 2)").body()).isEqualTo("\"a-b-c.d\"");
        assertThat(apply("$replace(\"aaaa!\", \"(.*a){16}$\", \"-\", 1)").body()).isEqualTo("\"aaaa!\"");
    }

    /** The engine reads a picture through a regular expression built from it, in one step: ten [d] over 38 digits took 8 s. */
    @Test
    void toMillisReadsIso8601AndRefusesAPicture() throws Exception {
        String hostile = "$toMillis(\"" + "1".repeat(38) + "x\", \"" + "[d]".repeat(10) + "\")";
        for (String expression : List.of(hostile, "$toMillis(\"2026\", \"[Y]\")",
                "($read := $toMillis; $read(\"2026\", \"[Y]\"))")) {
            assertThatThrownBy(() -> apply(expression)).as(expression)
                    .isInstanceOf(TransformationException.class).hasMessageContaining("$toMillis takes no picture");
        }
        assertThatThrownBy(() -> apply("$eval(\"$toMillis('2026', '[Y]')\")")).isInstanceOf(TransformationException.class);
        assertThat(apply("$toMillis(timestamp)").body()).isEqualTo(String.valueOf(AT.toEpochMilli()));
        assertThat(apply("$toMillis(\"2026-11-30\")").body()).isEqualTo(String.valueOf(AT.toEpochMilli() - 4 * 3_600_000));
    }

    /** The engine checks arguments against a regular expression built from the signature: 30 s? over 16 arguments took 16 s. */
    @Test
    void aSignatureWhoseCheckCouldOutlastTheDeadlineIsRefused() throws Exception {
        String sixteen = String.join(", ", Collections.nCopies(16, "\"a\""));
        for (String signature : List.of("s?".repeat(30) + ":s", "s?".repeat(11), "s+s+", "x+s?x+")) {
            String expression = "($f := function($x)<" + signature + ">{ $x }; $f(" + sixteen + ", 1))";
            assertThatThrownBy(() -> Transformations.compile(expression)).as(signature)
                    .isInstanceOfSatisfying(TransformationException.class, e -> {
                        assertThat(e.getMessage()).contains("at most 10 parameters, at most one of them repeated");
                        assertThat(e.position()).isPositive();
                    });
        }
        assertThatThrownBy(() -> apply("$eval(\"function($x)<" + "s?".repeat(11) + ">{ $x }\")"))
                .isInstanceOf(TransformationException.class).hasMessageContaining("at most 10 parameters");
        assertThat(apply("(function($a, $b)<" + "s?".repeat(9) + "s+:s>{ $a & $b })(\"x\", \"y\")").body())
                .isEqualTo("\"xy\"");
    }

    @Test
    void regularExpressionsMatchAsJsonataDefinesThem() throws Exception {
        JsonNode result = JSON.readTree(apply("""
                {"contains": $contains(data.id, /ORD_\\d+/i),
                 "absent": $contains(data.id, /^x/),
                 "literal": $contains("a.b", "."),
                 "match": $match("ab12cd345", /([a-z]+)(\\d+)/),
                 "limited": $match("ab12cd345", /\\d+/, 1),
                 "groups": $replace(data.currency, /(E)(U)(R)/, "$3$2$1 $$ $4$12"),
                 "computed": $replace("a1b22", /\\d+/, function($m) { $string($m.index) & ":" & $m.match }),
                 "first": $replace("aaa", /a/, "b", 2),
                 "split": $split("a1b22c", /\\d+/),
                 "splitLimited": $split("a1b22c", /\\d+/, 2),
                 "stored": ($r := /\\d/; $contains("x1", $r)),
                 "partial": ["a1", "b"].$contains($, /\\d/)}""").body());

        assertThat(result.get("contains").asBoolean()).isTrue();
        assertThat(result.get("absent").asBoolean()).isFalse();
        assertThat(result.get("literal").asBoolean()).isTrue();
        assertThat(result.get("match").toString()).isEqualTo("[{\"match\":\"ab12\",\"index\":0,\"groups\":[\"ab\",\"12\"]},"
                + "{\"match\":\"cd345\",\"index\":4,\"groups\":[\"cd\",\"345\"]}]");
        assertThat(result.get("limited").toString()).isEqualTo("{\"match\":\"12\",\"index\":2,\"groups\":[]}");
        assertThat(result.get("groups").asText()).isEqualTo("RUE $ E2");
        assertThat(result.get("computed").asText()).isEqualTo("a1:1b3:22");
        assertThat(result.get("first").asText()).isEqualTo("bba");
        assertThat(result.get("split").toString()).isEqualTo("[\"a\",\"b\",\"c\"]");
        assertThat(result.get("splitLimited").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(result.get("stored").asBoolean()).isTrue();
        assertThat(result.get("partial").toString()).isEqualTo("[true,false]");
    }

    @Test
    void oneCompiledExpressionServesManyEvaluationsAndThreads() throws Exception {
        Jsonata expression = Transformations.compile("{\"n\": data.n, \"t\": type}");
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int n = i;
                results.add(threads.submit(() -> transformations.apply(expression, "t" + n, AT, "{\"n\":" + n + "}").body()));
            }
            for (int i = 0; i < 400; i++) {
                assertThat(results.get(i).get()).isEqualTo("{\"n\":" + i + ",\"t\":\"t" + i + "\"}");
            }
        } finally {
            threads.shutdownNow();
        }
        for (int i = 0; i < 200; i++) {
            transformations.apply(expression, "same.thread", AT, "{\"n\":1}");
        }
        assertThat(frameDepth(expression)).isLessThan(10);
    }

    private Transformed applyPatiently(String expression) throws TransformationException {
        return patient.apply(Transformations.compile(expression), "order.created", AT, ORDER);
    }

    private static Transformations bounded(Duration timeout, int maxOutputBytes) {
        return new Transformations(JSON, new RelayProperties.Transformations(timeout, 200, maxOutputBytes, 100));
    }

    private Transformed apply(String expression) throws TransformationException {
        return transformations.apply(Transformations.compile(expression), "order.created", AT, ORDER);
    }

    /** How many frames an evaluation starts from: must not grow with each evaluation. */
    private static int frameDepth(Jsonata expression) throws ReflectiveOperationException {
        var environment = Jsonata.class.getDeclaredField("environment");
        environment.setAccessible(true);
        var parent = Jsonata.Frame.class.getDeclaredField("parent");
        parent.setAccessible(true);
        int depth = 0;
        for (Object frame = environment.get(expression); frame != null; frame = parent.get(frame)) {
            depth++;
        }
        return depth;
    }
}
