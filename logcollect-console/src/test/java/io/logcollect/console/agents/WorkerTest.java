package io.logcollect.console.agents;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.logcollect.etcd.agents.Registration;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WorkerTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final Registration.TaskState RUNNING = new Registration.TaskState("logcollect-agent", 0, "RUNNING");

    @Test
    void aWorkerWithAFreshStatusIsOnline() throws IOException {
        assertEquals(AgentState.ONLINE, Worker.registered(registration(List.of(RUNNING), null),
                List.of(status("w1/logcollect-agent-0", NOW.minusSeconds(29))), NOW).state());
    }

    @Test
    void aRunningTaskWithoutAStatusForThreeIntervalsMakesItStale() throws IOException {
        assertEquals(AgentState.STALE, Worker.registered(registration(List.of(RUNNING), null),
                List.of(status("w1/logcollect-agent-0", NOW.minusSeconds(31))), NOW).state());
    }

    @Test
    void theOldStatusOfATaskNoLongerRunningDoesNotCount() throws IOException {
        assertEquals(AgentState.ONLINE, Worker.registered(registration(List.of(RUNNING), null),
                List.of(status("w1/logcollect-agent-0", NOW.minusSeconds(5)),
                        status("w1/deleted-connector-0", NOW.minusSeconds(600))), NOW).state());
    }

    @Test
    void aFailedOrUnassignedTaskMakesItFailedWhateverElseHolds() throws IOException {
        Registration.Output blocked = new Registration.Output("2026-12-04T11:59:00Z", 0, 0, 0);
        for (String state : List.of("FAILED", "UNASSIGNED")) {
            Worker worker = Worker.registered(registration(List.of(RUNNING,
                    new Registration.TaskState("logcollect-agent", 1, state)), blocked), List.of(), NOW);
            assertEquals(AgentState.FAILED, worker.state());
            assertEquals(List.of("logcollect-agent-1 " + state), worker.failedTasks());
        }
    }

    @Test
    void anOutputBlockedSinceSomeTimeMakesItOutputBlocked() throws IOException {
        Worker worker = Worker.registered(registration(List.of(RUNNING),
                new Registration.Output("2026-12-04T11:59:00Z", 4096, 0, 0)),
                List.of(status("w1/logcollect-agent-0", NOW.minusSeconds(300))), NOW);
        assertEquals(AgentState.OUTPUT_BLOCKED, worker.state());
        assertEquals(Optional.of("2026-12-04T11:59:00Z"), worker.outputBlockedSince());
    }

    @Test
    void anOfflineWorkerWasLastSeenAtItsNewestRecordOrItsLastRegistryWrite() throws IOException {
        Instant written = NOW.minusSeconds(100);
        assertEquals(Optional.of(NOW.minusSeconds(40)), Worker.offline("w1",
                List.of(status("w1/logcollect-agent-0", NOW.minusSeconds(40))), Optional.of(written)).lastSeen());
        assertEquals(Optional.of(written), Worker.offline("w1",
                List.of(status("w1/logcollect-agent-0", NOW.minusSeconds(400))), Optional.of(written)).lastSeen());
    }

    @Test
    void aHostTakesTheMostUrgentStateOfItsWorkers() {
        assertEquals(AgentState.FAILED, AgentState.OFFLINE.worse(AgentState.FAILED));
        assertEquals(AgentState.OFFLINE, AgentState.OFFLINE.worse(AgentState.OUTPUT_BLOCKED));
        assertEquals(AgentState.OUTPUT_BLOCKED, AgentState.STALE.worse(AgentState.OUTPUT_BLOCKED));
        assertEquals(AgentState.STALE, AgentState.ONLINE.worse(AgentState.STALE));
        assertEquals(AgentState.OUTPUT_BLOCKED, AgentState.ofKey("output-blocked"));
    }

    private static Registration registration(List<Registration.TaskState> tasks, Registration.Output output) {
        return new Registration("w1", "h1", "agent", "0.1", NOW.minusSeconds(3600).toString(), null, null, null,
                tasks, output, NOW.toString());
    }

    /** A status record written every 10 s. */
    private static TaskStatus status(String agentId, Instant time) throws IOException {
        return TaskStatus.of(new ObjectMapper().readTree("{\"@timestamp\":\"" + time + "\",\"host\":{\"name\":\"h1\"},"
                + "\"agent\":{\"id\":\"" + agentId + "\"},\"event\":{\"dataset\":\"logcollect.status\"},"
                + "\"logcollect\":{\"status\":{\"interval_ms\":10000,\"files\":{\"tracked\":1}}}}"));
    }
}
