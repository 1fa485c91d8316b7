package io.logcollect.es.bulk;

import io.logcollect.es.bulk.ResultClassifier.Verdict;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultClassifierTest {

    private static Verdict item(BulkAction action, int status, String type) {
        return ResultClassifier.classifyItem(action, new ItemResult(status, type, type == null ? null : "reason"));
    }

    @Test
    void successesAndAlreadyDoneAreAcknowledged() {
        assertEquals(Verdict.ACKNOWLEDGED, item(BulkAction.CREATE, 201, null));
        assertEquals(Verdict.ACKNOWLEDGED, item(BulkAction.INDEX, 200, null));
        assertEquals(Verdict.ACKNOWLEDGED, item(BulkAction.CREATE, 409, "version_conflict_engine_exception"));
        assertEquals(Verdict.ACKNOWLEDGED, item(BulkAction.DELETE, 404, null));
    }

    @Test
    void overloadAndServerErrorsAreRetried() {
        assertEquals(Verdict.RETRY, item(BulkAction.CREATE, 429, "es_rejected_execution_exception"));
        assertEquals(Verdict.RETRY, item(BulkAction.CREATE, 503, "unavailable_shards_exception"));
        assertEquals(Verdict.RETRY, item(BulkAction.INDEX, 500, "exception"));
        assertEquals(Verdict.RETRY, ResultClassifier.classifyRequest(429));
        assertEquals(Verdict.RETRY, ResultClassifier.classifyRequest(502));
        assertEquals(Verdict.RETRY, ResultClassifier.classifyRequest(504));
    }

    @Test
    void badDocumentsAreMalformedAndSetupErrorsFatal() {
        assertEquals(Verdict.MALFORMED, item(BulkAction.CREATE, 400, "mapper_parsing_exception"));
        assertEquals(Verdict.MALFORMED, item(BulkAction.CREATE, 400, "document_parsing_exception"));
        assertEquals(Verdict.FATAL, item(BulkAction.CREATE, 403, "security_exception"));
        assertEquals(Verdict.FATAL, item(BulkAction.CREATE, 404, "index_not_found_exception"));
        assertEquals(Verdict.FATAL, ResultClassifier.classifyRequest(401));
        assertEquals(Verdict.FATAL, ResultClassifier.classifyRequest(413));
        assertTrue(ResultClassifier.explainRequestFailure(401, "").contains("connection.password"));
    }

    @Test
    void aConflictIsSuccessOnlyForCreateAndRetriedOtherwise() {
        ItemResult conflict = new ItemResult(409, "version_conflict_engine_exception", "version conflict");
        assertEquals(ResultClassifier.Verdict.ACKNOWLEDGED, ResultClassifier.classifyItem(BulkAction.CREATE, conflict));
        assertEquals(ResultClassifier.Verdict.RETRY, ResultClassifier.classifyItem(BulkAction.INDEX, conflict));
        assertEquals(ResultClassifier.Verdict.RETRY, ResultClassifier.classifyItem(BulkAction.UPDATE, conflict));
    }
}
