package io.berth.model.oci;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;

import java.util.regex.Pattern;

/**
 * A content digest {@code algorithm:hex}. Only the algorithms Berth can verify are accepted:
 * sha256 (64 hex digits) and sha512 (128 hex digits).
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
    private static final Pattern HEX = Pattern.compile("[a-f0-9]+");

    public Digest {
        int expected = switch (algorithm) {
            case "sha256" -> 64;
            case "sha512" -> 128;
            default -> throw new BerthException(ErrorCode.DIGEST_INVALID, "unsupported digest algorithm: " + algorithm);
        };
        if (hex.length() != expected || !HEX.matcher(hex).matches()) {
            throw new BerthException(ErrorCode.DIGEST_INVALID, "invalid " + algorithm + " digest: " + hex);
        }
    }

    public static Digest parse(String text) {
        if (text == null) throw new BerthException(ErrorCode.DIGEST_INVALID, "digest missing");
        int colon = text.indexOf(':');
        if (colon <= 0) throw new BerthException(ErrorCode.DIGEST_INVALID, "invalid digest: " + text);
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    public static boolean looksLikeDigest(String reference) {
        return reference.indexOf(':') > 0;
    }

    /** The JCA name of the algorithm. */
    public String jcaAlgorithm() {
        return algorithm.equals("sha256") ? "SHA-256" : "SHA-512";
    }

    @Override
    public String toString() { return algorithm + ":" + hex; }

    @Override
    public int compareTo(Digest o) { return toString().compareTo(o.toString()); }
}
