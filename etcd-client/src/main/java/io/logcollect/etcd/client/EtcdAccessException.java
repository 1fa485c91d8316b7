package io.logcollect.etcd.client;

/**
 * A request to etcd failed. {@link #unreachable()} tells an outage (no endpoint answered in time, connection or
 * TLS handshake failures) from a refusal by a reachable server (credentials, permissions). The message names the
 * endpoints and keys involved, never a value or a password.
 */
public class EtcdAccessException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean unreachable;

    public EtcdAccessException(String message, boolean unreachable, Throwable cause) {
        super(message, cause);
        this.unreachable = unreachable;
    }

    public boolean unreachable() {
        return unreachable;
    }
}
