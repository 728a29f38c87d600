package io.berth.model.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Incremental hashing of a byte stream, so content is hashed while it is written and never buffered whole. */
public final class Digester {
    private final String algorithm;
    private final MessageDigest digest;

    private Digester(String algorithm, MessageDigest digest) {
        this.algorithm = algorithm;
        this.digest = digest;
    }

    public static Digester sha256() { return of("sha256"); }

    public static Digester of(String algorithm) {
        try {
            return new Digester(algorithm, MessageDigest.getInstance(algorithm.equals("sha512") ? "SHA-512" : "SHA-256"));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Digester update(byte[] bytes, int offset, int length) {
        digest.update(bytes, offset, length);
        return this;
    }

    public Digester update(byte[] bytes) { return update(bytes, 0, bytes.length); }

    public Digest digest() {
        return new Digest(algorithm, HexFormat.of().formatHex(digest.digest()));
    }

    public static Digest sha256(byte[] bytes) { return sha256().update(bytes).digest(); }

    public static Digest of(String algorithm, byte[] bytes) { return of(algorithm).update(bytes).digest(); }
}
