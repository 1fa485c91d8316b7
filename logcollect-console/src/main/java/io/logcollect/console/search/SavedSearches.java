package io.logcollect.console.search;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logcollect.etcd.client.EtcdStore;
import io.logcollect.etcd.client.Mutation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Searches saved by name in etcd: each user's own under {@code /logcollect/searches/users/<user>/<id>}, and those
 * shared with every user under {@code /logcollect/searches/shared/<id>}. A saved search is its query string, with
 * its range as the user chose it ("last 1h" stays relative).
 */
public final class SavedSearches {

    public static final String PREFIX = "/logcollect/searches/";
    static final int MAX_NAME = 100;
    /** Bounds what one user can write to etcd through this page. */
    static final int MAX_PER_USER = 200;
    private static final Logger log = LoggerFactory.getLogger(SavedSearches.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Reads waiting on etcd at once, at most: etcd down cannot pile them up behind the search page. */
    private static final int CONCURRENT_READS = 4;

    private final EtcdStore etcd;
    private final ExecutorService reads = new ThreadPoolExecutor(0, CONCURRENT_READS, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "saved-searches-read");
                thread.setDaemon(true);
                return thread;
            });

    public SavedSearches(EtcdStore etcd) {
        this.etcd = etcd;
    }

    /** A saved search; {@code query} is the search page's query string. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SavedSearch(String id, String name, String query, String owner, boolean shared, String saved) {
    }

    /** The searches {@code user} saved and every shared one, by name. */
    public List<SavedSearch> visibleTo(String user) {
        List<SavedSearch> searches = new ArrayList<>(read(userPrefix(user)));
        searches.addAll(read(PREFIX + "shared/"));
        searches.sort(Comparator.comparing((SavedSearch s) -> s.name().toLowerCase(java.util.Locale.ROOT))
                .thenComparing(SavedSearch::id));
        return searches;
    }

    /**
     * {@link #visibleTo}, read from now on a thread of its own, so that the caller's other work (a search in the
     * engine) runs meanwhile; failed at once when {@value #CONCURRENT_READS} reads are already waiting on etcd.
     */
    public CompletableFuture<List<SavedSearch>> readVisibleTo(String user) {
        try {
            return CompletableFuture.supplyAsync(() -> visibleTo(user), reads);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Saves {@code query} as {@code name} for {@code user}, or for everyone when {@code shared}.
     *
     * @throws IllegalArgumentException the name is empty or too long, or the user has saved too many
     */
    public SavedSearch save(String user, String name, LogQuery query, boolean shared) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_NAME) {
            throw new IllegalArgumentException("a saved search needs a name of 1 to " + MAX_NAME + " characters");
        }
        long owned = visibleTo(user).stream().filter(s -> s.owner().equals(user)).count();
        if (owned >= MAX_PER_USER) {
            throw new IllegalArgumentException("you have " + owned + " saved searches, the most one user may keep;"
                    + " delete one first");
        }
        SavedSearch search = new SavedSearch(UUID.randomUUID().toString(), trimmed, query.queryString(), user,
                shared, Instant.now().toString());
        try {
            etcd.apply(List.of(new Mutation.Put(key(search), MAPPER.writeValueAsString(search))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return search;
    }

    /** The saved search {@code id} that {@code user} sees. */
    public Optional<SavedSearch> find(String user, String id) {
        return visibleTo(user).stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** Deletes a saved search (the caller checked that the user may). */
    public void delete(SavedSearch search) {
        etcd.apply(List.of(new Mutation.Delete(key(search))));
    }

    private List<SavedSearch> read(String prefix) {
        List<SavedSearch> searches = new ArrayList<>();
        etcd.readPrefix(prefix).values().forEach((key, value) -> {
            try {
                SavedSearch search = MAPPER.readValue(value.value(), SavedSearch.class);
                if (search.id() != null && search.name() != null && search.query() != null && search.owner() != null
                        && key.equals(key(search))) {
                    searches.add(search);
                }
            } catch (JsonProcessingException e) {
                log.warn("{} is not a saved search; ignored", key);
            }
        });
        return searches;
    }

    private static String key(SavedSearch search) {
        return (search.shared() ? PREFIX + "shared/" : userPrefix(search.owner())) + search.id();
    }

    private static String userPrefix(String user) {
        return PREFIX + "users/" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "/";
    }
}
