package io.logcollect.console.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LogExportTest {

    @Test
    void aFieldIsFoundNestedOrDotted() throws Exception {
        JsonNode source = new ObjectMapper().readTree("{\"host\":{\"name\":\"web-1\"},\"event\":{\"id\":\"x\"},"
                + "\"event.ingested\":\"2026-12-04T16:00:00.000Z\",\"log\":{\"file.path\":\"/var/log/a\","
                + "\"flags\":[\"multiline\"],\"offset\":12},\"labels\":{\"app\":\"shop\"}}");
        assertEquals(Optional.of("web-1"), Hits.value(source, "host.name"));
        assertEquals(Optional.of("2026-12-04T16:00:00.000Z"), Hits.value(source, "event.ingested"));
        assertEquals(Optional.of("x"), Hits.value(source, "event.id"));
        assertEquals(Optional.of("/var/log/a"), Hits.value(source, "log.file.path"));
        assertEquals(Optional.of("[\"multiline\"]"), Hits.value(source, "log.flags"));
        assertEquals(Optional.of("12"), Hits.value(source, "log.offset"));
        assertEquals(Optional.of("{\"app\":\"shop\"}"), Hits.value(source, "labels"));
        assertEquals(Optional.empty(), Hits.value(source, "host.ip"));
    }

    @Test
    void aCellASpreadsheetWouldRunIsQuoted() {
        for (String formula : List.of("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx")) {
            assertEquals("'" + formula, LogExport.cell(formula));
        }
        assertEquals("GET /a 200", LogExport.cell("GET /a 200"));
        assertEquals("", LogExport.cell(""));
    }

    @Test
    void fieldsAreNamesOrTheDefault() {
        assertEquals(LogExport.DEFAULT_FIELDS, LogExport.fields(null));
        assertEquals(LogExport.DEFAULT_FIELDS, LogExport.fields(" , "));
        assertEquals(List.of("@timestamp", "message", "labels.app"), LogExport.fields("@timestamp, message,labels.app,message"));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> LogExport.fields("message,host name"));
        assertEquals("'host name' is not a field name", refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LogExport.fields(String.join(",",
                java.util.stream.IntStream.range(0, 51).mapToObj(i -> "f" + i).toList())));
    }
}
