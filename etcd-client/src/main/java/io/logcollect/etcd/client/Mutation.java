package io.logcollect.etcd.client;

/** One change inside an etcd transaction. */
public sealed interface Mutation {

    String key();

    /** Sets {@code key} to {@code value}. */
    record Put(String key, String value) implements Mutation {
    }

    /** Deletes {@code key} (nothing happens when it does not exist). */
    record Delete(String key) implements Mutation {
    }
}
