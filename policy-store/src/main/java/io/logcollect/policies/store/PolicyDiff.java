package io.logcollect.policies.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;

import java.util.List;

/** The difference between two versions of a policy, as a unified diff of their pretty-printed JSON. */
public final class PolicyDiff {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int CONTEXT_LINES = 3;

    private PolicyDiff() {
    }

    /**
     * Unified diff lines ({@code ---}, {@code +++}, {@code @@} headers, then lines starting with a space, {@code -}
     * or {@code +}); empty when the two say the same. JSON is compared pretty-printed, so formatting alone is
     * no difference.
     */
    public static List<String> unified(String fromLabel, String from, String toLabel, String to) {
        List<String> original = canonical(from).lines().toList();
        List<String> revised = canonical(to).lines().toList();
        if (original.equals(revised)) {
            return List.of();
        }
        return UnifiedDiffUtils.generateUnifiedDiff(fromLabel, toLabel, original, DiffUtils.diff(original, revised),
                CONTEXT_LINES);
    }

    private static String canonical(String document) {
        if (document == null) {
            return "";
        }
        try {
            return MAPPER.readTree(document).toPrettyString();
        } catch (JsonProcessingException | RuntimeException e) {
            return document;
        }
    }
}
