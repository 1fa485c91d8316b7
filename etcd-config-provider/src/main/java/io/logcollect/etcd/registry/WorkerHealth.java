package io.logcollect.etcd.registry;

import io.logcollect.etcd.agents.Registration;
import io.logcollect.etcd.restart.ConnectRestClient;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the worker sees of itself without Kafka, for its registry entry (DESIGN.md section 9): its connectors and
 * tasks with their states, from its own REST API, and the output health of its tail tasks (since when Kafka has
 * not taken their lines, what they hold and what they had to let go), from the metrics the tasks register in the
 * worker's JVM. The tail plugin lives in another class loader; its metrics, exported by Connect's JMX reporter,
 * are the channel between the two.
 */
public final class WorkerHealth {

    /** Where Connect's JMX reporter puts plugin metrics (Kafka 4.1+), tagged with connector and task. */
    private static final String PLUGIN_METRICS = "kafka.connect:type=plugins,*";

    private final ConnectRestClient rest;
    private final Set<String> ownWorkerIds;
    private final boolean allTasksAreOwn;
    private final MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();

    /**
     * @param ownWorkerIds    the ids ({@code host:port}) this worker may carry in Connect's status answers
     * @param allTasksAreOwn  a standalone worker runs every task it reports; a distributed one reports its cluster's
     */
    public WorkerHealth(ConnectRestClient rest, Set<String> ownWorkerIds, boolean allTasksAreOwn) {
        this.rest = rest;
        this.ownWorkerIds = Set.copyOf(ownWorkerIds);
        this.allTasksAreOwn = allTasksAreOwn;
    }

    /** The worker's own connectors and tasks with their states; empty when its REST API does not answer. */
    public Optional<List<Registration.TaskState>> tasks() {
        try {
            List<Registration.TaskState> tasks = new ArrayList<>();
            for (ConnectRestClient.StatusRow row : rest.statuses()) {
                if (allTasksAreOwn || ownWorkerIds.contains(row.workerId())) {
                    tasks.add(new Registration.TaskState(row.connector(), row.task(), row.state()));
                }
            }
            return Optional.of(tasks);
        } catch (ConnectRestClient.RestException e) {
            return Optional.empty();
        }
    }

    /** The tail tasks' output health, summed; null when no tail task runs here. */
    public Registration.Output output() {
        Set<ObjectName> names;
        try {
            names = jmx.queryNames(new ObjectName(PLUGIN_METRICS), null);
        } catch (JMException e) {
            return null;
        }
        boolean any = false;
        long blockedSince = 0;
        long held = 0;
        long lostBytes = 0;
        long lostLines = 0;
        for (ObjectName name : names) {
            Long lost = attribute(name, "lost-bytes-total");
            if (lost == null) {
                continue;
            }
            any = true;
            lostBytes += lost;
            lostLines += orZero(attribute(name, "lost-lines-total"));
            held += orZero(attribute(name, "held-bytes"));
            long since = orZero(attribute(name, "output-blocked-since-ms"));
            if (since > 0 && (blockedSince == 0 || since < blockedSince)) {
                blockedSince = since;
            }
        }
        if (!any) {
            return null;
        }
        return new Registration.Output(blockedSince == 0 ? null : Instant.ofEpochMilli(blockedSince).toString(), held,
                lostBytes, lostLines);
    }

    private Long attribute(ObjectName name, String attribute) {
        try {
            Object value = jmx.getAttribute(name, attribute);
            return value instanceof Number number ? number.longValue() : null;
        } catch (JMException | RuntimeException e) {
            return null;
        }
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
