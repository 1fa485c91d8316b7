package io.logcollect.console.alerts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logcollect.etcd.client.EtcdStore;
import io.logcollect.etcd.client.Mutation;
import io.logcollect.etcd.client.Versioned;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * The alerts' place in etcd, under {@code /logcollect/alerts/}: the state ({@code state}, one JSON value written
 * when it changes), the silences ({@code silences/<id>}, each with a lease that ends with it) and the sender lock
 * ({@code sender}, held with a lease by the one console that evaluates and sends).
 */
public final class AlertStore {

    public static final String PREFIX = "/logcollect/alerts/";
    static final String STATE = PREFIX + "state";
    static final String SILENCES = PREFIX + "silences/";
    static final String SENDER = PREFIX + "sender";
    /** The sender lock's lease: another console takes over this long after the sender dies. */
    static final long LOCK_TTL_SECONDS = 30;
    private static final Logger log = LoggerFactory.getLogger(AlertStore.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final EtcdStore etcd;
    private final String holder = UUID.randomUUID().toString();
    private long lockLease;
    private String written;

    public AlertStore(EtcdStore etcd) {
        this.etcd = etcd;
    }

    /** A silence: alerts of the rule (all rules when empty) for the subject (all when empty) are not told. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Silence(String id, String rule, String subject, String until, String by, String comment) {
        public boolean matches(AlertBook.Alert alert) {
            return (rule == null || rule.isEmpty() || rule.equals(alert.rule()))
                    && (subject == null || subject.isEmpty() || subject.equals(alert.subject()));
        }
    }

    public AlertBook load() {
        return AlertBook.fromJson(etcd.read(List.of(STATE)).values().values().stream().findFirst()
                .map(Versioned::value).orElse(null));
    }

    /** Writes the book when it differs from what this console wrote last. */
    void save(AlertBook book) {
        String json = book.toJson();
        if (!json.equals(written)) {
            etcd.apply(List.of(new Mutation.Put(STATE, json)));
            written = json;
        }
    }

    /**
     * Whether this console holds the sender lock, taking it when free and renewing it when held. A console that
     * just took it must {@link #load()} the state: the previous sender may have moved it on.
     */
    boolean holdLock() {
        if (lockLease != 0 && etcd.keepAliveOnce(lockLease)) {
            return true;
        }
        lockLease = etcd.grantLease(LOCK_TTL_SECONDS);
        if (etcd.claim(SENDER, holder, lockLease)) {
            written = null;
            log.info("this console now evaluates the alert rules and sends notifications (it holds {})", SENDER);
            return true;
        }
        etcd.revokeLease(lockLease);
        lockLease = 0;
        return false;
    }

    void releaseLock() {
        if (lockLease != 0) {
            etcd.revokeLease(lockLease);
            lockLease = 0;
        }
    }

    /** The silences in force, the one ending last first. */
    public List<Silence> silences() {
        List<Silence> silences = new ArrayList<>();
        etcd.readPrefix(SILENCES).values().forEach((key, value) -> {
            try {
                silences.add(MAPPER.readValue(value.value(), Silence.class));
            } catch (JsonProcessingException e) {
                log.warn("{} is not a silence; ignored", key);
            }
        });
        silences.sort(Comparator.comparing(Silence::until).reversed());
        return silences;
    }

    /** Silences alerts of {@code rule} for {@code subject} (either empty for all) for {@code duration}. */
    public Silence silence(String rule, String subject, Duration duration, String by, String comment, Instant now) {
        Silence silence = new Silence(UUID.randomUUID().toString().substring(0, 8), rule, subject,
                now.plus(duration).toString(), by, comment);
        long lease = etcd.grantLease(Math.max(1, duration.toSeconds()));
        try {
            etcd.putWithLease(SILENCES + silence.id(), MAPPER.writeValueAsString(silence), lease);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a silence always serializes", e);
        }
        return silence;
    }

    /** Ends a silence before its time. */
    public void expire(String id) {
        etcd.apply(List.of(new Mutation.Delete(SILENCES + id)));
    }
}
