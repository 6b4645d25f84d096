package dev.webhookrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fan-out's match rules (V35, rewritten by V52 so that PostgreSQL no longer plans them again at
 * every ingest) give V35's answers: V35's bodies are the oracle, written out inline.
 */
class FanOutRulesAnswerAsBeforeAndArePlannedOnceTest extends RelayIntegrationTest {

    private static final String V35_TYPE_RULE = """
            cardinality(a) = 0 OR t = ANY (a)
                OR EXISTS (SELECT 1 FROM unnest(a) AS s WHERE right(s, 1) = '*' AND starts_with(t, left(s, -1)))""";

    private static final String V35_FILTER_RULE = """
            f IS NULL OR coalesce(jsonb_path_match(jsonb_build_object('type', t, 'data', p), f::jsonpath, '{}', true), false)""";

    @ParameterizedTest(name = "{0} subscribed, {1} posted")
    @CsvSource(delimiter = '|', value = {
        "{}                              | order.created",
        "{order.created}                 | order.created",
        "{order.created}                 | order.created.v2",
        "{order.created}                 | ORDER.created",
        "{order.*}                       | order.created",
        "{order.*}                       | order.",
        "{order.*}                       | order",
        "{order*}                        | orders.shipped",
        "{*}                             | anything.at.all",
        "{*}                             | ''",
        "{order.cre*ted}                 | order.created",
        "{order.cre*ted}                 | order.cre",
        "{\"\"}                            | order.created",
        "{refund.done,order.*}           | order.paid",
        "{refund.done,invoice.*}         | order.paid",
        "{%,_}                           | order.paid",
    })
    void theTypeRuleMatchesExactlyWhatV35Matched(String subscribed, String type) {
        List<Boolean> answers = jdbc.queryForObject("SELECT relay_event_type_matches(a, t), " + V35_TYPE_RULE
                + " FROM (SELECT ?::text[] AS a, ?::text AS t) x",
                (rs, n) -> List.of(rs.getBoolean(1), rs.getBoolean(2)), subscribed, type);

        assertThat(answers.get(0)).isEqualTo(answers.get(1));
    }

    @ParameterizedTest(name = "{0} over {1} {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "NULL                                       | order.created | {\"amount\":5}",
        "$.data.amount > 100                        | order.created | {\"amount\":250}",
        "$.data.amount > 100                        | order.created | {\"amount\":5}",
        "$.data.amount > 100                        | order.created | {\"amount\":\"lots\"}",
        "$.data.amount > 100                        | order.created | [1,2]",
        "$.data.amount > 100                        | order.created | NULL",
        "$.data == null                             | order.created | NULL",
        "$.data == \"s\"                            | order.created | \"s\"",
        "strict $.data.missing == 1                 | order.created | {}",
        "$.type starts with \"order.\"              | order.created | {}",
        "$.type == \"say \\\"hi\\\"\"               | say \"hi\"    | {}",
        "$.type == null                             | NULL          | {}",
        "exists($.data.customer.vip ? (@ == true))  | order.created | {\"customer\":{\"vip\":true}}",
        "$.data.type == \"inner\" && $.type == \"x\" | x            | {\"type\":\"inner\",\"data\":1}",
    })
    void theFilterRuleMatchesExactlyWhatV35Matched(String filter, String type, String payload) {
        List<Boolean> answers = jdbc.queryForObject("SELECT relay_filter_matches(f, t, p), " + V35_FILTER_RULE
                + " FROM (SELECT ?::text AS f, ?::text AS t, ?::jsonb AS p) x",
                (rs, n) -> List.of(rs.getBoolean(1), rs.getBoolean(2)), filter, type, payload);

        assertThat(answers.get(0)).isEqualTo(answers.get(1));
    }

    @Test
    void theFilterRuleIsInlinedIntoTheStatementThatCallsIt() {
        List<String> plan = jdbc.queryForList(
                "EXPLAIN VERBOSE SELECT relay_filter_matches(filter, 'order.created', '{}') FROM endpoints", String.class);

        assertThat(String.join("\n", plan)).contains("jsonb_path_match").doesNotContain("relay_filter_matches");
    }

    @Test
    void anEndpointsFilterRunsOnlyOnEventsOfItsTypes() {
        // Written filter first: PostgreSQL orders a scan's conditions by their cost, not as written.
        String plan = String.join("\n", jdbc.queryForList("""
                EXPLAIN VERBOSE SELECT id FROM endpoints
                 WHERE relay_filter_matches(filter, 'order.created', '{"amount":1}')
                   AND relay_event_type_matches(event_types, 'order.created')""", String.class));

        assertThat(plan.indexOf("relay_event_type_matches")).isNotNegative().isLessThan(plan.indexOf("jsonb_path_match"));
    }

    @Test
    void theTypeRuleKeepsItsPlanForTheSession() {
        // A SQL function that PostgreSQL cannot inline is planned again at every execution of its
        // caller; PL/pgSQL keeps its expressions' plans for the session.
        String language = jdbc.queryForObject("""
                SELECT l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
                 WHERE p.proname = 'relay_event_type_matches'""", String.class);

        assertThat(language).isEqualTo("plpgsql");
    }
}
