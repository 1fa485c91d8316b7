package io.logcollect.console.alerts;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the console alerts: where notifications go, how often a firing alert is told again, how often the rules
 * are evaluated, and each rule's {@code for} and threshold where not the default. Secrets are never part of
 * {@link #toString()}.
 *
 * @param webhook       a URL that receives a JSON POST per notification
 * @param slack         post Slack's shape ({@code {"text": ...}}) instead of logcollect's JSON
 * @param mail          where e-mail goes, if anywhere
 * @param repeat        how long until a firing alert is told again
 * @param evaluateEvery how often the rules run
 * @param consoleUrl    the console's address as its users reach it, for links in notifications
 */
public record AlertSettings(Optional<URI> webhook, boolean slack, Optional<Mail> mail, Duration repeat,
                            Duration evaluateEvery, Map<AlertRule, Duration> holdFor, Map<AlertRule, Long> thresholds,
                            Optional<String> consoleUrl) {

    /** An SMTP server and the addresses of a notification mail. */
    public record Mail(String host, int port, boolean startTls, String username, char[] password, String from,
                       List<String> to) {
        @Override
        public String toString() {
            return "Mail[" + host + ":" + port + (username == null ? "" : ", user=" + username) + ", to=" + to + "]";
        }
    }

    public AlertSettings {
        holdFor = Map.copyOf(holdFor);
        thresholds = Map.copyOf(thresholds);
    }

    /** The defaults: no receiver (alerts show on the Alerts page only), told again every 4 h, evaluated every 10 s. */
    public static AlertSettings defaults() {
        return new AlertSettings(Optional.empty(), false, Optional.empty(), Duration.ofHours(4), Duration.ofSeconds(10),
                Map.of(), Map.of(), Optional.empty());
    }

    /** How long the rule's condition must hold before it fires. */
    public Duration holdFor(AlertRule rule) {
        return holdFor.getOrDefault(rule, rule.defaultFor());
    }

    public long threshold(AlertRule rule) {
        return thresholds.getOrDefault(rule, rule.defaultThreshold());
    }

    /** {@code for} of every rule. */
    public Map<AlertRule, Duration> holdForAll() {
        Map<AlertRule, Duration> all = new EnumMap<>(AlertRule.class);
        for (AlertRule rule : AlertRule.values()) {
            all.put(rule, holdFor(rule));
        }
        return all;
    }

    /**
     * Parses one rule setting, {@code <rule>.for=<duration>} ({@code 90s}, {@code 5m}, {@code 1h}) or
     * {@code <rule>.threshold=<number>}, into these settings' maps.
     */
    public static void parseRuleSetting(String setting, Map<AlertRule, Duration> holdFor,
                                        Map<AlertRule, Long> thresholds) {
        int equals = setting.indexOf('=');
        int dot = setting.lastIndexOf('.', equals < 0 ? setting.length() : equals);
        if (equals < 0 || dot < 0) {
            throw new IllegalArgumentException("alert rule setting '" + setting + "' is not <rule>.for=<duration> or"
                    + " <rule>.threshold=<number>");
        }
        AlertRule rule = AlertRule.ofKey(setting.substring(0, dot).trim());
        String what = setting.substring(dot + 1, equals).trim();
        String value = setting.substring(equals + 1).trim();
        switch (what) {
            case "for" -> holdFor.put(rule, duration(value));
            case "threshold" -> {
                try {
                    thresholds.put(rule, Long.parseLong(value));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("threshold of " + rule.key() + " is not a number: " + value);
                }
            }
            default -> throw new IllegalArgumentException("alert rule setting '" + setting + "': '" + what
                    + "' is neither for nor threshold");
        }
    }

    /** {@code 30s}, {@code 5m}, {@code 4h} or {@code 0}. */
    public static Duration duration(String text) {
        if (text.matches("\\d{1,9}[smh]")) {
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            return switch (text.charAt(text.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration such as 30s, 5m or 4h");
    }
}
