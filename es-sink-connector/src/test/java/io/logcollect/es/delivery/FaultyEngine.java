package io.logcollect.es.delivery;

import io.logcollect.es.bulk.BulkTransport;
import io.logcollect.es.bulk.BulkTransport.Response;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A search engine that misbehaves at random, as one does in a bad week: it refuses connections, closes them
 * after indexing part of a request, times out with or without having indexed, answers 503 for the whole request,
 * refuses some items with 429 or 503, answers late, and answers requests of a worker that was killed meanwhile.
 * What it indexed is kept by id with {@code create} semantics: a second create of an id is a 409.
 */
final class FaultyEngine {

    /** What happens to one request. */
    enum Fate { OK, PARTIAL, REFUSED, CLOSED_AFTER_SOME, TIMEOUT_AFTER_ALL, TIMEOUT_BEFORE_ANY, HTTP_503, LATE, NEVER }

    private final Map<String, AtomicInteger> creates = new ConcurrentHashMap<>();
    private final ScheduledExecutorService answers;
    private final Random random;
    private volatile boolean faulty = true;

    FaultyEngine(ScheduledExecutorService answers, long seed) {
        this.answers = answers;
        this.random = new Random(seed);
    }

    /** From now on every request is answered at once and in full. */
    void heal() {
        faulty = false;
    }

    boolean indexed(String id) {
        AtomicInteger count = creates.get(id);
        return count != null && count.get() > 0;
    }

    /** A transport for one run of a task; once {@link Generation#kill killed}, it sends nothing more. */
    Generation generation() {
        return new Generation();
    }

    final class Generation implements BulkTransport {
        private volatile boolean dead;

        /** The worker died: requests it sends from now on go nowhere, those sent before still land. */
        void kill() {
            dead = true;
        }

        @Override
        public CompletableFuture<Response> send(byte[] ndjson) {
            CompletableFuture<Response> future = new CompletableFuture<>();
            if (dead) {
                return future;
            }
            List<String> ids = ids(ndjson);
            Fate fate;
            long delay;
            double cut;
            synchronized (random) {
                fate = faulty ? Fate.values()[random.nextInt(Fate.values().length)] : Fate.OK;
                delay = fate == Fate.LATE ? 2 + random.nextInt(5) : random.nextInt(2);
                cut = random.nextDouble();
            }
            answers.schedule(() -> answer(future, ids, fate, cut), delay, TimeUnit.MILLISECONDS);
            return future;
        }

        private void answer(CompletableFuture<Response> future, List<String> ids, Fate fate, double cut) {
            switch (fate) {
                case REFUSED -> future.completeExceptionally(new ConnectException("Connection refused"));
                case TIMEOUT_BEFORE_ANY -> future.completeExceptionally(new SocketTimeoutException("Read timed out"));
                case HTTP_503 -> future.complete(new Response(503,
                        "{\"error\":{\"type\":\"cluster_block_exception\"},\"status\":503}".getBytes(StandardCharsets.UTF_8)));
                case CLOSED_AFTER_SOME -> {
                    ids.subList(0, (int) (ids.size() * cut)).forEach(FaultyEngine.this::create);
                    future.completeExceptionally(new IOException("Connection is closed"));
                }
                case TIMEOUT_AFTER_ALL -> {
                    ids.forEach(FaultyEngine.this::create);
                    future.completeExceptionally(new SocketTimeoutException("Read timed out"));
                }
                case NEVER -> {
                    if (cut < 0.5) {
                        ids.forEach(FaultyEngine.this::create);
                    }
                }
                case OK, LATE, PARTIAL -> future.complete(bulkResponse(ids, fate == Fate.PARTIAL ? cut : 0));
            }
        }
    }

    /** Each item's result, indexing it unless it is refused (429 or 503, for about {@code refusedShare} of them). */
    private Response bulkResponse(List<String> ids, double refusedShare) {
        StringBuilder body = new StringBuilder("{\"errors\":true,\"items\":[");
        Random items = new Random(ids.hashCode());
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            if (i > 0) {
                body.append(',');
            }
            int status;
            String error = null;
            if (id.startsWith(DeliveryUnderFaultsTest.MALFORMED_PREFIX)) {
                status = 400;
                error = "mapper_parsing_exception";
            } else if (items.nextDouble() < refusedShare) {
                status = items.nextBoolean() ? 429 : 503;
                error = status == 429 ? "es_rejected_execution_exception" : "unavailable_shards_exception";
            } else {
                status = create(id) ? 201 : 409;
                error = status == 409 ? "version_conflict_engine_exception" : null;
            }
            body.append("{\"create\":{\"status\":").append(status);
            if (error != null) {
                body.append(",\"error\":{\"type\":\"").append(error).append("\",\"reason\":\"scripted\"}");
            }
            body.append("}}");
        }
        body.append("]}");
        return new Response(200, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Creates the document unless it exists or is malformed; true when this call created it. */
    private boolean create(String id) {
        if (id.startsWith(DeliveryUnderFaultsTest.MALFORMED_PREFIX)) {
            return false;
        }
        AtomicInteger count = creates.computeIfAbsent(id, k -> new AtomicInteger());
        synchronized (count) {
            if (count.get() > 0) {
                return false;
            }
            count.incrementAndGet();
            return true;
        }
    }

    private static List<String> ids(byte[] ndjson) {
        List<String> ids = new ArrayList<>();
        for (String line : new String(ndjson, StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{\"create\"")) {
                int at = line.indexOf("\"_id\":\"") + 7;
                ids.add(line.substring(at, line.indexOf('"', at)));
            }
        }
        return ids;
    }
}
