package io.logcollect.policy;

/** The policy document as a whole is unusable (not JSON, not an array); no entry of it can run. */
public class InvalidPolicyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidPolicyException(String message) {
        super(message);
    }
}
