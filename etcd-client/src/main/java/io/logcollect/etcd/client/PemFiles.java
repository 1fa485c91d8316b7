package io.logcollect.etcd.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and private keys. Keys may be unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC,
 * Ed25519/Ed448) or PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}, converted here). Encrypted keys and SEC1 EC keys
 * are refused with the openssl command that converts them. Messages name the file, never its content.
 */
public final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);
    /** AlgorithmIdentifier of rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters, DER. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0D, 0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00};

    private PemFiles() {
    }

    /** The private key of a PEM file. */
    public static PrivateKey privateKey(Path file) {
        String text = read(file, "tls.key.file");
        Matcher m = BLOCK.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException("tls.key.file " + file + " holds no PEM private key"
                    + " (expected -----BEGIN PRIVATE KEY-----)");
        }
        String label = m.group(1);
        String body = m.group(2);
        String convert = "; convert it to an unencrypted PKCS#8 key with: openssl pkcs8 -topk8 -nocrypt -in "
                + file + " -out " + file + ".pk8";
        switch (label) {
            case "PRIVATE KEY":
                return pkcs8(file, base64(file, body));
            case "RSA PRIVATE KEY":
                if (body.contains("ENCRYPTED")) {
                    throw new IllegalArgumentException("tls.key.file " + file + " is an encrypted PKCS#1 RSA key,"
                            + " which is not supported" + convert);
                }
                return pkcs8(file, pkcs1ToPkcs8(base64(file, body)));
            case "ENCRYPTED PRIVATE KEY":
                throw new IllegalArgumentException("tls.key.file " + file + " is an encrypted PKCS#8 key, which is"
                        + " not supported" + convert);
            case "EC PRIVATE KEY":
                throw new IllegalArgumentException("tls.key.file " + file + " is a SEC1 EC key (BEGIN EC PRIVATE KEY),"
                        + " which is not supported" + convert);
            default:
                throw new IllegalArgumentException("tls.key.file " + file + " holds a PEM block '" + label
                        + "', not a private key" + convert);
        }
    }

    /** The certificates of a PEM file, in file order. */
    public static X509Certificate[] certificates(Path file, String setting) {
        try (InputStream in = Files.newInputStream(file)) {
            List<? extends Certificate> all = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (all.isEmpty()) {
                throw new IllegalArgumentException(setting + " " + file + " holds no PEM certificate");
            }
            return all.stream().map(c -> (X509Certificate) c).toArray(X509Certificate[]::new);
        } catch (CertificateException e) {
            throw new IllegalArgumentException(setting + " " + file + " is not a PEM certificate file: "
                    + e.getMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + " " + file + " cannot be read: " + e);
        }
    }

    private static String read(Path file, String setting) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + " " + file + " cannot be read: " + e);
        }
    }

    private static byte[] base64(Path file, String body) {
        try {
            return Base64.getMimeDecoder().decode(body.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tls.key.file " + file + " is not valid PEM (bad base64)");
        }
    }

    private static PrivateKey pkcs8(Path file, byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "DSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // not this algorithm: try the next
                continue;
            }
        }
        throw new IllegalArgumentException("tls.key.file " + file + " is not an RSA, EC or EdDSA private key"
                + " this Java runtime can read");
    }

    /** Wraps a PKCS#1 RSAPrivateKey into a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption). */
    static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.writeBytes(new byte[] {0x02, 0x01, 0x00});
        content.writeBytes(RSA_ALGORITHM);
        content.write(0x04);
        content.writeBytes(derLength(pkcs1.length));
        content.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.writeBytes(derLength(content.size()));
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }

    static byte[] derLength(int length) {
        if (length < 0x80) {
            return new byte[] {(byte) length};
        }
        int bytes = length > 0xFFFFFF ? 4 : length > 0xFFFF ? 3 : length > 0xFF ? 2 : 1;
        byte[] out = new byte[bytes + 1];
        out[0] = (byte) (0x80 | bytes);
        for (int i = 0; i < bytes; i++) {
            out[bytes - i] = (byte) (length >>> (8 * i));
        }
        return out;
    }
}
