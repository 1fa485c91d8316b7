package io.logcollect.console.alerts;

import java.io.IOException;

/** A receiver of alert notifications: one call per rule with something to tell. */
interface Notifier {

    /** Delivers the notification, or throws saying why not (it is tried again at the next evaluation). */
    void send(AlertBook.Notification notification) throws IOException;

    /** What a notification says, as a subject line and a plain-text body, for people. */
    static String subject(AlertBook.Notification notification) {
        StringBuilder subject = new StringBuilder("[logcollect] ");
        if (!notification.firing().isEmpty()) {
            subject.append("FIRING ").append(notification.firing().size()).append(' ');
        }
        if (!notification.resolved().isEmpty()) {
            subject.append(notification.firing().isEmpty() ? "" : "and ").append("RESOLVED ")
                    .append(notification.resolved().size()).append(' ');
        }
        subject.append(notification.rule().key()).append(": ");
        subject.append(String.join(", ", notification.firing().isEmpty()
                ? notification.resolved().stream().map(AlertBook.Alert::subject).toList()
                : notification.firing().stream().map(AlertBook.Alert::subject).toList()));
        return subject.length() > 200 ? subject.substring(0, 197) + "..." : subject.toString();
    }

    static String text(AlertBook.Notification notification, String consoleUrl) {
        StringBuilder text = new StringBuilder(notification.rule().key()).append(": ")
                .append(notification.rule().description()).append('\n');
        for (AlertBook.Alert alert : notification.firing()) {
            text.append("FIRING   ").append(alert.subject()).append(": ").append(alert.detail()).append(" (since ")
                    .append(alert.firingSince()).append(")\n");
        }
        for (AlertBook.Alert alert : notification.resolved()) {
            text.append("RESOLVED ").append(alert.subject()).append(" at ").append(alert.resolvedAt()).append('\n');
        }
        if (consoleUrl != null) {
            text.append(consoleUrl).append("/alerts\n");
        }
        return text.toString();
    }
}
