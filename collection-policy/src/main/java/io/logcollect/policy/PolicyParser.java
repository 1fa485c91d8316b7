package io.logcollect.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a collection policy (a JSON array of entries, DESIGN.md section 2). Each entry is checked on its
 * own: a bad one is reported with its id and the reason, and the others are returned for collection.
 */
public final class PolicyParser {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[a-z0-9._-]{1,64}");
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Set<String> ENTRY_FIELDS = Set.of("id", "paths", "exclude", "topic", "start_at",
            "encoding", "multiline", "max_line_bytes", "fields", "ignore_older", "timestamp", "enabled");
    private static final Set<String> MULTILINE_FIELDS = Set.of("pattern", "negate", "match", "max_lines",
            "timeout_ms");
    private static final Set<String> TIMESTAMP_FIELDS = Set.of("pattern", "format", "zone", "locale");
    /** Labels the connector sets itself. */
    private static final Set<String> RESERVED_LABELS = Set.of("policy", "entry");
    static final int MAX_LINE_BYTES_LIMIT = 64 * 1024 * 1024;

    private PolicyParser() {
    }

    /**
     * Parses a policy document.
     *
     * @param json    the policy: a JSON array of entries
     * @param allowed where files may be collected from; every path must lie below one of them
     * @throws InvalidPolicyException when the document is not a JSON array
     */
    public static ParsedPolicy parse(String json, AllowedPaths allowed) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json == null ? "" : json);
        } catch (JsonProcessingException e) {
            throw new InvalidPolicyException("the collection policy is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + "): "
                    + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidPolicyException("the collection policy is empty: expected a JSON array of entries");
        }
        if (!root.isArray()) {
            throw new InvalidPolicyException("the collection policy must be a JSON array of entries, not a JSON "
                    + root.getNodeType().toString().toLowerCase());
        }
        List<CollectionEntry> entries = new ArrayList<>();
        List<EntryError> errors = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode node = root.get(i);
            String name = node.path("id").isTextual() ? node.path("id").asText() : "#" + i;
            try {
                CollectionEntry entry = entry(node, allowed);
                if (!ids.add(entry.id())) {
                    throw new FieldException("id", "duplicate id: another entry of the policy has it");
                }
                entries.add(entry);
            } catch (FieldException e) {
                errors.add(new EntryError(name, e.field, e.getMessage()));
            } catch (IllegalArgumentException e) {
                errors.add(new EntryError(name, "", e.getMessage()));
            }
        }
        return new ParsedPolicy(entries, errors);
    }

    private static CollectionEntry entry(JsonNode node, AllowedPaths allowed) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        unknownFields(node, ENTRY_FIELDS, "");
        String id = within("id", () -> {
            String text = requiredText(node, "id");
            if (!ID.matcher(text).matches()) {
                throw new IllegalArgumentException("id must match [a-z0-9._-]{1,64}");
            }
            return text;
        });
        List<String> normalized = within("paths", () -> {
            List<String> paths = textList(node, "paths", true);
            if (paths.isEmpty()) {
                throw new IllegalArgumentException("paths must name at least one file or glob");
            }
            List<String> checked = new ArrayList<>();
            for (String path : paths) {
                checked.add(checkedPath(path, allowed));
            }
            return checked;
        });
        List<String> exclude = within("exclude", () -> {
            List<String> globs = textList(node, "exclude", false);
            globs.forEach(Globs::compile);
            return globs;
        });
        String topic = within("topic", () -> {
            String text = requiredText(node, "topic");
            if (!TOPIC.matcher(text).matches()) {
                throw new IllegalArgumentException("topic '" + text + "' is not a valid Kafka topic name");
            }
            return text;
        });
        CollectionEntry.StartAt startAt = within("start_at", () -> switch (optionalText(node, "start_at", "end")) {
            case "end" -> CollectionEntry.StartAt.END;
            case "beginning" -> CollectionEntry.StartAt.BEGINNING;
            default -> throw new IllegalArgumentException("start_at must be \"end\" or \"beginning\"");
        });
        Charset encoding = within("encoding", () -> charset(optionalText(node, "encoding", "UTF-8")));
        Optional<Multiline> multiline = within("multiline", () -> node.has("multiline")
                ? Optional.of(multiline(node.get("multiline"))) : Optional.empty());
        int maxLineBytes = within("max_line_bytes", () -> intValue(node, "max_line_bytes",
                CollectionEntry.DEFAULT_MAX_LINE_BYTES, 1, MAX_LINE_BYTES_LIMIT));
        Map<String, String> fields = within("fields", () -> fields(node.get("fields")));
        Optional<Duration> ignoreOlder = within("ignore_older", () -> node.has("ignore_older")
                ? Optional.of(duration(requiredText(node, "ignore_older"), "ignore_older")) : Optional.empty());
        Optional<TimestampRule> timestamp = within("timestamp", () -> node.has("timestamp")
                ? Optional.of(timestamp(node.get("timestamp"))) : Optional.empty());
        boolean enabled = within("enabled", () -> booleanValue(node, "enabled", true));
        return new CollectionEntry(id, normalized, exclude, topic, startAt, encoding, multiline, maxLineBytes,
                fields, ignoreOlder, timestamp, enabled);
    }

    /** Parses one field of an entry; an error in it names the field, so editors can show it next to the field. */
    private static <T> T within(String field, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (FieldException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new FieldException(field, e.getMessage());
        }
    }

    /** An entry error caused by one field. */
    private static final class FieldException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String field;

        FieldException(String field, String message) {
            super(message);
            this.field = field;
        }
    }

    private static String checkedPath(String path, AllowedPaths allowed) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path '" + path + "' is not absolute");
        }
        Globs.matcher(path);
        String normalized = Globs.normalize(path);
        if (List.of(normalized.split("/")).contains("..")) {
            throw new IllegalArgumentException("path '" + path + "' has '..' after a wildcard");
        }
        Path base = Globs.literalBase(normalized);
        if (allowed != null && !allowed.permitsPrefix(base)) {
            throw new IllegalArgumentException("path '" + path + "' is outside the allowed paths " + allowed
                    + " of this worker");
        }
        return normalized;
    }

    private static Multiline multiline(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("multiline must be a JSON object");
        }
        unknownFields(node, MULTILINE_FIELDS, "multiline.");
        String regex = requiredText(node, "pattern");
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("multiline.pattern is not a valid regular expression: "
                    + e.getDescription() + " near index " + e.getIndex());
        }
        boolean negate = booleanValue(node, "negate", false);
        Multiline.Match match = switch (optionalText(node, "match", "after")) {
            case "after" -> Multiline.Match.AFTER;
            case "before" -> Multiline.Match.BEFORE;
            default -> throw new IllegalArgumentException("multiline.match must be \"after\" or \"before\"");
        };
        int maxLines = intValue(node, "max_lines", Multiline.DEFAULT_MAX_LINES, 1, 100_000);
        int timeoutMs = intValue(node, "timeout_ms", (int) Multiline.DEFAULT_TIMEOUT_MS, 0, 3_600_000);
        return new Multiline(pattern, negate, match, maxLines, timeoutMs);
    }

    private static TimestampRule timestamp(JsonNode node) {
        try {
            return timestampRule(node);
        } catch (IllegalArgumentException e) {
            throw e.getMessage().contains("timestamp") ? e : new IllegalArgumentException("timestamp." + e.getMessage());
        }
    }

    private static TimestampRule timestampRule(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("timestamp must be a JSON object");
        }
        unknownFields(node, TIMESTAMP_FIELDS, "timestamp.");
        String format = requiredText(node, "format");
        String regex = node.has("pattern") && !node.get("pattern").isNull() ? requiredText(node, "pattern") : null;
        java.time.ZoneId zone;
        String zoneName = optionalText(node, "zone", null);
        try {
            zone = zoneName == null ? java.time.ZoneId.systemDefault() : java.time.ZoneId.of(zoneName);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("timestamp.zone '" + zoneName + "' is not a time zone (e.g. UTC, "
                    + "Europe/Paris, +08:00)");
        }
        java.util.Locale locale = java.util.Locale.forLanguageTag(optionalText(node, "locale", "en"));
        return TimestampRule.compile(regex, format, zone, locale);
    }

    private static Map<String, String> fields(JsonNode node) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return fields;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("fields must be a JSON object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (RESERVED_LABELS.contains(field.getKey())) {
                throw new IllegalArgumentException("fields." + field.getKey() + " is reserved: the connector sets it");
            }
            if (!field.getValue().isTextual()) {
                throw new IllegalArgumentException("fields." + field.getKey() + " must be a string");
            }
            fields.put(field.getKey(), field.getValue().asText());
        }
        return fields;
    }

    /** Parses a duration such as {@code 500ms}, {@code 30s}, {@code 15m}, {@code 24h} or {@code 7d}. */
    public static Duration duration(String text, String field) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(field + " must be a duration like 30s, 15m, 24h or 7d, not '"
                    + text + "'");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static Charset charset(String name) {
        try {
            return Charset.forName(name);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("encoding '" + name + "' is not a charset this Java runtime knows");
        }
    }

    private static void unknownFields(JsonNode node, Set<String> known, String prefix) {
        Set<String> unknown = new TreeSet<>();
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                unknown.add(prefix + name);
            }
        });
        if (!unknown.isEmpty()) {
            throw new FieldException(unknown.iterator().next(), "unknown field" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown));
        }
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return value.asText();
    }

    private static String optionalText(JsonNode node, String field, String defaultValue) {
        return node.has(field) && !node.get(field).isNull() ? requiredText(node, field) : defaultValue;
    }

    private static List<String> textList(JsonNode node, String field, boolean required) {
        JsonNode value = node.get(field);
        List<String> list = new ArrayList<>();
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException(field + " is required");
            }
            return list;
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException(field + " must be an array of strings");
        }
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new IllegalArgumentException(field + " must be an array of strings");
            }
            list.add(item.asText());
        }
        return list;
    }

    private static int intValue(JsonNode node, String field, int defaultValue, int min, int max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
            throw new IllegalArgumentException(field + " must be a whole number from " + min + " to " + max);
        }
        return value.asInt();
    }

    private static boolean booleanValue(JsonNode node, String field, boolean defaultValue) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(field + " must be true or false");
        }
        return value.asBoolean();
    }
}
