package io.logcollect.etcd.client;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * The etcd operations logcollect needs, each bounded by the request timeout, with failures turned into
 * {@link EtcdAccessException}s that say what was tried and why it failed.
 */
public final class EtcdStore implements AutoCloseable {

    /** Keys read at most per request by {@link #readPrefix} (fewer when their values make the answer too large). */
    static final int PAGE_KEYS = 256;

    private final EtcdSettings settings;
    private final Client client;

    public EtcdStore(EtcdSettings settings) {
        this.settings = settings;
        this.client = EtcdClients.build(settings);
    }

    public EtcdSettings settings() {
        return settings;
    }

    public Watch watchClient() {
        return client.getWatchClient();
    }

    /** Reads the given keys at one revision (one transaction). */
    public Snapshot read(Collection<String> keys) {
        List<String> ordered = List.copyOf(keys);
        Op[] gets = ordered.stream().map(k -> (Op) Op.get(bytes(k), GetOption.DEFAULT)).toArray(Op[]::new);
        TxnResponse response = call("read " + describeKeys(ordered), () -> client.getKVClient().txn().Then(gets).commit());
        Map<String, Versioned> values = new LinkedHashMap<>();
        for (GetResponse get : response.getGetResponses()) {
            for (KeyValue kv : get.getKvs()) {
                values.put(text(kv.getKey()), new Versioned(text(kv.getValue()), kv.getModRevision()));
            }
        }
        return new Snapshot(response.getHeader().getRevision(), values);
    }

    /**
     * Reads every key that starts with {@code prefix}, at one revision, in pages: one answer may carry at most
     * what the client takes (4 MiB), so a page that is too large is asked again in smaller ones.
     */
    public Snapshot readPrefix(String prefix) {
        ByteSequence end = prefixEnd(prefix);
        Map<String, Versioned> values = new LinkedHashMap<>();
        ByteSequence from = bytes(prefix);
        long revision = 0;
        int limit = PAGE_KEYS;
        while (true) {
            GetOption option = GetOption.builder().withRange(end).withLimit(limit).withRevision(revision)
                    .withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.ASCEND).build();
            ByteSequence start = from;
            GetResponse page;
            try {
                page = call("read the keys under " + prefix, () -> client.getKVClient().get(start, option));
            } catch (EtcdAccessException e) {
                if (limit > 1 && tooLarge(e)) {
                    limit = Math.max(1, limit / 4);
                    continue;
                }
                throw e;
            }
            revision = revision == 0 ? page.getHeader().getRevision() : revision;
            for (KeyValue kv : page.getKvs()) {
                values.put(text(kv.getKey()), new Versioned(text(kv.getValue()), kv.getModRevision()));
            }
            if (!page.isMore() || page.getKvs().isEmpty()) {
                return new Snapshot(revision, values);
            }
            byte[] last = page.getKvs().get(page.getKvs().size() - 1).getKey().getBytes();
            from = ByteSequence.from(Arrays.copyOf(last, last.length + 1));
        }
    }

    /** The first key after every key that starts with {@code prefix} (etcd's range end for a prefix). */
    private static ByteSequence prefixEnd(String prefix) {
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteSequence.from(Arrays.copyOf(end, i + 1));
            }
        }
        return ByteSequence.from(new byte[] {0});
    }

    /** An answer larger than the client takes (gRPC's RESOURCE_EXHAUSTED). */
    private static boolean tooLarge(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("RESOURCE_EXHAUSTED")) {
                return true;
            }
        }
        return false;
    }

    /** The names of the keys that start with {@code prefix}, without their values. */
    public List<String> keys(String prefix) {
        GetResponse response = call("list the keys under " + prefix, () -> client.getKVClient().get(bytes(prefix),
                GetOption.builder().isPrefix(true).withKeysOnly(true).build()));
        List<String> keys = new ArrayList<>();
        response.getKvs().forEach(kv -> keys.add(text(kv.getKey())));
        return keys;
    }

    /** The keys that start with {@code prefix} with their {@code mod_revision}, without their values. */
    public Map<String, Long> keyRevisions(String prefix) {
        GetResponse response = call("list the keys under " + prefix, () -> client.getKVClient().get(bytes(prefix),
                GetOption.builder().isPrefix(true).withKeysOnly(true).build()));
        Map<String, Long> keys = new LinkedHashMap<>();
        response.getKvs().forEach(kv -> keys.put(text(kv.getKey()), kv.getModRevision()));
        return keys;
    }

    /**
     * Puts {@code value} only if the key's {@code mod_revision} is still {@code expectedModRevision} (0: the key
     * must not exist), in one transaction.
     */
    public WriteResult putIfModRevision(String key, String value, long expectedModRevision) {
        return applyIfModRevision(key, expectedModRevision, List.of(new Mutation.Put(key, value)));
    }

    /** Deletes the key only if its {@code mod_revision} is still {@code expectedModRevision}. */
    public WriteResult deleteIfModRevision(String key, long expectedModRevision) {
        return applyIfModRevision(key, expectedModRevision, List.of(new Mutation.Delete(key)));
    }

    /**
     * Applies {@code mutations} in one transaction only if {@code guardKey}'s {@code mod_revision} is still
     * {@code expectedModRevision} (0: it must not exist). When written, the result's revision is the
     * transaction's, which every key it wrote has as its {@code mod_revision}.
     */
    public WriteResult applyIfModRevision(String guardKey, long expectedModRevision, List<Mutation> mutations) {
        TxnResponse response = call("write " + guardKey, () -> client.getKVClient().txn()
                .If(new Cmp(bytes(guardKey), Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)))
                .Then(mutations.stream().map(EtcdStore::op).toArray(Op[]::new))
                .Else(Op.get(bytes(guardKey), GetOption.DEFAULT))
                .commit());
        return guarded(response);
    }

    /** Applies {@code mutations} in one transaction, unconditionally; returns the transaction's revision. */
    public long apply(List<Mutation> mutations) {
        return call("write " + mutations.stream().map(Mutation::key).toList(), () -> client.getKVClient().txn()
                .Then(mutations.stream().map(EtcdStore::op).toArray(Op[]::new)).commit()).getHeader().getRevision();
    }

    private static Op op(Mutation mutation) {
        if (mutation instanceof Mutation.Put put) {
            return Op.put(bytes(put.key()), bytes(put.value()), PutOption.DEFAULT);
        }
        return Op.delete(bytes(mutation.key()), DeleteOption.DEFAULT);
    }

    private static WriteResult guarded(TxnResponse response) {
        if (response.isSucceeded()) {
            return new WriteResult(true, response.getHeader().getRevision());
        }
        long current = response.getGetResponses().stream().flatMap(g -> g.getKvs().stream())
                .mapToLong(KeyValue::getModRevision).findFirst().orElse(0L);
        return new WriteResult(false, current);
    }

    /**
     * Creates {@code key} with a lease of {@code ttlSeconds} unless it exists: true for the one caller that
     * created it. The key disappears when the lease expires.
     */
    public boolean createIfAbsent(String key, String value, long ttlSeconds) {
        long lease = grantLease(ttlSeconds);
        boolean created = claim(key, value, lease);
        if (!created) {
            client.getLeaseClient().revoke(lease);
        }
        return created;
    }

    /**
     * Creates {@code key} attached to the lease {@code leaseId} unless it exists: true for the one caller that
     * created it (a lock: its holder keeps the lease alive, and loses the lock with it).
     */
    public boolean claim(String key, String value, long leaseId) {
        TxnResponse response = call("claim " + key, () -> client.getKVClient().txn()
                .If(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(bytes(key), bytes(value), PutOption.builder().withLeaseId(leaseId).build()))
                .commit());
        return response.isSucceeded();
    }

    /** Grants a lease of {@code ttlSeconds}; returns its id. */
    public long grantLease(long ttlSeconds) {
        return call("grant a lease", () -> client.getLeaseClient().grant(ttlSeconds)).getID();
    }

    /**
     * Renews a lease once; false when etcd no longer knows it (it expired, or etcd lost it), so it must be
     * granted again. One request, not jetcd's keep-alive stream, which ends silently when a lease expires.
     */
    public boolean keepAliveOnce(long leaseId) {
        try {
            return call("renew lease " + Long.toHexString(leaseId),
                    () -> client.getLeaseClient().keepAliveOnce(leaseId)).getTTL() > 0;
        } catch (EtcdAccessException e) {
            if (e.unreachable()) {
                throw e;
            }
            return false;
        }
    }

    /** Puts a value attached to a lease: it disappears when the lease expires. */
    public void putWithLease(String key, String value, long leaseId) {
        call("write " + key, () -> client.getKVClient().put(bytes(key), bytes(value),
                PutOption.builder().withLeaseId(leaseId).build()));
    }

    /** Revokes a lease, deleting every key attached to it. */
    public void revokeLease(long leaseId) {
        call("revoke lease " + Long.toHexString(leaseId), () -> client.getLeaseClient().revoke(leaseId));
    }

    private <T> T call(String what, Supplier<CompletableFuture<T>> request) {
        CompletableFuture<T> future;
        try {
            future = request.get();
        } catch (RuntimeException e) {
            throw failure(what, e);
        }
        try {
            return future.get(settings.timeout().toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new EtcdAccessException("cannot " + what + ": no answer from etcd at " + settings.endpointList()
                    + " within " + settings.timeout().toMillis() + " ms", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EtcdAccessException("interrupted while trying to " + what, true, e);
        }
    }

    private EtcdAccessException failure(String what, Throwable error) {
        ErrorCode code = null;
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof EtcdException etcd) {
                code = etcd.getErrorCode();
                break;
            }
        }
        String reason = reason(error);
        if (code == ErrorCode.UNAUTHENTICATED || reason.contains("authentication failed")) {
            return new EtcdAccessException("cannot " + what + ": etcd at " + settings.endpointList()
                    + " refused the credentials of user '" + settings.username() + "' (" + reason
                    + "); check the username and password", false, error);
        }
        if (code == ErrorCode.PERMISSION_DENIED) {
            return new EtcdAccessException("cannot " + what + ": etcd user '" + settings.username()
                    + "' has no permission for it (" + reason + ")", false, error);
        }
        if (hasCause(error, SSLException.class)) {
            return new EtcdAccessException("cannot " + what + ": the TLS handshake with etcd at "
                    + settings.endpointList() + " failed (" + reason + "). This is a configuration error, not an "
                    + "outage: check tls.ca.file (the CA of etcd's certificate), tls.cert.file and tls.key.file "
                    + "(the client certificate etcd expects), and that the endpoints use https", false, error);
        }
        if (tooLarge(error)) {
            return new EtcdAccessException("cannot " + what + ": etcd's answer is larger than the client takes ("
                    + reason + ")", false, error);
        }
        boolean unreachable = code == null || code == ErrorCode.UNAVAILABLE
                || code == ErrorCode.DEADLINE_EXCEEDED || code == ErrorCode.CANCELLED;
        String prefix = "cannot " + what + ": " + (unreachable ? "no etcd endpoint reachable (tried "
                + settings.endpointList() + ")" : "etcd at " + settings.endpointList() + " answered with an error");
        return new EtcdAccessException(prefix + ": " + reason, unreachable, error);
    }

    /** The causes of an error, outermost first, each once, without stack traces. */
    static String reason(Throwable error) {
        StringBuilder reason = new StringBuilder();
        String last = null;
        for (Throwable t = error; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : oneLine(t.getMessage());
            if (last != null && (last.contains(message) || message.isBlank())) {
                continue;
            }
            if (reason.length() > 0) {
                reason.append("; caused by ");
            }
            reason.append(message);
            last = message;
            if (reason.length() > 600) {
                break;
            }
        }
        return reason.toString();
    }

    /** A message without gRPC's "Channel Pipeline: [...]" line and on one line. */
    private static String oneLine(String message) {
        return message.lines().filter(l -> !l.startsWith("Channel Pipeline:")).map(String::trim)
                .collect(java.util.stream.Collectors.joining(" "));
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String describeKeys(List<String> keys) {
        return keys.size() == 1 ? "etcd key " + keys.get(0) : "etcd keys " + keys;
    }

    public static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    public static String text(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        client.close();
    }
}
