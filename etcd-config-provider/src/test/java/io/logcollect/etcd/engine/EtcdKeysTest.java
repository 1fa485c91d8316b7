package io.logcollect.etcd.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class EtcdKeysTest {

    @Test
    void aPathAndAKeyNameMakeTheFullKey() {
        assertEquals("/logcollect/policies/web/entries", EtcdKeys.join("/logcollect/policies/web", "entries"));
        assertEquals("/logcollect/policies/web/entries", EtcdKeys.join("/logcollect/policies/web/", "entries"));
        assertEquals("/entries", EtcdKeys.join("/", "entries"));
        assertEquals("/full/key", EtcdKeys.join("", "/full/key"));
        assertEquals("/full/key", EtcdKeys.join(null, "/full/key"));
    }

    @Test
    void onlyKeysDirectlyUnderAPathAreItsChildren() {
        assertEquals("entries", EtcdKeys.childName("/p/web/", "/p/web/entries"));
        assertNull(EtcdKeys.childName("/p/web/", "/p/web/sub/entries"));
        assertNull(EtcdKeys.childName("/p/web/", "/p/webx"));
        assertNull(EtcdKeys.childName("/p/web/", "/p/web/"));
    }
}
