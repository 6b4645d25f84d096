package dev.webhookrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Filters as PostgreSQL prints them back (filter::jsonpath::text), which is what the rule reads. */
class FilterCostRuleTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "($.\"data\".\"amount\" > 100 && $.\"data\".\"currency\" == \"EUR\")",
            "exists ($.\"data\".\"customer\".\"vip\"?(@ == true))",
            "($.\"type\" starts with \"order.\")",
            "($.\"data\".\"items\"[*].\"sku\" == \"X\" && $.\"data\".\"tags\"[*] == \"vip\")",
            "exists ($.\"data\".\"items\"[*]?(@.\"price\" > 100 && @.\"tags\"[*] == \"sale\"))",
            "($.\"data\".\"a\"[last] == 1 && $.\"data\".\"a\"[last - 1] == 2)",
            "(($.\"data\".\"a\".size() == 3 && $.\"data\".\"x\".type() == \"string\") && $.\"data\".\"d\".datetime() < \"2020-01-01\".datetime())",
            "(!($.\"data\".\"a\"[*] == 1) && $.\"data\".\"b\"[*] != 2)",
            "($.\"data\".\"$key\" == \"$.x[*]\")",
            "($.\"data\".\"orderId\" % 4 == 0)",
            "(-$.\"data\".\"a\" + 1 > 2)",
            "($.\"data\".\"a\" == 1) is unknown",
            "strict ($.\"data\".\"a\" == 1)",
            "($.\"data\".** == \"x\")",
            "($.\"data\".**{2 to last} == \"x\")",
            "($.\"data\".*.\"x\" == 1)",
            "($.\"data\".\"k\\\"\" == 1)",
            "($.\"data\".\"a\".double() > 1500)",
            "($.\"data\".\"a\" == null || $.\"data\".\"b\" == false)",
            "($.\"data\".\"s\" like_regex \"^ab\\\\d\" flag \"iq\")",
            "($.\"data\".\"s\" like_regex \"(a+)+$\")",
            "(1 == 1)",
            "((($.\"data\".\"price\" * 100).floor() % 100) == 0)",
            "(($.\"data\".\"a\" + 1).abs() + 1 > 2)",
    })
    void aFilterThatPassesOverTheEventOnceIsAccepted(String canonical) {
        assertThat(FilterCostRule.violation(canonical)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '~', textBlock = """
            exists ($."data"."a"[*]?(@ != $."data"."a"[*]))                 ~ may not refer to $
            ($."data"."a"[*]?(@ == $."data"."b")."x" == 1)                  ~ may not refer to $
            exists ($."data"."a"[*]?(@ > $"x"))                             ~ variables
            ($."data"."a"[*] > $."data"."b"[*])                             ~ literal on one side
            ($."data"."a" > $."data"."a")                                   ~ literal on one side
            exists ($."data"?(@."a" > @."a"))                               ~ literal on one side
            ($."data".** > $."data"."a")                                    ~ literal on one side
            ($."data"."x" * $."data"."x" < 0)                               ~ literal on one side
            ($."data"."a" + $."data"."b" > 1)                               ~ literal on one side
            ($."data"[0,0,0,0][0,0,0,0] > 2)                                ~ array subscript
            ($."data"."a"[0 to 9] > 1)                                      ~ array subscript
            ($."data"."a"[*][$."data"."a"[*]?(@ == 0)] > 5)                 ~ array subscript
            ($."data".**?(@.type() == "object").keyvalue()."key" == "zz")   ~ keyvalue
            ($."data"."s" like_regex "^(a*)(a*)\\\\1\\\\2b$")                  ~ back-references
            (($."data".** > 7 || $."data".** > 7) || $."data".** > 7)       ~ .** once
            exists ($.**?(@.** == 1))                                       ~ may not use .**
            """)
    void aFilterWhoseCostGrowsFasterThanTheEventIsRefused(String canonical, String why) {
        assertThat(FilterCostRule.violation(canonical.strip())).hasValueSatisfying(reason -> assertThat(reason).contains(why));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-", "!"})
    void aFilterNestedDeeperThanTheLimitIsRefusedNotOverflowed(String operator) {
        String nested = (operator + "(").repeat(1000) + "$.\"a\" == 1" + ")".repeat(1000);
        assertThat(FilterCostRule.violation(nested)).hasValueSatisfying(reason -> assertThat(reason).contains("nest"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[*]", ".*", "?(1 == 1)"})
    void aFilterWithMoreWalksThanTheLimitIsRefused(String walk) {
        String filter = "($.\"data\"" + walk.repeat(FilterCostRule.MAX_WALKS + 1) + " == 1)";
        assertThat(FilterCostRule.violation(filter)).hasValueSatisfying(reason -> assertThat(reason).contains("walks"));
        String allowed = "($.\"data\"" + walk.repeat(FilterCostRule.MAX_WALKS) + " == 1)";
        assertThat(FilterCostRule.violation(allowed)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {FilterCostRule.MAX_PATHS + 1})
    void aFilterWithTooManyPathsIsRefused(int paths) {
        String filter = "($.\"data\".\"a\" == 1" + " || $.\"data\".\"a\" == 1".repeat(paths - 1) + ")";
        assertThat(FilterCostRule.violation(filter)).hasValueSatisfying(reason -> assertThat(reason).contains("at most"));
        String allowed = "($.\"data\".\"a\" == 1" + " || $.\"data\".\"a\" == 1".repeat(paths - 2) + ")";
        assertThat(FilterCostRule.violation(allowed)).isEmpty();
    }
}
