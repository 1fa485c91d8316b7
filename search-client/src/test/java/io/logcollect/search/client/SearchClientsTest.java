package io.logcollect.search.client;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchClientsTest {

    @Test
    void basicAuthorizationHeaderIsPreemptive() {
        ConnectionSettings settings = new ConnectionSettings(List.of("http://h:9200"), "", "elastic",
                "pw".toCharArray(), null, false, 1000, 1000, 10, null, null, "JKS", null, null, "JKS", null, true);
        assertEquals("Basic ZWxhc3RpYzpwdw==", SearchClients.authorization(settings).getValue());
        assertFalse(settings.toString().contains("pw]"));
    }

    @Test
    void composableTemplatesFromElasticsearch78AndEveryOpenSearch() {
        assertTrue(new EngineInfo("elasticsearch", "7.8.0").composableTemplates());
        assertFalse(new EngineInfo("elasticsearch", "7.7.1").composableTemplates());
        assertTrue(new EngineInfo("opensearch", "1.3.0").composableTemplates());
    }
}
