package io.logcollect.console.search;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import org.elasticsearch.client.RestClient;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Every line of a search, written as CSV or NDJSON while it is read: pages of {@value #PAGE} through
 * {@code search_after}, newest first as the page shows them, in a point in time of the export's own (where the
 * engine has them) so that lines indexed meanwhile neither shift nor repeat what is written; closed at the end.
 * Pages are read in time windows of about a page and a half ({@link ExportWindows}), so that each costs the
 * engine about a page, not all the lines still to come.
 *
 * <p>A page the engine answers only in part (failed shards, timeout) stops the export with an error instead of
 * writing a file with lines silently missing.
 */
public final class LogExport {

    /** The fields written when none are chosen. */
    public static final List<String> DEFAULT_FIELDS = List.of("@timestamp", "host.name", "log.file.path", "message");
    public static final int MAX_FIELDS = 50;
    static final int PAGE = 10_000;
    /** The parts of a page's answer the export reads (the engine's filter_path): not each hit's index, id, score. */
    private static final String ANSWER = "pit_id,timed_out,_shards,hits.hits._source,hits.hits.sort";
    /** A cell starting with one of these is run by spreadsheets as a formula; log lines are attacker-controlled. */
    private static final String FORMULA_STARTS = "=+-@\t\r";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Quotes a cell only where RFC 4180 needs it (a separator, a quote, a line break), not for every space. */
    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(com.fasterxml.jackson.dataformat.csv.CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).build();

    /** The two formats, with their content type and file name extension. */
    public enum Format {
        CSV("text/csv; charset=utf-8", "csv"),
        NDJSON("application/x-ndjson; charset=utf-8", "ndjson");

        private final String contentType;
        private final String extension;

        Format(String contentType, String extension) {
            this.contentType = contentType;
            this.extension = extension;
        }

        public String contentType() {
            return contentType;
        }

        public String extension() {
            return extension;
        }
    }

    private final RestClient client;
    private final String index;
    private final PointsInTime pointsInTime;
    private final int pageLines;

    LogExport(RestClient client, String index, PointsInTime pointsInTime, int pageLines) {
        this.client = client;
        this.index = index;
        this.pointsInTime = pointsInTime;
        this.pageLines = pageLines;
    }

    /**
     * The fields named in {@code list} (comma-separated), or {@link #DEFAULT_FIELDS} for none.
     *
     * @throws IllegalArgumentException naming the first name that is not a field name, or when there are too many
     */
    public static List<String> fields(String list) {
        if (list == null || list.isBlank()) {
            return DEFAULT_FIELDS;
        }
        List<String> fields = java.util.Arrays.stream(list.split(",")).map(String::strip).filter(f -> !f.isEmpty())
                .distinct().toList();
        for (String field : fields) {
            if (!Hits.isFieldName(field)) {
                throw new IllegalArgumentException("'" + Segment.visible(field.length() > 60 ? field.substring(0, 60)
                        + "…" : field) + "' is not a field name");
            }
        }
        if (fields.size() > MAX_FIELDS) {
            throw new IllegalArgumentException("at most " + MAX_FIELDS + " fields, not " + fields.size());
        }
        return fields.isEmpty() ? DEFAULT_FIELDS : fields;
    }

    /**
     * Writes the lines of {@code query}, at most {@code maxLines}, with {@code fields}: CSV with a header row, or one
     * JSON object per line holding the document's chosen fields.
     *
     * @return how many lines were written
     * @throws IOException the engine failed, or answered a page in part (the output then ends there)
     */
    public long write(LogQuery query, List<String> fields, Format format, long maxLines, OutputStream out)
            throws IOException {
        Optional<String> pit = pointsInTime.open();
        try (Rows rows = format == Format.CSV ? new CsvRows(out, fields) : new JsonRows(out)) {
            ObjectNode body = MAPPER.createObjectNode();
            body.put("track_total_hits", false);
            body.put("timeout", LogSearch.SEARCH_TIMEOUT);
            body.set("sort", LogSearch.sort("desc"));
            ArrayNode source = body.putArray("_source");
            fields.forEach(source::add);
            pit.ifPresent(id -> body.putObject("pit").put("id", id).put("keep_alive", PointsInTime.KEEP_ALIVE));
            ExportWindows windows = new ExportWindows(query.from(), query.to());
            long written = 0;
            while (written < maxLines) {
                int size = (int) Math.min(pageLines, maxLines - written);
                body.put("size", size);
                body.set("query", query.between(windows.from(), windows.to()).toEngineQuery());
                JsonNode response = body.has("pit") ? SearchRequests.searchPointInTime(client, body, ANSWER)
                        : SearchRequests.search(client, index, body, ANSWER);
                Optional<String> missing = Completeness.of(response);
                if (missing.isPresent()) {
                    throw new IOException("the export stopped after " + written + " lines: the engine answered in"
                            + " part (" + missing.get() + ")");
                }
                if (response.hasNonNull("pit_id")) {
                    ((ObjectNode) body.get("pit")).put("id", response.get("pit_id").asText());
                }
                JsonNode hits = response.path("hits").path("hits");
                for (JsonNode hit : hits) {
                    rows.write(hit.path("_source"));
                }
                written += hits.size();
                OptionalLong lastTime = OptionalLong.empty();
                if (!hits.isEmpty()) {
                    JsonNode last = hits.get(hits.size() - 1).get("sort");
                    body.set("search_after", last);
                    lastTime = last.path(0).canConvertToLong() ? OptionalLong.of(last.path(0).asLong())
                            : OptionalLong.empty();
                }
                if (!windows.advance(hits.size(), size, lastTime)) {
                    break;
                }
            }
            return written;
        } finally {
            pit.ifPresent(pointsInTime::close);
        }
    }

    /** A cell as a spreadsheet will not run it: a leading formula character is escaped with a quote. */
    static String cell(String text) {
        return !text.isEmpty() && FORMULA_STARTS.indexOf(text.charAt(0)) >= 0 ? "'" + text : text;
    }

    private interface Rows extends AutoCloseable {
        void write(JsonNode source) throws IOException;

        @Override
        void close() throws IOException;
    }

    private static final class CsvRows implements Rows {
        private final List<String> fields;
        private final SequenceWriter writer;
        private final String[] row;

        CsvRows(OutputStream out, List<String> fields) throws IOException {
            this.fields = fields;
            this.row = new String[fields.size()];
            CsvSchema.Builder schema = CsvSchema.builder();
            fields.forEach(schema::addColumn);
            this.writer = CSV.writerFor(String[].class).with(schema.build().withHeader())
                    .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValues(out);
        }

        @Override
        public void write(JsonNode source) throws IOException {
            for (int i = 0; i < row.length; i++) {
                row[i] = Hits.value(source, fields.get(i)).map(LogExport::cell).orElse("");
            }
            writer.write(row);
        }

        @Override
        public void close() throws IOException {
            writer.close();
        }
    }

    private static final class JsonRows implements Rows {
        private final JsonGenerator generator;

        JsonRows(OutputStream out) throws IOException {
            this.generator = MAPPER.getFactory().createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            generator.setRootValueSeparator(null);
        }

        @Override
        public void write(JsonNode source) throws IOException {
            MAPPER.writeTree(generator, source);
            generator.writeRaw('\n');
        }

        @Override
        public void close() throws IOException {
            generator.close();
        }
    }
}
