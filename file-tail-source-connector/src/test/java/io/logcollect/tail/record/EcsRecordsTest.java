package io.logcollect.tail.record;

import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EcsRecordsTest {

    /**
     * Connect finds a file's stored offset by the bytes of its partition's JSON: those bytes must be the same
     * in every JVM and in every release, or a restarted agent reads its files again from the start.
     */
    @Test
    void aPartitionAlwaysSerializesToTheSameJson() {
        JsonConverter offsetKeys = new JsonConverter();
        offsetKeys.configure(Map.of("schemas.enable", "false"), true);
        Map<String, Object> partition = EcsRecords.partition("nginx-access", "2049:131:9f2c");
        assertEquals("{\"entry\":\"nginx-access\",\"file\":\"2049:131:9f2c\"}",
                new String(offsetKeys.fromConnectData("offsets", null, partition), StandardCharsets.UTF_8));
        assertEquals(new HashMap<>(partition), partition);
        assertEquals(new HashMap<>(partition).hashCode(), partition.hashCode());
    }
}
