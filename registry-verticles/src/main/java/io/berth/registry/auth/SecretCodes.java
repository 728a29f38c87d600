package io.berth.registry.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Random credentials (OAuth tokens, authorization codes, session and confirmation codes) in Quay's split format: the
 * first {@link #NAME_LENGTH} characters are a lookup name, the rest a secret stored only as its SHA-256 (the secret is
 * random, so a fast hash is enough) and compared in constant time.
 */
public final class SecretCodes {
    public static final int NAME_LENGTH = 20;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretCodes() {}

    public static String random(int length) {
        return random(length, ALPHABET);
    }

    public static String random(int length, String alphabet) {
        var sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        return sb.toString();
    }

    /** The lookup part of a split code. */
    public static String name(String code) {
        return code.substring(0, NAME_LENGTH);
    }

    /** The hash of the secret part of a split code, as stored. */
    public static String secretHash(String code) {
        return sha256(code.substring(NAME_LENGTH));
    }

    /** Whether a code is long enough to hold a name and a secret of at least the name's length. */
    public static boolean wellFormed(String code) {
        return code != null && code.length() >= 2 * NAME_LENGTH;
    }

    public static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time comparison of two strings (hashes, tokens). */
    public static boolean same(String expected, String actual) {
        if (expected == null || actual == null) return false;
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }
}
