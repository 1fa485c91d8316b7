package io.logcollect.console.agents;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logcollect.etcd.client.EtcdStore;
import io.logcollect.etcd.client.Mutation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every host the console has seen register, under {@code /logcollect/hosts/<host>} in etcd, so a host whose
 * workers are gone stays on the agents page as offline, with when it was last seen, until an admin forgets it.
 * A record is written when a host or a worker is first seen, and its {@code last_seen} at most every
 * {@link #REFRESH}: so the last-seen time of a host is exact to that (or to its newest status record).
 */
public final class KnownHosts {

    public static final String PREFIX = "/logcollect/hosts/";
    /** How often the last-seen time of a registered host is written. */
    static final Duration REFRESH = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(KnownHosts.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final EtcdStore etcd;

    public KnownHosts(EtcdStore etcd) {
        this.etcd = etcd;
    }

    /** A host's record: when it was first and last seen registered, and the ids of its workers. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record KnownHost(String host, @JsonProperty("first_seen") String firstSeen,
                            @JsonProperty("last_seen") String lastSeen, List<String> workers) {
        public KnownHost {
            workers = workers == null ? List.of() : List.copyOf(workers);
        }

        Optional<Instant> lastSeenTime() {
            try {
                return Optional.of(Instant.parse(lastSeen));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
    }

    /** Every known host, by name. */
    public Map<String, KnownHost> all() {
        Map<String, KnownHost> hosts = new TreeMap<>();
        etcd.readPrefix(PREFIX).values().forEach((key, value) -> {
            try {
                KnownHost host = MAPPER.readValue(value.value(), KnownHost.class);
                if (host.host() != null) {
                    hosts.put(host.host(), host);
                }
            } catch (JsonProcessingException e) {
                log.warn("{} is not a known-host record; ignored", key);
            }
        });
        return hosts;
    }

    /**
     * Records that {@code host} is registered now with {@code workers}, when it is new, has a new worker, or its
     * last-seen time is older than {@link #REFRESH}.
     */
    void seen(String host, List<String> workers, Optional<KnownHost> known, Instant now) {
        TreeSet<String> all = new TreeSet<>(workers);
        known.ifPresent(k -> all.addAll(k.workers()));
        boolean fresh = known.flatMap(KnownHost::lastSeenTime).map(t -> t.plus(REFRESH).isAfter(now)).orElse(false);
        if (known.isPresent() && fresh && all.size() == known.get().workers().size()) {
            return;
        }
        KnownHost record = new KnownHost(host, known.map(KnownHost::firstSeen).orElse(now.toString()), now.toString(),
                List.copyOf(all));
        try {
            etcd.apply(List.of(new Mutation.Put(key(host), MAPPER.writeValueAsString(record))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a known-host record always serializes", e);
        }
    }

    /** Forgets a host: it leaves the agents page unless a worker of it registers again. */
    public void forget(String host) {
        etcd.apply(List.of(new Mutation.Delete(key(host))));
    }

    static String key(String host) {
        return PREFIX + URLEncoder.encode(host, StandardCharsets.UTF_8);
    }
}
