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

    @Override
    public String toString() {
        return flavor + " " + version;
    }
}
