package io.logcollect.console.alerts;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertBookTest {

    private static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");
    private static final Duration REPEAT = Duration.ofHours(4);
    private static final Map<AlertRule, Duration> HOLD_FOR = AlertSettings.defaults().holdForAll();
    private static final Condition H2_OFFLINE = new Condition(AlertRule.AGENT_OFFLINE, "h2", "no worker registered");

    @Test
    void aConditionFiresOnlyAfterHoldingForItsRulesDurationThenIsToldOnceUntilTheRepeatInterval() {
        AlertBook book = new AlertBook();
        book.evaluate(List.of(H2_OFFLINE), T0, HOLD_FOR);
        assertTrue(book.due(T0, REPEAT, a -> false).isEmpty(), "pending, not firing");
        book.evaluate(List.of(H2_OFFLINE), T0.plusSeconds(59), HOLD_FOR);
        assertTrue(book.due(T0.plusSeconds(59), REPEAT, a -> false).isEmpty());

        Instant fired = T0.plusSeconds(60);
        book.evaluate(List.of(H2_OFFLINE), fired, HOLD_FOR);
        List<AlertBook.Notification> due = book.due(fired, REPEAT, a -> false);
        assertEquals(1, due.size());
        assertEquals(List.of("h2"), due.get(0).firing().stream().map(AlertBook.Alert::subject).toList());
        book.delivered(due.get(0), fired);
        assertTrue(book.due(fired.plusSeconds(10), REPEAT, a -> false).isEmpty(), "told once");
        book.evaluate(List.of(H2_OFFLINE), fired.plus(REPEAT), HOLD_FOR);
        assertEquals(1, book.due(fired.plus(REPEAT), REPEAT, a -> false).size(), "told again after the interval");
        assertEquals(List.of("firing"), book.history().stream().map(AlertBook.Event::status).toList());
    }

    @Test
    void aToldAlertWhoseConditionEndsIsToldResolvedOnceAndAnUntoldOneIsForgotten() {
        AlertBook book = new AlertBook();
        Condition failed = new Condition(AlertRule.TASK_FAILED, "h1 w1", "agent-0 FAILED");
        book.evaluate(List.of(H2_OFFLINE, failed), T0, HOLD_FOR);
        AlertBook.Notification told = book.due(T0, REPEAT, a -> false).get(0);
        assertEquals(AlertRule.TASK_FAILED, told.rule(), "task_failed has no duration: it fires at once");
        book.delivered(told, T0);

        book.evaluate(List.of(), T0.plusSeconds(30), HOLD_FOR);
        List<AlertBook.Notification> due = book.due(T0.plusSeconds(30), REPEAT, a -> false);
        assertEquals(1, due.size());
        assertEquals(List.of("h1 w1"), due.get(0).resolved().stream().map(AlertBook.Alert::subject).toList());
        assertTrue(due.get(0).firing().isEmpty());
        book.delivered(due.get(0), T0.plusSeconds(30));
        assertTrue(book.alerts().isEmpty(), "the pending offline alert was forgotten, the resolved one is done");
        assertEquals(List.of("resolved", "firing"), book.history().stream().map(AlertBook.Event::status).toList());
    }

    @Test
    void alertsOfOneRuleAreToldTogetherAndASilencedOneIsNotTold() {
        AlertBook book = new AlertBook();
        List<Condition> conditions = List.of(H2_OFFLINE, new Condition(AlertRule.AGENT_OFFLINE, "h3", "gone"),
                new Condition(AlertRule.AGENT_OFFLINE, "h4", "gone"));
        book.evaluate(conditions, T0, HOLD_FOR);
        book.evaluate(conditions, T0.plusSeconds(60), HOLD_FOR);
        List<AlertBook.Notification> due = book.due(T0.plusSeconds(60), REPEAT, a -> a.subject().equals("h4"));
        assertEquals(1, due.size());
        assertEquals(List.of("h2", "h3"), due.get(0).firing().stream().map(AlertBook.Alert::subject).toList());
    }

    @Test
    void aFailedDeliveryIsTriedAgainAndTheStateSurvivesARestart() {
        AlertBook book = new AlertBook();
        book.evaluate(List.of(H2_OFFLINE), T0, HOLD_FOR);
        book.evaluate(List.of(H2_OFFLINE), T0.plusSeconds(60), HOLD_FOR);
        assertEquals(1, book.due(T0.plusSeconds(60), REPEAT, a -> false).size());
        assertEquals(1, book.due(T0.plusSeconds(62), REPEAT, a -> false).size(), "not delivered: still due");
        book.delivered(book.due(T0.plusSeconds(62), REPEAT, a -> false).get(0), T0.plusSeconds(62));

        AlertBook restarted = AlertBook.fromJson(book.toJson());
        restarted.evaluate(List.of(H2_OFFLINE), T0.plusSeconds(70), HOLD_FOR);
        assertTrue(restarted.due(T0.plusSeconds(70), REPEAT, a -> false).isEmpty(), "a restart does not repeat");
        restarted.evaluate(List.of(), T0.plusSeconds(80), HOLD_FOR);
        assertEquals(1, restarted.due(T0.plusSeconds(80), REPEAT, a -> false).get(0).resolved().size(),
                "nor forget");
    }

    @Test
    void aCounterGrowsWithinItsWindowAndARestartedCounterIsNoGrowth() {
        AlertBook book = new AlertBook();
        Duration window = Duration.ofMinutes(15);
        assertFalse(book.grewWithin("lines_lost|h1", 100, T0, window), "the first value is a baseline");
        assertTrue(book.grewWithin("lines_lost|h1", 150, T0.plusSeconds(10), window));
        assertTrue(book.grewWithin("lines_lost|h1", 150, T0.plusSeconds(600), window));
        assertFalse(book.grewWithin("lines_lost|h1", 150, T0.plusSeconds(911), window));
        assertFalse(book.grewWithin("lines_lost|h1", 0, T0.plusSeconds(920), window), "the task restarted");
        assertTrue(book.grewWithin("lines_lost|h1", 3, T0.plusSeconds(930), window));
    }

    @Test
    void ruleSettingsNameTheirCulprit() {
        Map<AlertRule, Duration> holdFor = new java.util.EnumMap<>(AlertRule.class);
        Map<AlertRule, Long> thresholds = new java.util.EnumMap<>(AlertRule.class);
        AlertSettings.parseRuleSetting("agent_offline.for=2m", holdFor, thresholds);
        AlertSettings.parseRuleSetting("falling_behind.threshold=5000000000", holdFor, thresholds);
        assertEquals(Duration.ofMinutes(2), holdFor.get(AlertRule.AGENT_OFFLINE));
        assertEquals(5_000_000_000L, thresholds.get(AlertRule.FALLING_BEHIND));
        IllegalArgumentException unknown = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> AlertSettings.parseRuleSetting("agent_gone.for=1m", holdFor,
                        thresholds));
        assertTrue(unknown.getMessage().contains("agent_gone"), unknown.getMessage());
        IllegalArgumentException duration = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> AlertSettings.parseRuleSetting("sink_lag.for=soon", holdFor,
                        thresholds));
        assertTrue(duration.getMessage().contains("soon"), duration.getMessage());
    }
}
