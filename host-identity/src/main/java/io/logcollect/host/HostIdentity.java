package io.logcollect.host;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * The one name of a host (DESIGN.md section 9): {@code host.name} of every record (tail, metrics, status) and
 * {@code host} of the worker's registry entry come from here, so a host never splits into two rows. The plugin
 * setting when given, else the environment variable {@value #ENVIRONMENT}, else the operating system's host name.
 *
 * <p>It also carries the worker's id from the etcd config provider, which registers the worker, to the tasks of
 * the same worker, which name themselves by it in their status records: plugins load in class loaders of their
 * own, and a system property of the worker's JVM is what they share.
 */
public final class HostIdentity {

    /** The environment variable that names the host when the plugin setting is not given. */
    public static final String ENVIRONMENT = "LOGCOLLECT_HOST_NAME";
    /** The system property the provider sets to the worker's registry id. */
    public static final String WORKER_ID_PROPERTY = "logcollect.worker.id";

    private HostIdentity() {
    }

    /** The host's name: {@code configured} when not blank, else {@value #ENVIRONMENT}, else the OS host name. */
    public static String resolve(String configured) {
        return resolve(configured, System.getenv());
    }

    static String resolve(String configured, Map<String, String> environment) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        String fromEnvironment = environment.get(ENVIRONMENT);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return environment.getOrDefault("HOSTNAME", "localhost");
        }
    }

    /**
     * The id of the worker a task runs in, as the provider registered it; {@code fallback} (the host's name) in a
     * worker without the provider.
     */
    public static String workerId(String fallback) {
        String id = System.getProperty(WORKER_ID_PROPERTY);
        return id == null || id.isBlank() ? fallback : id;
    }

    /**
     * How a task names itself in its status records: the worker's id, the connector and the task, so two hosts
     * (or two workers of one host) running the same connector name never share a status.
     */
    public static String agentId(String hostName, String connector, String task) {
        return workerId(hostName) + "/" + connector + "-" + task;
    }

    /** Called by the provider once it knows the worker's id. */
    public static void announceWorkerId(String workerId) {
        System.setProperty(WORKER_ID_PROPERTY, workerId);
    }
}
