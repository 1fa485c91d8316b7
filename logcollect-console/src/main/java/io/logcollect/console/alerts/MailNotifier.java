package io.logcollect.console.alerts;

import org.simplejavamail.api.email.Email;
import org.simplejavamail.api.mailer.Mailer;
import org.simplejavamail.api.mailer.config.TransportStrategy;
import org.simplejavamail.email.EmailBuilder;
import org.simplejavamail.mailer.MailerBuilder;

import java.io.IOException;

/** Mails each notification (plain text) through an SMTP server, with Simple Java Mail. */
final class MailNotifier implements Notifier {

    private final AlertSettings.Mail settings;
    private final Mailer mailer;
    private final String consoleUrl;

    MailNotifier(AlertSettings.Mail settings, String consoleUrl) {
        this.settings = settings;
        this.consoleUrl = consoleUrl;
        this.mailer = MailerBuilder.withSMTPServer(settings.host(), settings.port(), settings.username(),
                        settings.password() == null ? null : new String(settings.password()))
                .withTransportStrategy(settings.startTls() ? TransportStrategy.SMTP_TLS : TransportStrategy.SMTP)
                .withSessionTimeout(10_000)
                .buildMailer();
    }

    @Override
    public void send(AlertBook.Notification notification) throws IOException {
        Email email = EmailBuilder.startingBlank()
                .from(settings.from())
                .toMultiple(settings.to().toArray(String[]::new))
                .withSubject(Notifier.subject(notification))
                .withPlainText(Notifier.text(notification, consoleUrl))
                .buildEmail();
        try {
            mailer.sendMail(email);
        } catch (RuntimeException e) {
            throw new IOException("the mail to " + settings.to() + " was not sent: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "mail via " + settings.host() + ":" + settings.port();
    }
}
