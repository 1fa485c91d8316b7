package io.logcollect.search.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.apache.http.util.EntityUtils;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The few non-bulk calls the sink makes: detecting the engine's flavour and version, and installing the index
 * template. Failures with an HTTP status become {@link SearchEngineException}s with a message that names what
 * to check; connection failures stay {@link IOException}s (the caller may retry them).
 */
public final class SearchAdmin {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RestClient client;

    public SearchAdmin(RestClient client) {
        this.client = client;
    }

    /**
     * {@code GET /}; where that is refused (the Elasticsearch integ-test distribution answers 405, restricted
     * users get 403) the nodes info API and the {@code X-elastic-product} header.
     */
    public EngineInfo detect() throws IOException {
        try {
            Response response = client.performRequest(new Request("GET", "/"));
            JsonNode root = MAPPER.readTree(EntityUtils.toByteArray(response.getEntity()));
            String version = root.path("version").path("number").asText(EngineInfo.UNKNOWN);
            String distribution = root.path("version").path("distribution").asText("");
            if (distribution.equalsIgnoreCase(EngineInfo.OPENSEARCH)) {
                return new EngineInfo(EngineInfo.OPENSEARCH, version);
            }
            if (isElastic(response) || root.path("tagline").asText("").contains("You Know, for Search")) {
                return new EngineInfo(EngineInfo.ELASTICSEARCH, version);
            }
            return new EngineInfo(EngineInfo.UNKNOWN, version);
        } catch (ResponseException e) {
            int status = e.getResponse().getStatusLine().getStatusCode();
            if (status == 401) {
                throw unauthorized();
            }
            return detectFromNodes(isElastic(e.getResponse()));
        }
    }

    private EngineInfo detectFromNodes(boolean elasticHeader) throws IOException {
        try {
            Response response = client.performRequest(new Request("GET",
                    "/_nodes/_local?filter_path=nodes.*.version,nodes.*.build_flavor,nodes.*.build_type"));
            JsonNode nodes = MAPPER.readTree(EntityUtils.toByteArray(response.getEntity())).path("nodes");
            Iterator<JsonNode> all = nodes.elements();
            if (!all.hasNext()) {
                return new EngineInfo(elasticHeader ? EngineInfo.ELASTICSEARCH : EngineInfo.UNKNOWN, EngineInfo.UNKNOWN);
            }
            JsonNode node = all.next();
            String version = node.path("version").asText(EngineInfo.UNKNOWN);
            boolean elastic = elasticHeader || isElastic(response) || node.has("build_flavor");
            return new EngineInfo(elastic ? EngineInfo.ELASTICSEARCH : EngineInfo.UNKNOWN, version);
        } catch (ResponseException e) {
            int status = e.getResponse().getStatusLine().getStatusCode();
            if (status == 401) {
                throw unauthorized();
            }
            return new EngineInfo(elasticHeader || isElastic(e.getResponse()) ? EngineInfo.ELASTICSEARCH
                    : EngineInfo.UNKNOWN, EngineInfo.UNKNOWN);
        }
    }

    private static boolean isElastic(Response response) {
        String product = response.getHeader("X-elastic-product");
        return "Elasticsearch".equalsIgnoreCase(product);
    }

    private static SearchEngineException unauthorized() {
        return new SearchEngineException("the search engine refused the credentials (HTTP 401): check"
                + " connection.username and connection.password, or connection.api.key", 401);
    }

    /** The names of the indices matching {@code pattern} (open or closed), e.g. {@code web_log-*}. */
    public List<String> indices(String pattern) throws IOException {
        Request request = new Request("GET", "/_cat/indices/" + pattern);
        request.addParameter("format", "json");
        request.addParameter("h", "index");
        request.addParameter("expand_wildcards", "open,closed");
        List<String> names = new ArrayList<>();
        try {
            JsonNode rows = MAPPER.readTree(EntityUtils.toString(client.performRequest(request).getEntity()));
            rows.forEach(row -> names.add(row.path("index").asText()));
        } catch (ResponseException e) {
            int status = e.getResponse().getStatusLine().getStatusCode();
            if (status == 404) {
                return names;
            }
            throw status == 401 ? unauthorized() : new SearchEngineException("cannot list the indices " + pattern
                    + " (HTTP " + status + ")", status);
        }
        return names;
    }

    /** Deletes an index by its name; false when it was already gone. */
    public boolean deleteIndex(String name) throws IOException {
        try {
            client.performRequest(new Request("DELETE", "/" + name));
            return true;
        } catch (ResponseException e) {
            int status = e.getResponse().getStatusLine().getStatusCode();
            if (status == 404) {
                return false;
            }
            throw status == 401 ? unauthorized() : new SearchEngineException("cannot delete index " + name + " (HTTP "
                    + status + ")" + (status == 403 ? ": grant the delete_index privilege on the sink's indices,"
                    + " or set index.retention.days=0" : ""), status);
        }
    }

    /** Creates or replaces an index template ({@code _index_template}, or the legacy {@code _template}). */
    public void putTemplate(String name, boolean composable, String body) throws IOException {
        Request request = new Request("PUT", (composable ? "/_index_template/" : "/_template/") + name);
        request.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
        try {
            client.performRequest(request);
        } catch (ResponseException e) {
            int status = e.getResponse().getStatusLine().getStatusCode();
            if (status == 401) {
                throw unauthorized();
            }
            String detail = EntityUtils.toString(e.getResponse().getEntity());
            if (detail.length() > 1000) {
                detail = detail.substring(0, 1000) + "...";
            }
            throw new SearchEngineException("cannot install index template " + name + " (HTTP " + status + "): "
                    + detail + (status == 403 ? " - grant the manage_index_templates privilege or set"
                    + " index.template.install=false" : ""), status);
        }
    }
}
