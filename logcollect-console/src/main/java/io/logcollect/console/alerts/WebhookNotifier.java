package io.logcollect.console.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * POSTs each notification as JSON: logcollect's shape ({@code rule}, {@code description}, {@code firing} and
 * {@code resolved} alerts with subject, detail and times), or Slack's incoming-webhook shape ({@code text}).
 */
final class WebhookNotifier implements Notifier {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final URI url;
    private final boolean slack;
    private final String consoleUrl;

    WebhookNotifier(URI url, boolean slack, String consoleUrl) {
        this.url = url;
        this.slack = slack;
        this.consoleUrl = consoleUrl;
    }

    @Override
    public void send(AlertBook.Notification notification) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(notification))).build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while posting to the webhook");
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException("the webhook answered HTTP " + response.statusCode());
        }
    }

    String body(AlertBook.Notification notification) throws IOException {
        ObjectNode body = MAPPER.createObjectNode();
        if (slack) {
            body.put("text", Notifier.subject(notification) + "\n" + Notifier.text(notification, consoleUrl));
            return MAPPER.writeValueAsString(body);
        }
        body.put("rule", notification.rule().key());
        body.put("description", notification.rule().description());
        body.put("status", notification.firing().isEmpty() ? "resolved" : "firing");
        ArrayNode firing = body.putArray("firing");
        notification.firing().forEach(alert -> firing.addObject().put("subject", alert.subject())
                .put("detail", alert.detail()).put("firing_since", alert.firingSince()));
        ArrayNode resolved = body.putArray("resolved");
        notification.resolved().forEach(alert -> resolved.addObject().put("subject", alert.subject())
                .put("detail", alert.detail()).put("firing_since", alert.firingSince())
                .put("resolved_at", alert.resolvedAt()));
        if (consoleUrl != null) {
            body.put("console", consoleUrl + "/alerts");
        }
        return MAPPER.writeValueAsString(body);
    }

    @Override
    public String toString() {
        return "webhook " + url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }
}
