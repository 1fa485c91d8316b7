package io.logcollect.host;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class HostIdentityTest {

    @Test
    void theSettingWinsThenTheEnvironmentThenTheOperatingSystem() {
        Map<String, String> environment = Map.of(HostIdentity.ENVIRONMENT, " web-07 ");
        assertEquals("web-01", HostIdentity.resolve("web-01", environment));
        assertEquals("web-07", HostIdentity.resolve("", environment));
        assertEquals("web-07", HostIdentity.resolve(null, environment));
        String os = HostIdentity.resolve(null, Map.of());
        assertFalse(os.isBlank());
        assertEquals(os, HostIdentity.resolve("  ", Map.of(HostIdentity.ENVIRONMENT, " ")));
    }
}
