package io.logcollect.stack;

import io.logcollect.testkit.HttpJson;
import io.logcollect.testkit.KafkaBroker;

import java.util.List;

/** One progress line: records written, in Kafka and searchable. */
final class Progress {

    private final KafkaBroker kafka;
    /** Every node of the search engine: the count comes from the first that answers, so a dead node is no gap. */
    private final List<HttpJson> searchNodes;
    private final DemoLogs demo;
    private final List<String> topics;

    Progress(KafkaBroker kafka, List<HttpJson> searchNodes, DemoLogs demo, List<String> topics) {
        this.kafka = kafka;
        this.searchNodes = searchNodes;
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
        String pattern = String.join(",", topics.stream().map(t -> t + "-*").toList());
        for (HttpJson node : searchNodes) {
            try {
                HttpJson.Response response = node.get("/" + pattern
                        + "/_count?ignore_unavailable=true&allow_no_indices=true");
                if (response.ok()) {
                    return response.json().path("count").asLong();
                }
            } catch (RuntimeException e) {
                // a node that is down: ask the next
            }
        }
        return 0;
    }
}
