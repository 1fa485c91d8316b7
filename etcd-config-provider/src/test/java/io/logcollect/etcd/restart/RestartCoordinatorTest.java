package io.logcollect.etcd.restart;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RestartCoordinatorTest {

    @Test
    void workersOfADistributedClusterShareTheScopeOfTheWorkerRunningTheConnector() {
        assertEquals("kc1/10.0.0.5:8083", RestartCoordinator.automaticScope("kc1", "10.0.0.5:8083", "host-a",
                "http://10.0.0.6:8083"));
        assertEquals("kc1/10.0.0.5:8083", RestartCoordinator.automaticScope("kc1", "10.0.0.5:8083", "host-b",
                "http://10.0.0.7:8083"));
    }

    @Test
    void standaloneWorkersAdvertisingALoopbackAddressGetTheirHostNameAdded() {
        assertEquals("kc1/127.0.0.1:8083@web-01", RestartCoordinator.automaticScope("kc1", "127.0.0.1:8083", "web-01",
                "http://127.0.0.1:8083"));
        assertEquals("kc1/localhost:8083@web-02", RestartCoordinator.automaticScope("kc1", "localhost:8083", "web-02",
                "http://localhost:8083"));
    }

    @Test
    void withoutAKnownOwnerTheScopeIsThisWorker() {
        assertEquals("kc1/worker@web-01/http://127.0.0.1:8083", RestartCoordinator.automaticScope("kc1", null,
                "web-01", "http://127.0.0.1:8083"));
    }

    @Test
    void claimKeysEncodeScopeAndConnectorAndEndWithTheRevision() {
        assertEquals("/logcollect/restart-claims/kc1%2F127.0.0.1%3A8083%40web-01/web+tail/42",
                RestartCoordinator.claimKey("kc1/127.0.0.1:8083@web-01", "web tail", 42));
    }
}
