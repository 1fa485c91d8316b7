package io.logcollect.metrics.sample;

import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** {@code process_summary}: how many processes the host runs, by state. */
final class ProcessSummaryMetricset implements Metricset {

    private final OperatingSystem os;

    ProcessSummaryMetricset(OperatingSystem os) {
        this.os = os;
    }

    @Override
    public String name() {
        return "process_summary";
    }

    @Override
    public List<Document> sample() {
        Map<OSProcess.State, Integer> states = new EnumMap<>(OSProcess.State.class);
        List<OSProcess> processes = os.getProcesses();
        for (OSProcess process : processes) {
            states.merge(process.getState(), 1, Integer::sum);
        }
        return List.of(new Document(name())
                .put("system.process.summary.total", processes.size())
                .put("system.process.summary.running", states.getOrDefault(OSProcess.State.RUNNING, 0))
                .put("system.process.summary.sleeping", states.getOrDefault(OSProcess.State.SLEEPING, 0)
                        + states.getOrDefault(OSProcess.State.WAITING, 0))
                .put("system.process.summary.stopped", states.getOrDefault(OSProcess.State.STOPPED, 0))
                .put("system.process.summary.zombie", states.getOrDefault(OSProcess.State.ZOMBIE, 0))
                .put("system.process.summary.unknown", states.getOrDefault(OSProcess.State.OTHER, 0)
                        + states.getOrDefault(OSProcess.State.NEW, 0) + states.getOrDefault(OSProcess.State.INVALID, 0)));
    }
}
