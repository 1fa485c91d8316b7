package io.logcollect.stack;

import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.KafkaBroker;

import java.util.List;

/** One progress line: records written, in Kafka and searchable. */
final class Progress {

    private final KafkaBroker kafka;
    private final HttpJson search;
    private final DemoLogs demo;
    private final List<String> topics;

    Progress(KafkaBroker kafka, HttpJson search, DemoLogs demo, List<String> topics) {
        this.kafka = kafka;
        this.search = search;
        this.demo = demo;
        this.topics = topics;
    }

    String line() {
        StringBuilder line = new StringBuilder();
        if (demo != null) {
            line.append(String.format("written %,d", demo.accessRecords.get() + demo.appRecords.get()));
            line.append("  |  ");
        }
        long inKafka = 0;
        for (String topic : topics) {
            try {
                inKafka += kafka.recordCount(topic);
            } catch (RuntimeException e) {
                // the topic appears with its first record
            }
        }
        line.append(String.format("in Kafka %,d  |  searchable %,d", inKafka, searchable()));
        return line.toString();
    }

    private long searchable() {
        try {
            String pattern = String.join(",", topics.stream().map(t -> t + "-*").toList());
            HttpJson.Response response = search.get("/" + pattern + "/_count?ignore_unavailable=true&allow_no_indices=true");
            return response.ok() ? response.json().path("count").asLong() : 0;
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
