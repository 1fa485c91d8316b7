package io.logcollect.etcd.engine;

/** A value cannot be served: the message says which etcd key and why, never a value. */
public class EtcdConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EtcdConfigException(String message) {
        super(message);
    }
}
