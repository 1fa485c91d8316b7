package io.logcollect.es.bulk;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine against a scripted transport that answers like an engine would. */
class BulkEngineTest {

    /** Answers each request by a function of the ids it carries, recording what it was sent. */
    private static final class ScriptedTransport implements BulkTransport {
        final List<List<String>> requests = new CopyOnWriteArrayList<>();
        /** Per request, each item as its action and id, e.g. {@code "delete k"}. */
        final List<List<String>> operations = new CopyOnWriteArrayList<>();
        final AtomicInteger concurrent = new AtomicInteger();
        final AtomicInteger maxConcurrent = new AtomicInteger();
        volatile Function<List<String>, CompletableFuture<Response>> answer = ScriptedTransport::allCreated;
        volatile long delayMillis;

        @Override
        public CompletableFuture<Response> send(byte[] ndjson) {
            List<String> ids = new ArrayList<>();
            List<String> actions = new ArrayList<>();
            for (String line : new String(ndjson, StandardCharsets.UTF_8).split("\n")) {
                int at = line.indexOf("\"_id\":\"");
                if (line.startsWith("{\"create\"") || line.startsWith("{\"index\"") || line.startsWith("{\"delete\"")
                        || line.startsWith("{\"update\"")) {
                    String id = at < 0 ? "" : line.substring(at + 7, line.indexOf('"', at + 7));
                    ids.add(id);
                    actions.add(line.substring(2, line.indexOf('"', 2)) + " " + id);
                }
            }
            operations.add(actions);
            requests.add(ids);
            int now = concurrent.incrementAndGet();
            maxConcurrent.accumulateAndGet(now, Math::max);
            return CompletableFuture.supplyAsync(() -> {
                sleep(delayMillis);
                return ids;
            }).thenCompose(answer).whenComplete((r, e) -> concurrent.decrementAndGet());
        }

        static CompletableFuture<Response> allCreated(List<String> ids) {
            return CompletableFuture.completedFuture(itemsResponse(ids, id -> 201));
        }

        static Response itemsResponse(List<String> ids, Function<String, Integer> status) {
            StringBuilder body = new StringBuilder("{\"errors\":false,\"items\":[");
            for (int i = 0; i < ids.size(); i++) {
                int code = status.apply(ids.get(i));
                body.append(i == 0 ? "" : ",").append("{\"create\":{\"status\":").append(code);
                if (code >= 300) {
                    String type = code == 400 ? "mapper_parsing_exception" : code == 409
                            ? "version_conflict_engine_exception" : "es_rejected_execution_exception";
                    body.append(",\"error\":{\"type\":\"").append(type).append("\",\"reason\":\"r").append("\"}");
                }
                body.append("}}");
            }
            return new Response(200, body.append("]}").toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private final ScriptedTransport transport = new ScriptedTransport();
    private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
    private final List<String> order = Collections.synchronizedList(new ArrayList<>());
    private BulkEngine engine;
    private long requestTimeoutMs = 10_000;

    private BulkEngine engine(int batchSize, long lingerMs, int inFlight, int maxRetries) {
        engine = new BulkEngine("test", new BulkSettings(batchSize, 1 << 20, lingerMs, inFlight, maxRetries, 5, 20,
                requestTimeoutMs, false),
                transport, (item, outcome) -> {
                    Outcome previous = outcomes.put((String) item.tag(), outcome);
                    if (previous != null) {
                        throw new AssertionError("two outcomes for " + item.tag());
                    }
                    order.add((String) item.tag());
                }, BulkMetrics.NONE);
        engine.start();
        return engine;
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private void add(int from, int to) {
        for (int i = from; i < to; i++) {
            String id = "id-" + i;
            engine.add(new BulkItem(BulkAction.CREATE, "idx", id, "{}".getBytes(StandardCharsets.UTF_8), id));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void fullBatchesGoAtOnceAndTheRestAfterTheLinger() throws Exception {
        engine(100, 60_000, 2, 3);
        add(0, 250);
        assertTrue(engine.awaitOutstandingAtMost(50, Duration.ofSeconds(5), false));
        assertEquals(2, transport.requests.size());
        assertEquals(100, transport.requests.get(0).size());
        assertTrue(engine.flush(Duration.ofSeconds(5)));
        assertEquals(List.of(100, 100, 50), transport.requests.stream().map(List::size).toList());
        assertEquals(250, outcomes.size());
        assertTrue(outcomes.values().stream().allMatch(o -> o.kind() == Outcome.Kind.ACKNOWLEDGED));
    }

    @Test
    void aPartialBatchIsSentWhenItHasLingered() throws Exception {
        engine(1000, 50, 1, 3);
        add(0, 10);
        assertTrue(engine.awaitOutstandingAtMost(0, Duration.ofSeconds(5), false));
        assertEquals(List.of(10), transport.requests.stream().map(List::size).toList());
    }

    @Test
    void neverMoreRequestsInFlightThanAllowed() throws Exception {
        transport.delayMillis = 30;
        engine(10, 0, 3, 3);
        add(0, 300);
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertEquals(300, outcomes.size());
        assertEquals(3, transport.maxConcurrent.get());
    }

    /**
     * A transport that neither answers nor fails (seen: a REST client whose callbacks stopped) must not hold the
     * documents, and every later operation on their ids, for ever.
     */
    @Test
    void aRequestThatIsNeverAnsweredIsSentAgainAfterTheRequestTimeout() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        transport.answer = ids -> calls.incrementAndGet() == 1 ? new CompletableFuture<>()
                : ScriptedTransport.allCreated(ids);
        requestTimeoutMs = 200;
        engine(10, 0, 1, 3);
        add(0, 10);
        engine.add(new BulkItem(BulkAction.CREATE, "idx", "id-3", "{}".getBytes(StandardCharsets.UTF_8), "again"));
        assertTrue(engine.flush(Duration.ofSeconds(5)));
        assertEquals(11, outcomes.size());
        assertTrue(outcomes.values().stream().allMatch(o -> o.kind() == Outcome.Kind.ACKNOWLEDGED));
        assertEquals(List.of("id-3", "again"), order.stream().filter(t -> t.equals("id-3") || t.equals("again"))
                .toList(), "the later operation on id-3 waited for the first");
        assertTrue(calls.get() >= 2, "the unanswered request was sent again");
    }

    @Test
    void rejectedItemsAreRetriedUntilTheyAreAccepted() throws Exception {
        Map<String, Integer> refusals = new ConcurrentHashMap<>();
        transport.answer = ids -> CompletableFuture.completedFuture(ScriptedTransport.itemsResponse(ids,
                id -> refusals.merge(id, 1, Integer::sum) <= 2 && id.hashCode() % 3 == 0 ? 429 : 201));
        engine(50, 0, 2, 5);
        add(0, 200);
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertEquals(200, outcomes.size());
        assertTrue(outcomes.values().stream().allMatch(o -> o.kind() == Outcome.Kind.ACKNOWLEDGED));
        long retried = refusals.entrySet().stream().filter(e -> e.getValue() == 3).count();
        assertTrue(retried > 0, "some items were refused twice then accepted");
    }

    @Test
    void connectionFailuresAreRetriedAndAFatalOutcomeComesWhenTheBudgetEnds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        transport.answer = ids -> calls.incrementAndGet() <= 2
                ? CompletableFuture.failedFuture(new ConnectException("Connection refused"))
                : ScriptedTransport.allCreated(ids);
        engine(10, 60_000, 1, 3);
        add(0, 10);
        assertTrue(engine.flush(Duration.ofSeconds(5)));
        assertEquals(3, calls.get());
        assertTrue(outcomes.values().stream().allMatch(o -> o.kind() == Outcome.Kind.ACKNOWLEDGED));

        outcomes.clear();
        transport.answer = ids -> CompletableFuture.failedFuture(new IOException("timeout"));
        add(10, 15);
        assertTrue(engine.flush(Duration.ofSeconds(5)));
        assertEquals(5, outcomes.size());
        Outcome outcome = outcomes.get("id-10");
        assertEquals(Outcome.Kind.FATAL, outcome.kind());
        assertTrue(outcome.summary().contains("gave up after 3 retries"), outcome.summary());
    }

    @Test
    void conflictsOnCreateAreSuccessAndMappingErrorsMalformed() throws Exception {
        transport.answer = ids -> CompletableFuture.completedFuture(ScriptedTransport.itemsResponse(ids,
                id -> id.equals("id-1") ? 409 : id.equals("id-2") ? 400 : 201));
        engine(10, 60_000, 1, 3);
        add(0, 4);
        assertTrue(engine.flush(Duration.ofSeconds(5)));
        assertEquals(Outcome.Kind.ACKNOWLEDGED, outcomes.get("id-1").kind());
        assertEquals(Outcome.Kind.MALFORMED, outcomes.get("id-2").kind());
        assertEquals("HTTP 400 mapper_parsing_exception", outcomes.get("id-2").summary());
        assertTrue(outcomes.get("id-2").detail().contains("mapper_parsing_exception"));
        assertEquals(1, transport.requests.size());
    }

    @Test
    void authenticationFailureIsFatalWithoutRetry() throws Exception {
        transport.answer = ids -> CompletableFuture.completedFuture(new BulkTransport.Response(401,
                "{\"error\":\"unauthorized\"}".getBytes(StandardCharsets.UTF_8)));
        engine(10, 60_000, 1, 3);
        add(0, 3);
        assertTrue(engine.flush(Duration.ofSeconds(5)));
        assertEquals(1, transport.requests.size());
        assertEquals(Outcome.Kind.FATAL, outcomes.get("id-0").kind());
        assertTrue(outcomes.get("id-0").summary().contains("connection.username"));
    }

    @Test
    void discardedItemsGetNoOutcomeAndStopCounting() throws Exception {
        transport.answer = ids -> CompletableFuture.failedFuture(new IOException("down"));
        engine(10, 0, 1, -1);
        add(0, 20);
        sleep(50);
        assertFalse(engine.flush(Duration.ofMillis(100)));
        assertEquals(20, engine.outstanding());
        assertEquals(20, engine.discard(tag -> true));
        assertEquals(0, engine.outstanding());
        sleep(100);
        assertTrue(outcomes.isEmpty());
    }

    @Test
    void anOperationOnAnIdIsNotSentBeforeTheEarlierOneIsAppliedEvenAcrossRetries() throws Exception {
        Map<String, Integer> attempts = new ConcurrentHashMap<>();
        transport.delayMillis = 30;
        transport.answer = ids -> CompletableFuture.completedFuture(ScriptedTransport.itemsResponse(ids,
                id -> id.equals("k") && attempts.merge(id, 1, Integer::sum) == 1 ? 429 : 201));
        engine(2, 60_000, 3, 5);
        engine.add(new BulkItem(BulkAction.INDEX, "idx", "k", "{\"v\":1}".getBytes(StandardCharsets.UTF_8), "k-index"));
        engine.add(new BulkItem(BulkAction.CREATE, "idx", "a", "{}".getBytes(StandardCharsets.UTF_8), "a"));
        engine.add(new BulkItem(BulkAction.DELETE, "idx", "k", null, "k-delete"));
        engine.add(new BulkItem(BulkAction.CREATE, "idx", "b", "{}".getBytes(StandardCharsets.UTF_8), "b"));
        assertTrue(engine.flush(Duration.ofSeconds(10)));

        assertEquals(List.of(List.of("index k", "create a"), List.of("create b"), List.of("index k"),
                List.of("delete k")), transport.operations);
        assertEquals(4, order.size());
        assertEquals(List.of("k-index", "k-delete"), order.stream().filter(tag -> tag.startsWith("k-")).toList());
    }

    @Test
    void operationsOnOneIdShareARequestInTheirOrder() throws Exception {
        engine(10, 60_000, 2, 3);
        engine.add(new BulkItem(BulkAction.INDEX, "idx", "k", "{\"v\":1}".getBytes(StandardCharsets.UTF_8), "k1"));
        engine.add(new BulkItem(BulkAction.INDEX, "idx", "k", "{\"v\":2}".getBytes(StandardCharsets.UTF_8), "k2"));
        engine.add(new BulkItem(BulkAction.DELETE, "idx", "k", null, "k3"));
        assertTrue(engine.flush(Duration.ofSeconds(5)));
        assertEquals(List.of(List.of("index k", "index k", "delete k")), transport.operations);
        assertEquals(List.of("k1", "k2", "k3"), order);
    }

    /**
     * Found by RejectionBurstIT in CI: two versions of many keys sharing a request refused as a whole came back
     * from the retry queue in heap order, and an older version was indexed after the newer one.
     */
    @Test
    void operationsOnOneIdThatShareARefusedRequestAreRetriedInTheirOrder() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        transport.answer = ids -> CompletableFuture.completedFuture(requests.incrementAndGet() == 1
                ? new BulkTransport.Response(429, new byte[0]) : ScriptedTransport.allCreated(ids).join());
        engine(200, 60_000, 1, 3);
        for (int version = 1; version <= 2; version++) {
            for (int key = 0; key < 100; key++) {
                engine.add(new BulkItem(BulkAction.INDEX, "idx", "k-" + key,
                        ("{\"v\":" + version + "}").getBytes(StandardCharsets.UTF_8), "k-" + key + " v" + version));
            }
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));

        assertEquals(2, transport.operations.size());
        assertEquals(transport.operations.get(0), transport.operations.get(1));
        List<String> added = IntStream.rangeClosed(1, 2).boxed()
                .flatMap(version -> IntStream.range(0, 100).mapToObj(key -> "k-" + key + " v" + version)).toList();
        assertEquals(added, order);
    }

    @Test
    void aQueueOfItemsWaitingForOneIdDoesNotHoldBackTheNextBatchesForever() throws Exception {
        transport.delayMillis = 20;
        engine(5, 0, 2, 3);
        for (int i = 0; i < 50; i++) {
            engine.add(new BulkItem(BulkAction.INDEX, "idx", "hot", "{}".getBytes(StandardCharsets.UTF_8), "hot-" + i));
        }
        add(0, 20);
        assertTrue(engine.flush(Duration.ofSeconds(20)));
        assertEquals(70, outcomes.size());
        List<String> hot = order.stream().filter(tag -> tag.startsWith("hot-")).toList();
        assertEquals(IntStream.range(0, 50).mapToObj(i -> "hot-" + i).toList(), hot);
    }

    @Test
    void aRequestRefusedAsTooLargeIsSentAgainInHalvesAndLaterRequestsStayUnderIt() throws Exception {
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        transport.answer = ids -> {
            sizes.add(ids.size());
            return CompletableFuture.completedFuture(ids.size() > 3
                    ? new BulkTransport.Response(413, new byte[0]) : ScriptedTransport.itemsResponse(ids, id -> 201));
        };
        engine(16, 60_000, 1, 0);
        add(0, 16);
        assertTrue(engine.flush(Duration.ofSeconds(5)));
        assertEquals(16, outcomes.size());
        assertTrue(outcomes.values().stream().allMatch(o -> o.kind() == Outcome.Kind.ACKNOWLEDGED), outcomes.toString());
        assertEquals(16, sizes.get(0));
        assertTrue(sizes.get(1) <= 8 && sizes.get(2) <= 4, sizes.toString());
        sizes.clear();
        add(16, 22);
        assertTrue(engine.flush(Duration.ofSeconds(5)));
        assertEquals(6, sizes.stream().mapToInt(Integer::intValue).sum());
        assertTrue(sizes.stream().allMatch(size -> size <= 3), "a request over the learned size: " + sizes);
    }

    @Test
    void aDocumentTooLargeOnItsOwnIsMalformedNotFatal() throws Exception {
        transport.answer = ids -> CompletableFuture.completedFuture(ids.contains("id-3")
                ? new BulkTransport.Response(413, new byte[0]) : ScriptedTransport.itemsResponse(ids, id -> 201));
        engine(4, 0, 1, 0);
        add(0, 4);
        assertTrue(engine.flush(Duration.ofSeconds(5)));
        assertEquals(Outcome.Kind.MALFORMED, outcomes.get("id-3").kind());
        assertTrue(outcomes.get("id-3").summary().startsWith("HTTP 413: a document of "), outcomes.get("id-3").summary());
        assertEquals(3, outcomes.values().stream().filter(o -> o.kind() == Outcome.Kind.ACKNOWLEDGED).count());
    }

    @Test
    void answersArrivingAfterCloseAreIgnoredQuietly() throws Exception {
        CompletableFuture<BulkTransport.Response> late = new CompletableFuture<>();
        transport.answer = ids -> late;
        engine(10, 0, 4, 3);
        engine.add(new BulkItem(BulkAction.INDEX, "idx", "k", "{}".getBytes(StandardCharsets.UTF_8), "first"));
        sleep(100);
        engine.close();
        late.complete(ScriptedTransport.itemsResponse(List.of("k"), id -> 201));
        late.completeExceptionally(new IOException("too late"));
        assertTrue(outcomes.isEmpty());
        assertEquals(0, engine.outstanding());
    }

    @Test
    void backoffGrowsExponentiallyWithJitterUpToTheMaximum() {
        Backoff backoff = new Backoff(100, 1000);
        for (int i = 0; i < 50; i++) {
            long first = backoff.millis(1);
            assertTrue(first >= 50 && first <= 100, "first " + first);
            long third = backoff.millis(3);
            assertTrue(third >= 200 && third <= 400, "third " + third);
            long tenth = backoff.millis(10);
            assertTrue(tenth >= 500 && tenth <= 1000, "tenth " + tenth);
        }
    }
}
