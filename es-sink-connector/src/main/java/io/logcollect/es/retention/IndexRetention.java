package io.logcollect.es.retention;

import io.logcollect.es.document.IndexNameFormat;
import io.logcollect.search.client.SearchAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Deletes a topic's dated indices once they are older than its retention: an index whose last day is {@code D} goes
 * on the first day after {@code D + days} (in the index format's zone). Only names the index format gives the topic
 * are touched; indices of other topics, other formats or other sinks are not, and an index another sink deleted
 * first is no error (several tasks and sinks may sweep the same family).
 */
public final class IndexRetention {

    private static final Logger log = LoggerFactory.getLogger(IndexRetention.class);

    private final SearchAdmin admin;
    private final IndexNameFormat format;
    private final int defaultDays;
    private final Map<String, Integer> daysByTopic;
    private final Clock clock;

    /**
     * @param defaultDays days of every topic not in {@code daysByTopic}; 0 keeps indices forever
     * @param clock       in the index format's zone
     */
    public IndexRetention(SearchAdmin admin, IndexNameFormat format, int defaultDays, Map<String, Integer> daysByTopic,
                          Clock clock) {
        this.admin = admin;
        this.format = format;
        this.defaultDays = defaultDays;
        this.daysByTopic = Map.copyOf(daysByTopic);
        this.clock = clock;
    }

    /** The retention of a topic in days (0: forever). */
    public int days(String topic) {
        return daysByTopic.getOrDefault(topic, defaultDays);
    }

    /** Deletes the indices of these topics that are past their retention; returns their names. */
    public List<String> sweep(Collection<String> topics) throws IOException {
        List<String> deleted = new ArrayList<>();
        LocalDate today = LocalDate.now(clock);
        for (String topic : new TreeSet<>(topics)) {
            int days = days(topic);
            if (days <= 0 || !format.hasDate()) {
                continue;
            }
            for (String index : admin.indices(format.pattern(topic))) {
                Optional<LocalDate> lastDay = format.lastDay(topic, index);
                if (lastDay.isPresent() && lastDay.get().plusDays(days).isBefore(today)) {
                    if (admin.deleteIndex(index)) {
                        log.info("Deleted index {}: its last day {} is more than {} days ago (index.retention.days"
                                + " of topic {})", index, lastDay.get(), days, topic);
                    }
                    deleted.add(index);
                }
            }
        }
        return deleted;
    }
}
