package io.logcollect.console.alerts;

import io.logcollect.console.agents.AgentDirectory;
import io.logcollect.console.pipeline.SinkBacklog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs the alert rules in the console process every {@code evaluateEvery}: only while this console holds the
 * sender lock (so several consoles send each notification once), reading the fleet as the agents page does, moving
 * the {@link AlertBook} on, telling the receivers, and keeping the book in etcd.
 */
public final class AlertMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AlertMonitor.class);

    private final AgentDirectory agents;
    private final Optional<SinkBacklog> backlog;
    private final AlertStore store;
    private final AlertSettings settings;
    private final List<Notifier> notifiers = new ArrayList<>();
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "alert-monitor");
        thread.setDaemon(true);
        return thread;
    });
    private AlertBook book;

    public AlertMonitor(AgentDirectory agents, Optional<SinkBacklog> backlog, AlertStore store, AlertSettings settings,
                        Clock clock) {
        this.agents = agents;
        this.backlog = backlog;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        String consoleUrl = settings.consoleUrl().orElse(null);
        settings.webhook().ifPresent(url -> notifiers.add(new WebhookNotifier(url, settings.slack(), consoleUrl)));
        settings.mail().ifPresent(mail -> notifiers.add(new MailNotifier(mail, consoleUrl)));
    }

    public void start() {
        long every = settings.evaluateEvery().toMillis();
        timer.scheduleAtFixedRate(this::tick, every, every, TimeUnit.MILLISECONDS);
        log.info("alert rules evaluated every {} s; notifications to {}", every / 1000.0,
                notifiers.isEmpty() ? "nobody (the Alerts page only)" : notifiers);
    }

    private void tick() {
        try {
            evaluate();
        } catch (Throwable e) {
            // one failed round (etcd or the engine away) must not end the timer: the next round tries again. The
            // lock goes, so that another console that can reach everything sends meanwhile.
            log.warn("alert evaluation failed; tried again in {} s: {}", settings.evaluateEvery().toSeconds(),
                    e.toString());
            book = null;
            try {
                store.releaseLock();
            } catch (RuntimeException released) {
                log.debug("sender lock not released (it expires with its lease): {}", released.toString());
            }
        }
    }

    void evaluate() throws Exception {
        if (!store.holdLock()) {
            book = null;
            return;
        }
        if (book == null) {
            book = store.load();
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Optional<SinkBacklog.Backlog> sink = Optional.empty();
        if (backlog.isPresent()) {
            try {
                sink = Optional.of(backlog.get().read());
            } catch (Exception e) {
                log.debug("sink backlog not read for the alerts: {}", e.toString());
            }
        }
        List<Condition> conditions = FleetConditions.of(agents.list(), sink, book, settings, now);
        book.evaluate(conditions, now, settings.holdForAll());
        List<AlertStore.Silence> silences = store.silences();
        Predicate<AlertBook.Alert> silenced = alert -> silences.stream().anyMatch(s -> s.matches(alert));
        book.dropResolved(silenced);
        if (!notifiers.isEmpty()) {
            for (AlertBook.Notification notification : book.due(now, settings.repeat(), silenced)) {
                if (sendToAll(notification)) {
                    book.delivered(notification, now);
                }
            }
        }
        store.save(book);
    }

    private boolean sendToAll(AlertBook.Notification notification) {
        boolean all = true;
        for (Notifier notifier : notifiers) {
            try {
                notifier.send(notification);
                log.info("told {}: {}", notifier, Notifier.subject(notification));
            } catch (Exception e) {
                all = false;
                log.warn("{} not told of {}; tried again at the next evaluation: {}", notifier,
                        notification.rule().key(), e.getMessage());
            }
        }
        return all;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            store.releaseLock();
        } catch (RuntimeException e) {
            log.debug("sender lock not released (it expires with its lease): {}", e.toString());
        }
    }
}
