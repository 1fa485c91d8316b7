package io.logcollect.console.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.entity.NStringEntity;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.RestClient;

import java.io.IOException;
import java.io.InputStream;

/**
 * A {@code _search} over an index pattern that may match nothing yet (a fresh cluster, no status records so far):
 * such a search answers with no hits rather than an error.
 */
public final class SearchRequests {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SearchRequests() {
    }

    public static JsonNode search(RestClient client, String indexPattern, JsonNode body) throws IOException {
        return search(client, indexPattern, body, null);
    }

    /** The same, answering only the parts {@code filterPath} names (the engine's {@code filter_path}), if any. */
    static JsonNode search(RestClient client, String indexPattern, JsonNode body, String filterPath)
            throws IOException {
        Request request = new Request("POST", "/" + indexPattern + "/_search");
        if (filterPath != null) {
            request.addParameter("filter_path", filterPath);
        }
        request.addParameter("ignore_unavailable", "true");
        request.addParameter("allow_no_indices", "true");
        request.setEntity(new NStringEntity(body.toString(), ContentType.APPLICATION_JSON));
        return read(client.performRequest(request));
    }

    /** A {@code _search} in a point in time: the body names it, so the path names no index. */
    static JsonNode searchPointInTime(RestClient client, JsonNode body) throws IOException {
        return searchPointInTime(client, body, null);
    }

    /** The same, answering only the parts {@code filterPath} names (the engine's {@code filter_path}), if any. */
    static JsonNode searchPointInTime(RestClient client, JsonNode body, String filterPath) throws IOException {
        Request request = new Request("POST", "/_search");
        if (filterPath != null) {
            request.addParameter("filter_path", filterPath);
        }
        request.setEntity(new NStringEntity(body.toString(), ContentType.APPLICATION_JSON));
        return read(client.performRequest(request));
    }

    static JsonNode read(Response response) throws IOException {
        try (InputStream in = response.getEntity().getContent()) {
            return MAPPER.readTree(in);
        }
    }
}
