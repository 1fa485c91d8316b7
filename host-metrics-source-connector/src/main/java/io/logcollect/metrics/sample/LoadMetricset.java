package io.logcollect.metrics.sample;

import oshi.hardware.CentralProcessor;

import java.util.List;

/** {@code load}: the 1, 5 and 15 minute load averages, and per core ({@code norm}). */
final class LoadMetricset implements Metricset {

    private final CentralProcessor processor;

    LoadMetricset(CentralProcessor processor) {
        this.processor = processor;
    }

    @Override
    public String name() {
        return "load";
    }

    @Override
    public List<Document> sample() {
        double[] load = processor.getSystemLoadAverage(3);
        if (load[0] < 0) {
            throw new UnsupportedOperationException("this operating system reports no load average");
        }
        int cores = processor.getLogicalProcessorCount();
        Document doc = new Document(name()).put("system.load.cores", cores);
        String[] minutes = {"1", "5", "15"};
        for (int i = 0; i < 3; i++) {
            doc.put("system.load." + minutes[i], load[i]);
            doc.put("system.load.norm." + minutes[i], load[i] / cores);
        }
        return List.of(doc);
    }
}
