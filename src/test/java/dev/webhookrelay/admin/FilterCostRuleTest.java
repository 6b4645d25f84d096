package dev.webhookrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FilterCostRuleTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "$.data.amount > 100 && $.data.currency == \"EUR\"",
            "$.type starts with \"order.\"",
            "$.data.items[*].sku == \"X\" && $.data.tags[*] == \"vip\"",
            "exists($.data.items[*] ? (@.price > 100 && @.tags[*] == \"sale\"))",
            "$.data.items[*] ? (@.qty > 1).price > 10",
            "$.** ? (@ like_regex \"(a+)+$\")",
            "$.data.** == \"x\"",
            "$.data.a[0 to 3] == 1 || $.data.b[1 to 2] == 2",
            "$.data.a[*] == 1 && ($.data.b[*] == 2)",
            "($.data.a[*] == 1) == ($.data.b == true)",
            "$.data.a[last] == $.data.b[*]",
            "$.data.a.keyvalue().key == \"k\"",
            "$.data.a.size() == $.data.b.size()",
            "!($.data.a[*] == 1) && $.data.b[*] != 2",
            "$.data.\"$key\" == \"$.x[*]\"",
            "$.data.a[*] + 1 > 2",
            "$.data.a * 2 == $.data.b * 3",
    })
    void aFilterThatVisitsEachValueABoundedNumberOfTimesIsAccepted(String filter) {
        assertThat(FilterCostRule.violation(filter)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "exists($.data.a[*] ? (@ != $.data.a[*]))",
            "$.data.a[*] ? (@ == $.data.b).x == 1",
            "exists($.data.a[*] ? (@ == $x))",
            "exists($.data.a[*] ? (exists(@.b ? (@ == $.data.c))))",
    })
    void aConditionThatRefersToTheEventIsRefused(String filter) {
        assertThat(FilterCostRule.violation(filter)).hasValueSatisfying(why -> assertThat(why).contains("may not refer to $"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"exists($.** ? (@.** == 1))", "exists($.data.a[*] ? (@.** == \"x\"))"})
    void aConditionThatWalksSubtreesIsRefused(String filter) {
        assertThat(FilterCostRule.violation(filter)).hasValueSatisfying(why -> assertThat(why).contains(".**"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"$.**.** == 1", "$.data.**.a.** == 1", "$.** ? (@ == 1).** == 2"})
    void aPathWithTwoAnyLevelStepsIsRefused(String filter) {
        assertThat(FilterCostRule.violation(filter)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "$.data.a[*] == $.data.b[*]",
            "$.data.a.* != $.data.b.*",
            "$.data.a[0 to last] < $.data.a[0 to last]",
            "$.data.a[1, 2 to 5] == $.data.b[*]",
            "$.data.** == $.data.a[*]",
            "$.data.a.keyvalue().value == $.data.b[*]",
            "($.data.a[*]) == ($.data.b[*])",
            "$.type == \"t\" && $.data.a[*] + 1 >= $.data.b[*]",
            "exists($.data.x ? (@.a[*] == @.b[*]))",
    })
    void aComparisonOfTwoSequencesIsRefused(String filter) {
        assertThat(FilterCostRule.violation(filter)).hasValueSatisfying(why -> assertThat(why).contains("one side only"));
    }
}
