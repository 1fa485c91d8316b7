package io.logcollect.etcd.restart;

import io.logcollect.etcd.engine.EtcdKeys;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the etcd keys a raw connector config refers to through config provider variables
 * {@code ${provider:path:key}} (and {@code ${provider:key}}). The provider name is not checked: a worker may
 * register this provider under any name, and a variable of another provider that happens to name the same key
 * costs at most one extra restart.
 */
public final class ConfigReferences {

    /** The variable syntax of Kafka's ConfigTransformer. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*?):(([^}]*?):)?([^}]*?)\\}");

    private ConfigReferences() {
    }

    /** The full etcd keys referenced by the values of a raw config. */
    public static Set<String> referencedKeys(Map<String, String> rawConfig) {
        Set<String> keys = new TreeSet<>();
        for (String value : rawConfig.values()) {
            if (value == null || !value.contains("${")) {
                continue;
            }
            Matcher m = VARIABLE.matcher(value);
            while (m.find()) {
                String path = m.group(3);
                String key = m.group(4);
                keys.add(EtcdKeys.join(path, key));
            }
        }
        return keys;
    }
}
