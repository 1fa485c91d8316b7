package io.logcollect.console.policies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One collection entry as the form shows it: every value a string, lists one item per line, {@code fields} as
 * {@code name=value} lines. Turning the form back into JSON keeps what the form does not show, and leaves values
 * it cannot read as numbers as text, so the policy parser names the field at fault.
 */
public final class EntryForm {

    /** The form's inputs, in the order shown; nested keys are {@code multiline.*} and {@code timestamp.*}. */
    public static final List<String> INPUTS = List.of("id", "paths", "exclude", "topic", "start_at", "encoding",
            "multiline.pattern", "multiline.negate", "multiline.match", "multiline.max_lines", "multiline.timeout_ms",
            "max_line_bytes", "fields", "ignore_older", "timestamp.pattern", "timestamp.format", "timestamp.zone",
            "timestamp.locale", "enabled");
    private static final List<String> LISTS = List.of("paths", "exclude");
    private static final List<String> NUMBERS = List.of("multiline.max_lines", "multiline.timeout_ms",
            "max_line_bytes");
    private static final List<String> BOOLEANS = List.of("multiline.negate", "enabled");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Map<String, String> values;

    private EntryForm(Map<String, String> values) {
        this.values = values;
    }

    public static EntryForm empty() {
        return new EntryForm(new LinkedHashMap<>());
    }

    public static EntryForm of(JsonNode entry) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String input : INPUTS) {
            JsonNode node = at(entry, input);
            if (node == null || node.isNull() || node.isMissingNode()) {
                continue;
            }
            if (input.equals("fields") && node.isObject()) {
                StringBuilder lines = new StringBuilder();
                node.properties().forEach(field -> lines.append(field.getKey()).append('=')
                        .append(field.getValue().asText()).append('\n'));
                values.put(input, lines.toString());
            } else if (node.isArray()) {
                StringBuilder lines = new StringBuilder();
                node.forEach(item -> lines.append(item.asText()).append('\n'));
                values.put(input, lines.toString());
            } else {
                values.put(input, node.asText());
            }
        }
        return new EntryForm(values);
    }

    /** The form as submitted; a checkbox left unticked is absent, so booleans are read as ticked or not. */
    public static EntryForm submitted(Function<String, String> formParam) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String input : INPUTS) {
            String value = formParam.apply(input);
            if (BOOLEANS.contains(input)) {
                values.put(input, Boolean.toString(value != null));
            } else if (value != null && !value.isBlank()) {
                values.put(input, value.strip());
            }
        }
        return new EntryForm(values);
    }

    public String value(String input) {
        return values.getOrDefault(input, "");
    }

    public boolean ticked(String input) {
        return Boolean.parseBoolean(values.getOrDefault(input, input.equals("enabled") ? "true" : "false"));
    }

    /** The entry as JSON: the original with the form's inputs written over it. */
    public ObjectNode toJson(JsonNode original) {
        ObjectNode entry = original != null && original.isObject() ? original.deepCopy() : MAPPER.createObjectNode();
        for (String input : INPUTS) {
            String value = values.get(input);
            String[] path = input.split("\\.", 2);
            ObjectNode parent = entry;
            if (path.length == 2) {
                JsonNode nested = entry.get(path[0]);
                parent = nested != null && nested.isObject() ? (ObjectNode) nested : entry.putObject(path[0]);
            }
            String key = path[path.length - 1];
            if (BOOLEANS.contains(input)) {
                boolean ticked = Boolean.parseBoolean(value);
                if (input.equals("enabled") && ticked || !input.equals("enabled") && !ticked) {
                    parent.remove(key);
                } else {
                    parent.put(key, ticked);
                }
            } else if (value == null) {
                parent.remove(key);
            } else if (LISTS.contains(input)) {
                ArrayNode list = parent.putArray(key);
                value.lines().map(String::strip).filter(line -> !line.isEmpty()).forEach(list::add);
            } else if (input.equals("fields")) {
                ObjectNode fields = parent.putObject(key);
                value.lines().map(String::strip).filter(line -> !line.isEmpty()).forEach(line -> {
                    int equals = line.indexOf('=');
                    if (equals < 0) {
                        fields.put(line, "");
                    } else {
                        fields.put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
                    }
                });
            } else if (NUMBERS.contains(input) && value.matches("\\d{1,9}")) {
                parent.put(key, Integer.parseInt(value));
            } else {
                parent.put(key, value);
            }
        }
        for (String nested : List.of("multiline", "timestamp")) {
            JsonNode node = entry.get(nested);
            if (node != null && node.isObject() && node.isEmpty()) {
                entry.remove(nested);
            }
        }
        return entry;
    }

    private static JsonNode at(JsonNode entry, String input) {
        JsonNode node = entry;
        for (String part : input.split("\\.")) {
            node = node == null ? null : node.get(part);
        }
        return node;
    }
}
