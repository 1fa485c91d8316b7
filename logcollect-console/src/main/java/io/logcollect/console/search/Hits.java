package io.logcollect.console.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An engine's hits as the pages show them (text made visible, highlights kept), and sort values as URL cursors. */
final class Hits {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** A field name a user may name for a column or an export: a dotted path, nothing a query could parse. */
    private static final java.util.regex.Pattern FIELD_NAME =
            java.util.regex.Pattern.compile("[@A-Za-z0-9_][@A-Za-z0-9_.\\-]{0,199}");

    private Hits() {
    }

    static LogLine line(JsonNode hit, int limit) {
        return line(hit, limit, List.of());
    }

    /** A hit as a line, with the values of {@code columns} (made visible) among its fields. */
    static LogLine line(JsonNode hit, int limit, List<String> columns) {
        JsonNode source = hit.path("_source");
        String message = source.path("message").asText("");
        JsonNode highlighted = hit.path("highlight").path("message");
        String shown = highlighted.isArray() && !highlighted.isEmpty() ? withHighlights(message,
                highlighted.get(0).asText()) : message;
        Map<String, String> labels = new LinkedHashMap<>();
        source.path("labels").properties().forEach(e -> labels.put(Segment.visible(e.getKey()),
                Segment.visible(e.getValue().asText())));
        String cursor = hit.has("sort") ? encodeCursor((ArrayNode) hit.get("sort")) : "";
        return new LogLine(hit.path("_index").asText(), hit.path("_id").asText(),
                source.path("@timestamp").asText(""), Segment.visible(source.path("host").path("name").asText("")),
                Segment.visible(source.path("log").path("file").path("path").asText("")),
                source.path("log").path("file").path("fingerprint").asText(""), source.path("log").path("offset").asLong(-1), Segment.split(shown, limit),
                Math.max(0, message.length() - limit), labels, cursor, columnValues(source, columns));
    }

    private static Map<String, String> columnValues(JsonNode source, List<String> columns) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String column : columns) {
            values.put(column, value(source, column).map(Segment::visible).orElse(""));
        }
        return values;
    }

    static boolean isFieldName(String field) {
        return FIELD_NAME.matcher(field).matches();
    }

    /** The text of a field in a document: by its dotted name, whether the document nests it or names it dotted. */
    static Optional<String> value(JsonNode node, String field) {
        JsonNode direct = node.get(field);
        if (direct != null && !direct.isNull()) {
            return Optional.of(direct.isValueNode() ? direct.asText() : direct.toString());
        }
        for (int dot = field.indexOf('.'); dot > 0; dot = field.indexOf('.', dot + 1)) {
            JsonNode child = node.get(field.substring(0, dot));
            if (child != null && child.isObject()) {
                Optional<String> nested = value(child, field.substring(dot + 1));
                if (nested.isPresent()) {
                    return nested;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The message with the engine's highlight markers. The engine trims what it returns (leading tabs, control
     * characters), so the highlighted text is put back where it stands in the message; if it cannot be found
     * there, the message is shown without highlights rather than changed.
     */
    static String withHighlights(String message, String highlighted) {
        String plain = highlighted.replace(Segment.MARK_START, "").replace(Segment.MARK_END, "");
        int at = message.indexOf(plain);
        if (at < 0) {
            return message;
        }
        return message.substring(0, at) + highlighted + message.substring(at + plain.length());
    }

    static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), out);
            }
        } else if (node.isArray()) {
            List<String> values = new ArrayList<>();
            node.forEach(item -> values.add(item.isValueNode() ? item.asText() : item.toString()));
            out.put(Segment.visible(prefix), Segment.visible(String.join(", ", values)));
        } else {
            out.put(Segment.visible(prefix), Segment.visible(node.asText()));
        }
    }

    static String encodeCursor(ArrayNode sortValues) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(sortValues.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The sort values of a cursor; empty when it is not one of ours (time, offset, id, and in a point in time the
     * engine's tiebreaker).
     */
    static Optional<ArrayNode> decodeCursor(String cursor) {
        try {
            JsonNode node = MAPPER.readTree(Base64.getUrlDecoder().decode(cursor));
            if (node instanceof ArrayNode array && (array.size() == 3 || array.size() == 4 && array.get(3).isNumber())
                    && array.get(0).isNumber() && array.get(1).isNumber() && array.get(2).isTextual()) {
                return Optional.of(array);
            }
        } catch (IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
