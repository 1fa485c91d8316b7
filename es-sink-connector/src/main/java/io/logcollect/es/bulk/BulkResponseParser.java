package io.logcollect.es.bulk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams through a {@code _bulk} response and returns one {@link ItemResult} per item, in request order. Reads
 * only {@code items[*].<action>.status} and {@code .error.type/.reason/.caused_by.reason}; everything else is
 * skipped, so the response can be large without costing memory beyond the results.
 */
public final class BulkResponseParser {

    /** The {@code filter_path} that makes the engine send only what this parser reads. */
    public static final String FILTER_PATH =
            "errors,items.*.status,items.*.error.type,items.*.error.reason,items.*.error.caused_by.reason";

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final int MAX_REASON = 1000;

    private BulkResponseParser() {
    }

    public static List<ItemResult> parse(byte[] body) throws IOException {
        List<ItemResult> results = new ArrayList<>();
        try (JsonParser parser = FACTORY.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a bulk response is a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("items".equals(field) && value == JsonToken.START_ARRAY) {
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        results.add(readItem(parser));
                    }
                } else {
                    parser.skipChildren();
                }
            }
        }
        return results;
    }

    /** Reads {@code {"<action>": {...}}} with the parser on its START_OBJECT. */
    private static ItemResult readItem(JsonParser parser) throws IOException {
        int status = 0;
        String type = null;
        String reason = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                continue;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("status".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
                    status = parser.getIntValue();
                } else if ("error".equals(field) && value == JsonToken.START_OBJECT) {
                    String[] error = readError(parser);
                    type = error[0];
                    reason = error[1];
                } else if ("error".equals(field) && value == JsonToken.VALUE_STRING) {
                    reason = truncate(parser.getText());
                    type = "error";
                } else {
                    parser.skipChildren();
                }
            }
        }
        return new ItemResult(status, type, reason);
    }

    private static String[] readError(JsonParser parser) throws IOException {
        String type = null;
        String reason = null;
        String cause = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("type".equals(field) && value == JsonToken.VALUE_STRING) {
                type = parser.getText();
            } else if ("reason".equals(field) && value == JsonToken.VALUE_STRING) {
                reason = parser.getText();
            } else if ("caused_by".equals(field) && value == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String f = parser.currentName();
                    JsonToken v = parser.nextToken();
                    if ("reason".equals(f) && v == JsonToken.VALUE_STRING) {
                        cause = parser.getText();
                    } else {
                        parser.skipChildren();
                    }
                }
            } else {
                parser.skipChildren();
            }
        }
        String full = reason == null ? cause : cause == null ? reason : reason + " (caused by: " + cause + ")";
        return new String[] {type == null ? "error" : type, truncate(full)};
    }

    private static String truncate(String text) {
        return text == null || text.length() <= MAX_REASON ? text : text.substring(0, MAX_REASON) + "...";
    }
}
