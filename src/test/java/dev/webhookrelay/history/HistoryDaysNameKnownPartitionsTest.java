package dev.webhookrelay.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.BadSqlGrammarException;

class HistoryDaysNameKnownPartitionsTest {

    private static final Instant NOON = Instant.parse("2026-12-01T12:00:00Z");
    private static final LocalDate DAY = LocalDate.parse("2026-12-01");
    private static final String CLAIM = "UPDATE deliveries{day} d SET status = 'DISPATCHING' FROM events{day} e WHERE e.id = d.event_id";

    private final HistoryDays days = new HistoryDays();

    @Test
    void aDayIsAddressedByItsPartitionsOnlyWhileItIsKnownToHaveThem() {
        assertThat(days.of(NOON).address(CLAIM)).isEqualTo(
                "UPDATE deliveries d SET status = 'DISPATCHING' FROM events e WHERE e.id = d.event_id");

        days.known(Set.of(DAY));
        assertThat(days.of(NOON).address(CLAIM)).isEqualTo(
                "UPDATE deliveries_p20261201 d SET status = 'DISPATCHING' FROM events_p20261201 e WHERE e.id = d.event_id");
        assertThat(days.of(Instant.parse("2026-12-01T23:59:59.999999Z"))).isEqualTo(days.of(NOON));
        assertThat(days.of(Instant.parse("2026-12-02T00:00:00Z"))).isEqualTo(HistoryDay.PARENTS);
        assertThat(HistoryDays.partition("attempts", DAY)).isEqualTo("attempts_p20261201");

        days.known(Set.of(DAY.plusDays(1)));
        assertThat(days.of(NOON)).as("a day no longer in the catalog").isEqualTo(HistoryDay.PARENTS);

        days.known(Set.of(DAY));
        days.dropping(DAY);
        assertThat(days.of(NOON)).isEqualTo(HistoryDay.PARENTS);
    }

    @Test
    void workThatMeetsAPartitionDroppedMeanwhileRunsAgainOnTheParentsAndTheDayIsForgotten() {
        days.known(Set.of(DAY));
        List<HistoryDay> tried = new ArrayList<>();

        String answer = days.inDayOf(NOON, day -> {
            tried.add(day);
            if (!day.equals(HistoryDay.PARENTS)) {
                throw failure("42P01");
            }
            return "done";
        });

        assertThat(answer).isEqualTo("done");
        assertThat(tried).containsExactly(new HistoryDay("_p20261201"), HistoryDay.PARENTS);
        assertThat(days.of(NOON)).isEqualTo(HistoryDay.PARENTS);
    }

    @Test
    void anyOtherFailureIsNotRetriedAndNothingIsRetriedOnTheParents() {
        days.known(Set.of(DAY));
        List<HistoryDay> tried = new ArrayList<>();
        assertThatThrownBy(() -> days.inDayOf(NOON, day -> {
            tried.add(day);
            throw failure("42703");
        })).isInstanceOf(BadSqlGrammarException.class);
        assertThat(tried).hasSize(1);
        assertThat(days.of(NOON)).isNotEqualTo(HistoryDay.PARENTS);

        days.dropping(DAY);
        tried.clear();
        assertThatThrownBy(() -> days.inDayOf(NOON, day -> {
            tried.add(day);
            throw failure("42P01");
        })).isInstanceOf(BadSqlGrammarException.class);
        assertThat(tried).containsExactly(HistoryDay.PARENTS);
    }

    private static BadSqlGrammarException failure(String sqlState) {
        return new BadSqlGrammarException("claim", CLAIM, new SQLException("no such relation", sqlState));
    }
}
