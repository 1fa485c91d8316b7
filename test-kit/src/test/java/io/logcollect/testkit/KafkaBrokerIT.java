package io.logcollect.testkit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaBrokerIT {

    @Test
    void producesAndConsumesAndKeepsDataAcrossARestart() throws Exception {
        KafkaBroker broker = TestServices.kafka();
        String topic = "kit-broker-smoke";
        broker.createTopic(topic, 1);
        send(broker, topic, 0, 1000);
        assertEquals(values(0, 1000), values(broker.consume(topic, 1000, Duration.ofSeconds(30))));

        broker.stop();
        assertFalse(broker.isRunning());
        broker.startProcess();
        assertTrue(broker.isRunning());
        assertEquals(1000, broker.recordCount(topic));
        send(broker, topic, 1000, 1500);
        assertEquals(values(0, 1500), values(broker.consume(topic, 1500, Duration.ofSeconds(30))));
    }

    private static void send(KafkaBroker broker, String topic, int from, int to) throws Exception {
        try (KafkaProducer<String, String> producer = broker.producer(Map.of())) {
            DeliveryCheck delivery = new DeliveryCheck();
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, "line-" + i), delivery);
            }
            delivery.flushAndVerify(producer);
        }
    }

    private static List<String> values(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "line-" + i).toList();
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }
}
