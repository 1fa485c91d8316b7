package io.logcollect.policies.store;

import io.logcollect.etcd.agents.Registration;
import io.logcollect.etcd.client.EtcdSettings;
import io.logcollect.etcd.client.EtcdStore;
import io.logcollect.testkit.EtcdServer;
import io.logcollect.testkit.TestServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The policy store against a real etcd: what the tool and the console both rely on. */
class PolicyStoreIT {

    private static final String WEB = "[{\"id\":\"nginx\",\"paths\":[\"/var/log/nginx/access.log*\"],\"topic\":\"web_log\"}]";
    private static final String APP = "[{\"id\":\"app\",\"paths\":[\"/var/log/app/*.log\"],\"topic\":\"app_log\"}]";

    private final EtcdServer etcd = TestServices.etcd();
    private final String prefix = "/logcollect/it/" + UUID.randomUUID().toString().substring(0, 8) + "/policies";
    private final EtcdStore client = new EtcdStore(EtcdSettings.fromParameters(Map.of("endpoints", etcd.endpoint())));
    private final PolicyStore store = new PolicyStore(client, prefix, null);

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void aSaveWritesTheEntriesAndTheirHistoryRecordAtOneRevision() {
        Change change = new Change("alice", "first cut", Instant.parse("2026-11-29T10:00:00Z"));
        long revision = saved(store.save("web", WEB, 0, change));

        assertEquals(WEB, etcd.get(prefix + "/web/entries"));
        assertEquals(revision, store.read("web").orElseThrow().modRevision());
        assertEquals("{\"entries\":" + WEB + ",\"author\":\"alice\",\"time\":\"2026-11-29T10:00:00Z\","
                + "\"comment\":\"first cut\"}", etcd.get(prefix + "/web/history/" + revision));
        List<Revision> history = store.history("web");
        assertEquals(1, history.size());
        assertEquals(new Revision(revision, Optional.of(WEB), "alice", change.time(), "first cut",
                Optional.empty()), history.get(0));
        assertEquals(List.of(new PolicySummary("web", revision, Optional.of(1), Optional.of(history.get(0)))),
                store.list());
    }

    /**
     * A policy of 20 KB saved 250 times has 5 MB of history: more than one etcd answer may carry (the client takes
     * 4 MiB). History, one revision and rollback still read all of it.
     */
    @Test
    void aHistoryLargerThanOneEtcdAnswerIsReadWhole() {
        StringBuilder entries = new StringBuilder("[");
        for (int i = 0; i < 250; i++) {
            entries.append(i == 0 ? "" : ",").append("{\"id\":\"e").append(i)
                    .append("\",\"paths\":[\"/var/log/app").append(i).append("/*.log\"],\"topic\":\"app_log\"}");
        }
        String big = entries.append(']').toString();
        PolicyStore keepingAll = new PolicyStore(client, prefix, null, 300);
        long revision = 0;
        long first = 0;
        for (int save = 0; save < 250; save++) {
            revision = saved(keepingAll.save("big", big.replace("app_log", "app_log_" + save), revision,
                    Change.now("alice", "save " + save)));
            first = save == 0 ? revision : first;
        }
        List<Revision> history = store.history("big");
        assertEquals(250, history.size());
        assertEquals("save 249", history.get(0).comment());
        assertEquals("save 0", history.get(249).comment());
        assertTrue(store.revision("big", first).isPresent());
        long rolledBack = saved(store.rollback("big", first, revision, Change.now("alice", "back to the first")));
        assertEquals(big.replace("app_log", "app_log_0"), store.read("big").orElseThrow().value());
        assertTrue(rolledBack > revision);
    }

    @Test
    void aConcurrentChangeIsAConflictCarryingWhatIsThereNow() {
        long first = saved(store.save("web", WEB, 0, Change.now("alice", "")));
        long second = saved(store.save("web", APP, first, Change.now("bob", "")));

        SaveOutcome outcome = store.save("web", WEB.replace("web_log", "web_v2"), first, Change.now("alice", ""));

        assertEquals(new SaveOutcome.Conflict(first, second, Optional.of(APP)), outcome);
        assertEquals(APP, etcd.get(prefix + "/web/entries"));
        assertEquals(2, store.history("web").size());
        assertEquals(new SaveOutcome.Conflict(0, second, Optional.of(APP)),
                store.save("web", WEB, 0, Change.now("carol", "")));
    }

    @Test
    void anInvalidDocumentIsRefusedWithEveryEntryErrorAndNothingWritten() {
        SaveOutcome outcome = store.save("web", "[{\"id\":\"rel\",\"paths\":[\"var/log/x\"],\"topic\":\"t\"},"
                + "{\"id\":\"ok\",\"paths\":[\"/var/log/x\"],\"topic\":\"t\"}]", 0, Change.now("alice", ""));

        Validation validation = assertInstanceOf(SaveOutcome.Invalid.class, outcome).validation();
        assertEquals(List.of("entry 'rel': path 'var/log/x' is not absolute"), validation.messages());
        assertEquals(1, validation.validEntries());
        assertEquals(List.of("the collection policy must be a JSON array of entries, not a JSON object"),
                store.validate("{}").messages());
        assertTrue(client.keyRevisions(prefix + "/").isEmpty());
    }

    @Test
    void aProvisionalRecordLeftByADeadWriterReadsAsItsRevision() {
        long first = saved(store.save("web", WEB, 0, Change.now("alice", "")));
        etcd.put(prefix + "/web/entries", APP);
        etcd.put(prefix + "/web/history/pending-0b1c", "{\"entries\":" + APP + ",\"author\":\"bob\","
                + "\"time\":\"2026-11-29T11:00:00Z\",\"comment\":\"crashed before the rename\"}");
        long second = store.read("web").orElseThrow().modRevision();

        List<Revision> history = store.history("web");

        assertEquals(List.of(second + 1, first), history.stream().map(Revision::revision).toList());
        assertEquals("bob", history.get(0).author());
        assertFalse(store.list().get(0).lastChange().isPresent(), "the record is newer than the entries it "
                + "would describe, so the listing claims no author for them");
    }

    /** DESIGN.md section 10: the value written outside the store is kept, so the first change can be undone. */
    @Test
    void theFirstChangeAfterAnOutsideWriteRecordsThatValueSoItCanBeRolledBackTo() {
        etcd.put(prefix + "/web/entries", WEB);
        long outside = store.read("web").orElseThrow().modRevision();

        long first = saved(store.save("web", APP, outside, Change.now("alice", "through the store")));

        List<Revision> history = store.history("web");
        assertEquals(List.of(first, outside), history.stream().map(Revision::revision).toList());
        Revision recorded = history.get(1);
        assertEquals("written outside logcollect", recorded.comment());
        assertEquals("", recorded.author());
        assertEquals(List.of(), PolicyDiff.unified("a", WEB, "b", recorded.entries().orElseThrow()));
        long back = saved(store.rollback("web", outside, first, Change.now("bob", "undo")));
        assertEquals(WEB, etcd.get(prefix + "/web/entries"));
        long again = saved(store.save("web", APP, back, Change.now("carol", "")));
        assertEquals(List.of(again, back, first, outside), store.history("web").stream().map(Revision::revision)
                .toList());
    }

    /** History does not grow for ever: the oldest records beyond the limit go with the change that passes it. */
    @Test
    void historyKeepsTheNewestRecordsUpToItsLimit() {
        PolicyStore keepingThree = new PolicyStore(client, prefix, null, 3);
        long revision = 0;
        List<Long> revisions = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            revision = saved(keepingThree.save("web", i % 2 == 0 ? WEB : APP, revision, Change.now("alice", "#" + i)));
            revisions.add(0, revision);
        }
        assertEquals(revisions.subList(0, 3), keepingThree.history("web").stream().map(Revision::revision).toList());
        assertEquals(List.of("#4", "#3", "#2"), keepingThree.history("web").stream().map(Revision::comment).toList());
    }

    @Test
    void aPolicyWrittenWithEtcdctlIsListedWithoutAnAuthor() {
        etcd.put(prefix + "/hand/entries", "{not json");
        List<PolicySummary> policies = store.list();
        assertEquals(1, policies.size());
        assertEquals("hand", policies.get(0).name());
        assertEquals(Optional.empty(), policies.get(0).entryCount());
        assertEquals(Optional.empty(), policies.get(0).lastChange());
    }

    @Test
    void rollbackRestoresAnEarlierRevisionAsANewOneAndDeletionKeepsTheHistory() {
        long first = saved(store.save("web", WEB, 0, Change.now("alice", "one")));
        long second = saved(store.save("web", APP, first, Change.now("bob", "two")));

        long third = saved(store.rollback("web", first, second, Change.now("carol", "back")));

        assertEquals(WEB, etcd.get(prefix + "/web/entries"));
        Revision rollback = store.history("web").get(0);
        assertEquals(third, rollback.revision());
        assertEquals(Optional.of(first), rollback.rollbackOf());
        assertEquals(List.of(), PolicyDiff.unified("a", WEB, "b", rollback.entries().orElseThrow()));

        long deleted = saved(store.delete("web", third, Change.now("dave", "gone")));
        assertEquals(Optional.empty(), store.read("web"));
        assertEquals(List.of(deleted, third, second, first), store.history("web").stream().map(Revision::revision)
                .toList());
        assertTrue(store.history("web").get(0).deletion());
        assertEquals(List.of(), store.list());
        long recreated = saved(store.rollback("web", second, 0, Change.now("erin", "it is back")));
        assertEquals(APP, etcd.get(prefix + "/web/entries"));
        assertEquals(recreated, store.read("web").orElseThrow().modRevision());
    }

    @Test
    void theRegistryIsReadAndForeignValuesAreSkipped() {
        String id = "store-" + UUID.randomUUID().toString().substring(0, 8);
        Registration registration = new Registration(id, "web-01", "agent", "0.2.0", "2026-11-29T10:00:00Z",
                "http://127.0.0.1:8083", Map.of(prefix + "/web/entries",
                new Registration.Applied(812, "2026-11-29T10:00:01Z")), Map.of(), List.of(), null, null);
        etcd.put(Registration.PREFIX + id, registration.toJson());
        etcd.put(Registration.PREFIX + id + "-junk", "not json");
        try {
            List<Registration> agents = store.agents().stream().filter(a -> a.id().startsWith(id)).toList();
            assertEquals(List.of(registration), agents);
        } finally {
            etcd.delete(Registration.PREFIX + id);
            etcd.delete(Registration.PREFIX + id + "-junk");
        }
    }

    private static long saved(SaveOutcome outcome) {
        return assertInstanceOf(SaveOutcome.Saved.class, outcome, outcome::toString).revision();
    }
}
