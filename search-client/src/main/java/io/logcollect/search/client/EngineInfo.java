package io.logcollect.search.client;

/**
 * The flavour and version of the search engine.
 *
 * @param flavor  {@code elasticsearch}, {@code opensearch} or {@code unknown}
 * @param version the version number, e.g. {@code 8.19.21}, or {@code unknown}
 */
public record EngineInfo(String flavor, String version) {

    public static final String ELASTICSEARCH = "elasticsearch";
    public static final String OPENSEARCH = "opensearch";
    public static final String UNKNOWN = "unknown";

    public int major() {
        return part(0);
    }

    public int minor() {
        return part(1);
    }

    private int part(int index) {
        String[] parts = version.split("[.-]");
        if (parts.length <= index) {
            return 0;
        }
        try {
            return Integer.parseInt(parts[index]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Whether the engine has composable index templates ({@code _index_template}): OpenSearch 1+ and
     * Elasticsearch 7.8+. An unknown engine is assumed modern.
     */
    public boolean composableTemplates() {
        if (flavor.equals(OPENSEARCH) || version.equals(UNKNOWN)) {
            return true;
        }
        return major() > 7 || major() == 7 && minor() >= 8;
    }

    /**
     * The highlight request's parameter that bounds how much of a field is analyzed, so a field longer than the
     * index's limit is highlighted in its first part instead of failing the search: {@code max_analyzed_offset}
     * (Elasticsearch 7.12+), {@code max_analyzer_offset} (OpenSearch 2.2+); empty for older engines.
     */
    public java.util.Optional<String> highlightLimitParameter() {
        if (flavor.equals(OPENSEARCH) && (major() > 2 || major() == 2 && minor() >= 2)) {
            return java.util.Optional.of("max_analyzer_offset");
        }
        if (flavor.equals(ELASTICSEARCH) && (major() > 7 || major() == 7 && minor() >= 12)) {
            return java.util.Optional.of("max_analyzed_offset");
        }
        return java.util.Optional.empty();
    }

    /**
     * How this engine opens a point in time for consistent deep paging: Elasticsearch 7.10+ at
     * {@code <index>/_pit}, OpenSearch 2.4+ at {@code <index>/_search/point_in_time}; empty for older engines.
     */
    public java.util.Optional<PointInTime> pointInTime() {
        if (flavor.equals(OPENSEARCH) && (major() > 2 || major() == 2 && minor() >= 4)) {
            return java.util.Optional.of(new PointInTime("_search/point_in_time", "pit_id"));
        }
        if (flavor.equals(ELASTICSEARCH) && (major() > 7 || major() == 7 && minor() >= 10)) {
            return java.util.Optional.of(new PointInTime("_pit", "id"));
        }
        return java.util.Optional.empty();
    }

    /**
     * @param path    appended to the index pattern to open one ({@code POST}, with {@code keep_alive})
     * @param idField where the answer holds its id
     */
    public record PointInTime(String path, String idField) {
    }

    @Override
    public String toString() {
        return flavor + " " + version;
    }
}
