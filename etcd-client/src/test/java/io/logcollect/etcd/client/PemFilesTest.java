package io.logcollect.etcd.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PemFilesTest {

    @TempDir
    Path dir;

    @Test
    void readsPkcs8RsaAndEcKeys() throws Exception {
        for (String algorithm : new String[] {"RSA", "EC"}) {
            KeyPair pair = KeyPairGenerator.getInstance(algorithm).generateKeyPair();
            Path file = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
            PrivateKey key = PemFiles.privateKey(file);
            assertEquals(algorithm, key.getAlgorithm());
            assertArrayEquals(pair.getPrivate().getEncoded(), key.getEncoded());
        }
    }

    @Test
    void convertsPkcs1RsaKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        PrivateKey original = generator.generateKeyPair().getPrivate();
        Path file = pem("RSA PRIVATE KEY", pkcs1Of(original.getEncoded()));
        assertArrayEquals(original.getEncoded(), PemFiles.privateKey(file).getEncoded());
    }

    @Test
    void refusesKeysItCannotReadWithTheCommandThatConvertsThem() throws IOException {
        for (String label : new String[] {"EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"}) {
            Path file = pem(label, new byte[] {1, 2, 3});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PemFiles.privateKey(file));
            assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt -in " + file), e.getMessage());
        }
        Path encrypted = dir.resolve("enc.pem");
        Files.writeString(encrypted, "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                + "DEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PemFiles.privateKey(encrypted));
        assertTrue(e.getMessage().contains("encrypted PKCS#1"), e.getMessage());
        Path notPem = Files.writeString(dir.resolve("plain.txt"), "hello");
        e = assertThrows(IllegalArgumentException.class, () -> PemFiles.privateKey(notPem));
        assertTrue(e.getMessage().contains("no PEM private key"), e.getMessage());
    }

    @Test
    void derLengths() {
        assertArrayEquals(new byte[] {0x7F}, PemFiles.derLength(127));
        assertArrayEquals(new byte[] {(byte) 0x81, (byte) 0x80}, PemFiles.derLength(128));
        assertArrayEquals(new byte[] {(byte) 0x82, 0x04, (byte) 0xA8}, PemFiles.derLength(1192));
    }

    private Path pem(String label, byte[] der) throws IOException {
        Path file = Files.createTempFile(dir, "key", ".pem");
        Files.writeString(file, "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + label + "-----\n");
        return file;
    }

    /** The RSAPrivateKey inside a PKCS#8 PrivateKeyInfo: the content of its OCTET STRING. */
    private static byte[] pkcs1Of(byte[] pkcs8) {
        int[] index = {0};
        readHeader(pkcs8, index);
        int versionLength = readHeader(pkcs8, index);
        index[0] += versionLength;
        int algorithmLength = readHeader(pkcs8, index);
        index[0] += algorithmLength;
        int keyLength = readHeader(pkcs8, index);
        return Arrays.copyOfRange(pkcs8, index[0], index[0] + keyLength);
    }

    private static int readHeader(byte[] der, int[] index) {
        index[0]++;
        int first = der[index[0]++] & 0xFF;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7F); i++) {
            length = (length << 8) | (der[index[0]++] & 0xFF);
        }
        return length;
    }
}
