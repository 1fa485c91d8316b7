package io.logcollect.etcd.engine;

import io.logcollect.policy.InvalidPolicyException;
import io.logcollect.policy.PolicyParser;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which etcd values are collection policies ({@code /logcollect/policies/<policy>/entries}, DESIGN.md section 2)
 * and whether one can be served. A policy that is not a JSON array of entries would fail every connector that
 * uses it at once; such a value is not served (the last valid one is), and it restarts nothing. A policy with
 * bad entries is served: the agents report those entries and run the others.
 */
public final class PolicyValues {

    private static final Pattern POLICY_KEY = Pattern.compile("/logcollect/policies/[^/]+/entries");

    private PolicyValues() {
    }

    /** Why the value of an etcd key cannot be served; empty when it can (or the key is not a policy). */
    public static Optional<String> problem(String key, String value) {
        if (!POLICY_KEY.matcher(key).matches()) {
            return Optional.empty();
        }
        try {
            PolicyParser.parse(value, null);
            return Optional.empty();
        } catch (InvalidPolicyException e) {
            return Optional.of(e.getMessage());
        }
    }
}
