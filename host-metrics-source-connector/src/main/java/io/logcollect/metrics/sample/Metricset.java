package io.logcollect.metrics.sample;

import java.util.List;

/** One of Metricbeat's {@code system} metricsets, read from the host at every interval. */
interface Metricset {

    /** Metricbeat's name: {@code cpu}, {@code network}, ... */
    String name();

    /**
     * This interval's events. A metricset made of rates or percentages needs two samples and returns none the
     * first time rather than a wrong value.
     *
     * @throws RuntimeException when the host does not let this metricset be read (it is then switched off)
     */
    List<Document> sample();
}
