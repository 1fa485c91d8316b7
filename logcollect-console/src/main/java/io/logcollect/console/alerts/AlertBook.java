package io.logcollect.console.alerts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The alerts' state: what is pending, firing or resolved and not yet told, when each was last notified, the
 * counters whose growth is alerted on, and the history. Plain data and rules, no I/O: the console keeps it in etcd
 * ({@code /logcollect/alerts/state}) so a restart neither repeats nor forgets a notification.
 */
public final class AlertBook {

    /** Events kept in the history, newest first. */
    static final int HISTORY = 200;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Map<String, Alert> alerts = new TreeMap<>();
    private final Map<String, Long> counters = new TreeMap<>();
    private final Map<String, String> grown = new TreeMap<>();
    private final List<Event> history = new ArrayList<>();

    /**
     * One alert. Times are ISO-8601 instants; {@code firingSince} is null while pending, {@code resolvedAt} null while
     * the condition holds, {@code lastNotified} null until a notification about it was delivered.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Alert(String rule, String subject, String detail, @JsonProperty("pending_since") String pendingSince,
                        @JsonProperty("firing_since") String firingSince,
                        @JsonProperty("last_notified") String lastNotified,
                        @JsonProperty("resolved_at") String resolvedAt) {
        public boolean firing() {
            return firingSince != null && resolvedAt == null;
        }

        String key() {
            return rule + "|" + subject;
        }

        Alert with(String detail, String firingSince, String lastNotified, String resolvedAt) {
            return new Alert(rule, subject, detail, pendingSince, firingSince, lastNotified, resolvedAt);
        }
    }

    /** A line of the history: an alert fired or resolved. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Event(String time, String rule, String subject, String status, String detail) {
    }

    /** What one notification tells, for one rule: the alerts that fire (new or repeated) and those resolved. */
    public record Notification(AlertRule rule, List<Alert> firing, List<Alert> resolved) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    private record State(Map<String, Alert> alerts, Map<String, Long> counters, Map<String, String> grown,
                         List<Event> history) {
    }

    /**
     * Moves every alert on: a condition seen for the first time is pending, one held for its rule's {@code for} is
     * firing (an event in the history), a firing alert whose condition is gone is resolved (an event too); a pending
     * one whose condition is gone is forgotten.
     */
    public void evaluate(List<Condition> active, Instant now, Map<AlertRule, Duration> holdFor) {
        Map<String, Condition> byKey = active.stream().collect(Collectors.toMap(Condition::key, c -> c, (a, b) -> a,
                LinkedHashMap::new));
        for (Condition condition : byKey.values()) {
            Alert alert = alerts.get(condition.key());
            if (alert == null || alert.resolvedAt() != null) {
                alert = new Alert(condition.rule().key(), condition.subject(), condition.detail(), now.toString(),
                        null, null, null);
            }
            String firingSince = alert.firingSince();
            if (firingSince == null && !Instant.parse(alert.pendingSince()).plus(holdFor.get(condition.rule()))
                    .isAfter(now)) {
                firingSince = now.toString();
                record(now, alert, "firing", condition.detail());
            }
            alerts.put(condition.key(), alert.with(condition.detail(), firingSince, alert.lastNotified(), null));
        }
        for (Alert alert : List.copyOf(alerts.values())) {
            if (byKey.containsKey(alert.key()) || alert.resolvedAt() != null) {
                continue;
            }
            if (alert.firingSince() == null || alert.lastNotified() == null) {
                alerts.remove(alert.key());
                if (alert.firingSince() != null) {
                    record(now, alert, "resolved", alert.detail());
                }
            } else {
                alerts.put(alert.key(), alert.with(alert.detail(), alert.firingSince(), alert.lastNotified(),
                        now.toString()));
                record(now, alert, "resolved", alert.detail());
            }
        }
    }

    /**
     * The notifications due now, one per rule: firing alerts never told or last told {@code repeat} ago, and resolved
     * alerts that were told they fire. A silenced alert is not told (nor is its resolution).
     */
    public List<Notification> due(Instant now, Duration repeat, Predicate<Alert> silenced) {
        Map<AlertRule, List<Alert>> firing = new TreeMap<>();
        Map<AlertRule, List<Alert>> resolved = new TreeMap<>();
        for (Alert alert : alerts.values()) {
            if (silenced.test(alert)) {
                continue;
            }
            AlertRule rule = AlertRule.ofKey(alert.rule());
            if (alert.resolvedAt() != null) {
                resolved.computeIfAbsent(rule, r -> new ArrayList<>()).add(alert);
            } else if (alert.firing() && (alert.lastNotified() == null
                    || !Instant.parse(alert.lastNotified()).plus(repeat).isAfter(now))) {
                firing.computeIfAbsent(rule, r -> new ArrayList<>()).add(alert);
            }
        }
        List<Notification> due = new ArrayList<>();
        for (AlertRule rule : AlertRule.values()) {
            if (firing.containsKey(rule) || resolved.containsKey(rule)) {
                due.add(new Notification(rule, firing.getOrDefault(rule, List.of()),
                        resolved.getOrDefault(rule, List.of())));
            }
        }
        return due;
    }

    /** A notification reached every receiver: its firing alerts were told now, its resolved ones are done. */
    public void delivered(Notification notification, Instant now) {
        for (Alert alert : notification.firing()) {
            Alert current = alerts.get(alert.key());
            if (current != null && current.firing()) {
                alerts.put(alert.key(), current.with(current.detail(), current.firingSince(), now.toString(), null));
            }
        }
        for (Alert alert : notification.resolved()) {
            Alert current = alerts.get(alert.key());
            if (current != null && current.resolvedAt() != null) {
                alerts.remove(alert.key());
            }
        }
    }

    /** Resolved alerts that cannot be told (silenced now) are done too. */
    public void dropResolved(Predicate<Alert> silenced) {
        alerts.values().removeIf(alert -> alert.resolvedAt() != null && silenced.test(alert));
    }

    /**
     * Whether the counter {@code key} grew within {@code window}: records {@code value} and, when it is above the
     * value seen before, that it grew now. A counter that restarts lower (its task restarted) is not growth.
     */
    public boolean grewWithin(String key, long value, Instant now, Duration window) {
        Long before = counters.put(key, value);
        if (before != null && value > before) {
            grown.put(key, now.toString());
        }
        String last = grown.get(key);
        if (last != null && Instant.parse(last).plus(window).isBefore(now)) {
            grown.remove(key);
            return false;
        }
        return last != null;
    }

    /** Forgets the counters of subjects no longer seen (a forgotten host). */
    public void keepCounters(Set<String> keys) {
        counters.keySet().retainAll(keys);
        grown.keySet().retainAll(keys);
    }

    public List<Alert> alerts() {
        return List.copyOf(alerts.values());
    }

    public List<Event> history() {
        return List.copyOf(history);
    }

    private void record(Instant now, Alert alert, String status, String detail) {
        history.add(0, new Event(now.toString(), alert.rule(), alert.subject(), status, detail));
        while (history.size() > HISTORY) {
            history.remove(history.size() - 1);
        }
    }

    public String toJson() {
        try {
            return MAPPER.writeValueAsString(new State(alerts, counters, grown, history));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the alerts' state always serializes", e);
        }
    }

    /** The book kept in {@code json}; an empty one when there is none or it cannot be read. */
    public static AlertBook fromJson(String json) {
        AlertBook book = new AlertBook();
        if (json == null || json.isBlank()) {
            return book;
        }
        try {
            State state = MAPPER.readValue(json, State.class);
            if (state.alerts() != null) {
                state.alerts().values().stream().filter(a -> known(a.rule()))
                        .forEach(alert -> book.alerts.put(alert.key(), alert));
            }
            if (state.counters() != null) {
                book.counters.putAll(state.counters());
            }
            if (state.grown() != null) {
                book.grown.putAll(state.grown());
            }
            if (state.history() != null) {
                book.history.addAll(state.history());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the alerts' state in etcd is not valid JSON: " + e.getOriginalMessage());
        }
        return book;
    }

    private static boolean known(String rule) {
        try {
            AlertRule.ofKey(rule);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
