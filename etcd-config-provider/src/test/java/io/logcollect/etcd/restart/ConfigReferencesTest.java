package io.logcollect.etcd.restart;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConfigReferencesTest {

    @Test
    void findsEveryEtcdVariableOfARawConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.logcollect.tail.FileTailSourceConnector");
        config.put("collect.entries", "${etcd:/logcollect/policies/web:entries}");
        config.put("topic", "prefix-${etcd:/logcollect/it:topic}-${etcd:/logcollect/it/:suffix}");
        config.put("password", "${file:/etc/secrets.properties:password}");
        config.put("plain", "no variable here");
        assertEquals(Set.of("/logcollect/policies/web/entries", "/logcollect/it/topic", "/logcollect/it/suffix",
                "/etc/secrets.properties/password"), ConfigReferences.referencedKeys(config));
    }

    @Test
    void aVariableWithoutPathNamesTheFullKey() {
        assertEquals(Set.of("/logcollect/flat"), ConfigReferences.referencedKeys(Map.of("a", "${etcd:/logcollect/flat}")));
    }

    @Test
    void configsWithoutVariablesOrWithBrokenOnesReferenceNothing() {
        assertEquals(Set.of(), ConfigReferences.referencedKeys(Map.of("a", "${etcd", "b", "$etcd:/x:y}", "c", "")));
    }

    @Test
    void theProviderNameDoesNotMatter() {
        assertEquals(Set.of("/a/b"), ConfigReferences.referencedKeys(Map.of("x", "${central:/a:b}")));
    }
}
