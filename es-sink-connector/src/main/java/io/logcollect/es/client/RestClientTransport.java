package io.logcollect.es.client;

import io.logcollect.es.bulk.BulkResponseParser;
import io.logcollect.es.bulk.BulkTransport;
import org.apache.http.HttpEntity;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.ResponseListener;
import org.elasticsearch.client.RestClient;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** Sends {@code _bulk} bodies through the low-level REST client, asking only for the fields the parser reads. */
public final class RestClientTransport implements BulkTransport {

    private static final ContentType NDJSON = ContentType.create("application/x-ndjson");

    private final RestClient client;

    public RestClientTransport(RestClient client) {
        this.client = client;
    }

    @Override
    public CompletableFuture<Response> send(byte[] ndjson) {
        CompletableFuture<Response> future = new CompletableFuture<>();
        Request request = new Request("POST", "/_bulk");
        request.addParameter("filter_path", BulkResponseParser.FILTER_PATH);
        request.setEntity(new ByteArrayEntity(ndjson, NDJSON));
        client.performRequestAsync(request, new ResponseListener() {
            @Override
            public void onSuccess(org.elasticsearch.client.Response response) {
                try {
                    future.complete(new Response(response.getStatusLine().getStatusCode(), body(response)));
                } catch (IOException e) {
                    future.completeExceptionally(e);
                }
            }

            @Override
            public void onFailure(Exception exception) {
                if (exception instanceof ResponseException responseException) {
                    org.elasticsearch.client.Response response = responseException.getResponse();
                    try {
                        future.complete(new Response(response.getStatusLine().getStatusCode(), body(response)));
                    } catch (IOException e) {
                        future.completeExceptionally(e);
                    }
                } else {
                    future.completeExceptionally(exception);
                }
            }
        });
        return future;
    }

    static byte[] body(org.elasticsearch.client.Response response) throws IOException {
        HttpEntity entity = response.getEntity();
        return entity == null ? new byte[0] : EntityUtils.toByteArray(entity);
    }
}
