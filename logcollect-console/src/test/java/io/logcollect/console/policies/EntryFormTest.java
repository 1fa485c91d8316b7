package io.logcollect.console.policies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EntryFormTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void anEntryShownInTheFormAndSubmittedUnchangedIsTheSameEntry() throws Exception {
        JsonNode entry = MAPPER.readTree("{\"id\":\"app\",\"paths\":[\"/srv/a/*.log\",\"/srv/b/*.log\"],"
                + "\"topic\":\"app_log\",\"start_at\":\"beginning\",\"multiline\":{\"pattern\":\"^\\\\s\","
                + "\"match\":\"after\",\"max_lines\":500},\"fields\":{\"app\":\"shop\",\"env\":\"prod\"},"
                + "\"future_field\":42}");
        EntryForm shown = EntryForm.of(entry);
        Map<String, String> submitted = new HashMap<>();
        for (String input : EntryForm.INPUTS) {
            if (input.equals("enabled") || input.equals("multiline.negate")) {
                if (shown.ticked(input)) {
                    submitted.put(input, "true");
                }
            } else {
                submitted.put(input, shown.value(input));
            }
        }
        assertEquals(entry, EntryForm.submitted(submitted::get).toJson(entry));
    }

    @Test
    void valuesThatAreNotNumbersStayTextForTheParserToNameAndEmptyOnesAreRemoved() {
        Map<String, String> submitted = Map.of("id", "x", "paths", "/a.log\n\n/b.log\n", "topic", "t",
                "max_line_bytes", "lots", "multiline.max_lines", "12", "enabled", "true");
        assertEquals("{\"id\":\"x\",\"paths\":[\"/a.log\",\"/b.log\"],\"topic\":\"t\",\"multiline\":{\"max_lines\":12},"
                + "\"max_line_bytes\":\"lots\"}", EntryForm.submitted(submitted::get).toJson(null).toString());
    }

    @Test
    void aDisabledEntrySaysSoAndAnEnabledOneSaysNothing() {
        assertEquals("{\"id\":\"x\",\"enabled\":false}",
                EntryForm.submitted(Map.of("id", "x")::get).toJson(null).toString());
    }
}
