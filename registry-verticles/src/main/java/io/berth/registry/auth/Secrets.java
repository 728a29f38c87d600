package io.berth.registry.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The server's own secrets: the RSA key that signs registry tokens and the key that encrypts stored secrets.
 * Configured values win; otherwise they are generated once into {@code <data-dir>/secrets} (mode 600) and reused.
 * Nodes sharing a database must share these, through config or a shared data directory.
 */
public record Secrets(String signingKeyPem, String publicKeyPem, String keyId, byte[] databaseKey) {

    /**
     * @param configuredKey the PKCS#8 PEM file of {@code INSTANCE_SERVICE_KEY_LOCATION}, or null to use (and on first
     *                      start generate) {@code <data-dir>/secrets/registry-jwt-key.pem}
     */
    public static Secrets loadOrCreate(Path dataDir, Path configuredKey, String databaseSecretKey) throws Exception {
        Path dir = dataDir.resolve("secrets");
        Files.createDirectories(dir);
        Path keyFile = configuredKey != null ? configuredKey : dir.resolve("registry-jwt-key.pem");
        if (configuredKey == null && !Files.exists(keyFile)) {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            writePrivate(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        }
        String privatePem = Files.readString(keyFile);
        if (!privatePem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IllegalArgumentException(keyFile + " must hold an RSA key in PKCS#8 PEM (BEGIN PRIVATE KEY); "
                    + "convert with: openssl pkcs8 -topk8 -nocrypt -in key.pem");
        }
        byte[] pkcs8 = Base64.getMimeDecoder().decode(privatePem.replaceAll("-----[A-Z ]+-----", ""));
        var privateKey = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        PublicKey publicKey = KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
        String publicPem = pem("PUBLIC KEY", publicKey.getEncoded());
        String kid = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded())).substring(0, 32);

        byte[] dbKey;
        if (databaseSecretKey != null) {
            dbKey = MessageDigest.getInstance("SHA-256").digest(databaseSecretKey.getBytes(StandardCharsets.UTF_8));
        } else {
            Path dbKeyFile = dir.resolve("database-secret.key");
            if (!Files.exists(dbKeyFile)) {
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                writePrivate(dbKeyFile, Base64.getEncoder().encodeToString(fresh));
            }
            dbKey = Base64.getDecoder().decode(Files.readString(dbKeyFile).trim());
        }
        return new Secrets(privatePem, publicPem, kid, dbKey);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // non-POSIX filesystems keep their default permissions
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
