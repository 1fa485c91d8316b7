package io.logcollect.console.alerts;

/** A rule's condition holding now for one subject (a host, a worker, a policy, the sink), and what it says. */
public record Condition(AlertRule rule, String subject, String detail) {

    public String key() {
        return rule.key() + "|" + subject;
    }
}
