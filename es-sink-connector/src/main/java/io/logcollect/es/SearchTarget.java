package io.logcollect.es;

import io.logcollect.es.bulk.Backoff;
import io.logcollect.search.client.EngineInfo;
import io.logcollect.es.client.IndexTemplates;
import io.logcollect.search.client.SearchAdmin;
import io.logcollect.search.client.SearchEngineException;
import io.logcollect.es.document.IndexNameFormat;
import org.apache.kafka.connect.errors.ConnectException;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.apache.kafka.connect.sink.SinkConnector.TOPICS_CONFIG;
import static org.apache.kafka.connect.sink.SinkTask.TOPICS_REGEX_CONFIG;

/**
 * Readies the search engine a task writes to, before the first document: finds out which engine and version
 * answers (retrying while it cannot be reached, within the retry budget) and installs the index template for
 * the task's indices.
 */
final class SearchTarget {

    private static final Logger log = LoggerFactory.getLogger(SearchTarget.class);
    /** Topic names joined by {@code |}, with no character a regex gives a meaning to ({@code .} included). */
    /** A template name no connector name can give (theirs are logcollect- and the name in [a-z0-9_.-]). */
    private static final String STATUS_TEMPLATE = "logcollect@sink-status";
    private static final Pattern TOPIC_NAME_LIST = Pattern.compile("[A-Za-z0-9_-]+(\\|[A-Za-z0-9_-]+)*");

    private final ElasticsearchSinkConfig config;
    private final RestClient client;
    private final String taskName;

    SearchTarget(ElasticsearchSinkConfig config, RestClient client, String taskName) {
        this.config = config;
        this.client = client;
        this.taskName = taskName;
    }

    /** The engine; connection failures are retried with backoff, HTTP errors fail at once. */
    EngineInfo detect() {
        SearchAdmin admin = new SearchAdmin(client);
        int maxRetries = config.getInt(ElasticsearchSinkConfig.MAX_RETRIES);
        Backoff backoff = new Backoff(config.getLong(ElasticsearchSinkConfig.RETRY_BACKOFF_MS),
                config.getLong(ElasticsearchSinkConfig.RETRY_BACKOFF_MAX_MS));
        for (int attempt = 0; ; attempt++) {
            try {
                return admin.detect();
            } catch (SearchEngineException e) {
                throw new ConnectException("Cannot use the search engine at " + config.urls() + ": " + e.getMessage());
            } catch (IOException e) {
                if (maxRetries >= 0 && attempt >= maxRetries) {
                    throw new ConnectException("Cannot reach the search engine at " + config.urls() + " after "
                            + attempt + " retries: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                long delay = backoff.millis(attempt + 1);
                log.warn("Task {} cannot reach the search engine at {} ({}: {}); retrying in {} ms", taskName,
                        config.urls(), e.getClass().getSimpleName(), e.getMessage(), delay);
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new ConnectException("interrupted while connecting to the search engine");
                }
            }
        }
    }

    /** Installs the index template for the task's indices (index.template.patterns, or derived from the topics). */
    void installTemplate(EngineInfo engine, IndexNameFormat indexNames, Map<String, String> props) {
        List<String> patterns = config.getList(ElasticsearchSinkConfig.INDEX_TEMPLATE_PATTERNS).stream()
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (patterns.isEmpty()) {
            patterns = derivedPatterns(indexNames, props);
        }
        String templateName = config.getString(ElasticsearchSinkConfig.INDEX_TEMPLATE_NAME);
        if (templateName == null || templateName.isBlank()) {
            templateName = "logcollect-" + props.getOrDefault("name", "sink").toLowerCase(Locale.ROOT)
                    .replaceAll("[^a-z0-9_.-]", "_");
        }
        Integer priority = config.getInt(ElasticsearchSinkConfig.INDEX_TEMPLATE_PRIORITY);
        try {
            putTemplate(engine, templateName, patterns, config.dataStreams(),
                    priority != null ? priority : IndexTemplates.derivedPriority(patterns));
        } catch (SearchEngineException e) {
            throw new ConnectException(e.getMessage());
        } catch (IOException e) {
            throw new ConnectException("cannot install index template " + templateName + ": " + e.getMessage(), e);
        }
    }

    /**
     * Installs the template of the indices the task's status documents go to, so that their names are keywords
     * even when no sink carries the agents' status topic (whose template, when there is one, outranks this one by
     * one). The status is an aid, not the task's data: a refusal is logged, and the task goes on.
     */
    void installStatusTemplate(EngineInfo engine, IndexNameFormat statusIndex) {
        List<String> patterns = List.of(statusIndex.pattern(null));
        try {
            putTemplate(engine, STATUS_TEMPLATE, patterns, false, IndexTemplates.derivedPriority(patterns) - 1);
        } catch (IOException | SearchEngineException e) {
            log.warn("Task {} cannot install index template {} for its status documents in {}: {}", taskName,
                    STATUS_TEMPLATE, patterns, e.getMessage());
        }
    }

    private void putTemplate(EngineInfo engine, String name, List<String> patterns, boolean dataStreams,
                             int priority) throws IOException {
        String body = IndexTemplates.body(patterns, engine, dataStreams, priority, new IndexTemplates.IndexSettings(
                config.getInt(ElasticsearchSinkConfig.INDEX_TEMPLATE_SHARDS),
                config.getInt(ElasticsearchSinkConfig.INDEX_TEMPLATE_REPLICAS),
                config.getString(ElasticsearchSinkConfig.INDEX_TEMPLATE_REFRESH_INTERVAL)));
        new SearchAdmin(client).putTemplate(name, engine.composableTemplates(), body);
        log.info("Task {} installed index template {} for {}", taskName, name, patterns);
    }

    /**
     * The index patterns of a task's topics under the index name format. A {@code topics.regex} that only lists
     * topic names ({@code web_log|app_log}) gives one pattern per name, like {@code topics}, so that two sinks
     * with such regexes get templates that do not clash; any other regex gives the pattern of every topic.
     */
    static List<String> derivedPatterns(IndexNameFormat indexNames, Map<String, String> props) {
        String topics = props.get(TOPICS_CONFIG);
        String regex = props.get(TOPICS_REGEX_CONFIG);
        Set<String> patterns = new LinkedHashSet<>();
        if (regex != null && TOPIC_NAME_LIST.matcher(regex).matches()) {
            topics = regex.replace('|', ',');
        } else if (regex != null) {
            topics = null;
        }
        if (topics != null && !topics.isBlank()) {
            for (String topic : topics.split(",")) {
                if (!topic.isBlank()) {
                    patterns.add(indexNames.pattern(topic.trim()));
                }
            }
        }
        if (patterns.isEmpty()) {
            patterns.add(indexNames.pattern(null));
        }
        return List.copyOf(patterns);
    }
}
