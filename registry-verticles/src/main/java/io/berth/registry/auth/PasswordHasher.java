package io.berth.registry.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/** PBKDF2-HMAC-SHA256 password hashes; deliberately slow, so always run on a worker thread. */
public final class PasswordHasher {
    private static final int ITERATIONS = 210_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A well-formed hash of no one's password, verified against when the account does not exist. */
    public static final String DECOY = "pbkdf2-sha256$" + ITERATIONS + "$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    private final Vertx vertx;

    public PasswordHasher(Vertx vertx) {
        this.vertx = vertx;
    }

    public Future<String> hash(String password) {
        return vertx.executeBlocking(() -> {
            byte[] salt = new byte[16];
            RANDOM.nextBytes(salt);
            return "pbkdf2-sha256$" + ITERATIONS + "$" + b64(salt) + "$" + b64(derive(password, salt, ITERATIONS));
        }, false);
    }

    public Future<Boolean> verify(String password, String stored) {
        if (stored == null) return Future.succeededFuture(false);
        return vertx.executeBlocking(() -> {
            String[] parts = stored.split("\\$");
            if (parts.length != 4 || !parts[0].equals("pbkdf2-sha256")) return false;
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            byte[] actual = derive(password, Base64.getDecoder().decode(parts[2]), Integer.parseInt(parts[1]));
            return MessageDigest.isEqual(expected, actual);
        }, false);
    }

    private static byte[] derive(String password, byte[] salt, int iterations) throws GeneralSecurityException {
        var spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    }

    private static String b64(byte[] bytes) { return Base64.getEncoder().withoutPadding().encodeToString(bytes); }
}
