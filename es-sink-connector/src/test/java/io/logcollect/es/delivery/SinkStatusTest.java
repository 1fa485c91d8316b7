package io.logcollect.es.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.logcollect.es.bulk.BulkItem;
import io.logcollect.es.document.IndexNameFormat;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class SinkStatusTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long NOON = 1_764_849_600_000L;

    private static SinkStatus status(long intervalMs) {
        return new SinkStatus(new SinkStatus.Settings("h1", "h1:8083/sink-0", "1.0",
                IndexNameFormat.parse("logcollect-status-{yyyy.MM.dd}", ZoneId.of("UTC")), intervalMs));
    }

    @Test
    void theDocumentCarriesTheLedgerAndTheCommittableOffsetsInPartitionOrder() throws Exception {
        DeliveryLedger ledger = new DeliveryLedger();
        TopicPartition p0 = new TopicPartition("logs", 0);
        TopicPartition p10 = new TopicPartition("logs", 10);
        ledger.acknowledged(ledger.register(p10, 7, null));
        ledger.deadLettered(ledger.register(p0, 3, null));
        ledger.register(p0, 4, null);
        ledger.dropped(ledger.register(p0, 5, null));

        Map<String, Object> document = status(1000).document(ledger, 2, NOON);

        assertEquals(MAPPER.readTree("{\"@timestamp\":\"2025-12-04T12:00:00Z\",\"host\":{\"name\":\"h1\"},"
                        + "\"agent\":{\"id\":\"h1:8083/sink-0\",\"type\":\"logcollect\",\"version\":\"1.0\"},"
                        + "\"event\":{\"kind\":\"metric\",\"dataset\":\"logcollect.sink\"},"
                        + "\"metricset\":{\"name\":\"logcollect_sink\"},"
                        + "\"logcollect\":{\"sink\":{\"interval_ms\":1000,\"received\":4,\"acknowledged\":1,\"dead_lettered\":1,"
                        + "\"dropped\":1,\"let_go\":0,\"open\":1,\"buffered\":2,\"committable\":["
                        + "{\"topic\":\"logs\",\"partition\":0,\"offset\":4},"
                        + "{\"topic\":\"logs\",\"partition\":10,\"offset\":8}]}}}"),
                MAPPER.readTree(MAPPER.writeValueAsString(document)));
    }

    @Test
    void oneDocumentPerIntervalIntoTheDatedStatusIndex() {
        SinkStatus status = status(60_000);
        DeliveryLedger ledger = new DeliveryLedger();
        BulkItem first = status.due(ledger, 0, NOON);
        assertNotNull(first);
        assertEquals("logcollect-status-2025.12.04", first.index());
        assertEquals(SinkStatus.TAG, first.tag());
        assertNull(status.due(ledger, 0, NOON + 1));
    }

    @Test
    void anIntervalOfZeroReportsNothing() {
        assertNull(status(0).due(new DeliveryLedger(), 0, NOON));
    }
}
