package io.logcollect.etcd;

import io.logcollect.etcd.engine.EtcdConfigEngine;
import io.logcollect.etcd.engine.EtcdConfigException;
import io.logcollect.etcd.registry.RegistrySettings;
import io.logcollect.host.HostIdentity;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.ConfigProvider;

import java.util.Map;
import java.util.Set;

/**
 * A Kafka {@link ConfigProvider} reading etcd: {@code ${etcd:/logcollect/policies/web:entries}} is the value of key
 * {@code /logcollect/policies/web/entries}. Every resolved key is watched; when it changes, the connectors whose
 * config uses it are restarted with their tasks through the worker's REST API, once per Connect cluster. Values
 * are cached on local disk for etcd outages when {@code cache.dir} is set. See {@link EtcdConfigProviderConfig}
 * for the parameters.
 */
public final class EtcdConfigProvider implements ConfigProvider {

    private EtcdConfigEngine engine;

    /** How long a new provider waits before it registers its worker: one Kafka closes at once is never seen. */
    private static final long REGISTER_AFTER_MS = 1000;

    @Override
    public void configure(Map<String, ?> configs) {
        EtcdConfigProviderConfig config = new EtcdConfigProviderConfig(configs);
        engine = new EtcdConfigEngine(config.engineSettings());
        RegistrySettings registry = config.registrySettings();
        if (registry != null) {
            HostIdentity.announceWorkerId(registry.workerId());
            engine.register(registry, REGISTER_AFTER_MS);
        }
    }

    /** Every key directly under {@code path}, by its name relative to the path. */
    @Override
    public ConfigData get(String path) {
        try {
            return new ConfigData(engine().getAll(path));
        } catch (EtcdConfigException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** The keys {@code path/<key>}; a key that does not exist is an error naming the full etcd key. */
    @Override
    public ConfigData get(String path, Set<String> keys) {
        try {
            return new ConfigData(engine().get(path, keys));
        } catch (EtcdConfigException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private EtcdConfigEngine engine() {
        if (engine == null) {
            throw new IllegalStateException("the etcd config provider is not configured");
        }
        return engine;
    }

    @Override
    public void close() {
        if (engine != null) {
            engine.close();
        }
    }
}
