package io.logcollect.tail.access;

import java.io.IOException;

/** A file that resolves, or was swapped to lead, outside the allowed paths: it is never read. */
public final class OutsideAllowedPathsException extends IOException {

    public OutsideAllowedPathsException(String message) {
        super(message);
    }
}
