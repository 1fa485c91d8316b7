package io.logcollect.etcd.client;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import javax.net.ssl.SSLHandshakeException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EtcdStoreTest {

    @Test
    void aReasonListsEachCauseOnceOnOneLineWithoutGrpcChannelDetails() {
        Throwable error = new IllegalStateException("UNAVAILABLE: io exception\nChannel Pipeline: [SslHandler#0]",
                new SSLHandshakeException("PKIX path validation failed: no trust anchor"));
        assertEquals("UNAVAILABLE: io exception; caused by PKIX path validation failed: no trust anchor",
                EtcdStore.reason(error));
    }

    @Test
    void causesRepeatingTheirWrapperAreLeftOut() {
        IOException root = new IOException("Connection refused");
        Throwable error = new IllegalStateException("java.io.IOException: Connection refused", root);
        assertEquals("java.io.IOException: Connection refused", EtcdStore.reason(error));
        assertEquals("IOException", EtcdStore.reason(new IOException((String) null)));
    }
}
