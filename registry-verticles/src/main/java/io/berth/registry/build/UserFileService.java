package io.berth.registry.build;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.oci.Digest;
import io.berth.model.oci.Digester;
import io.berth.registry.auth.Identity;
import io.berth.registry.config.BerthConfig;
import io.berth.registry.content.BlobRepository;
import io.berth.registry.content.ChunkSink;
import io.berth.registry.storage.BlobStorage;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Build contexts dropped by users (Quay's file drop). A file is announced first and gets a signed, expiring upload URL;
 * unlike Quay, that URL is the only way to write it, and only once. Its bytes become a blob in storage; workers fetch
 * them through a signed download URL minted for their job. A file no build refers to is deleted
 * {@code USERFILES_EXPIRATION} after its upload URL expired ({@link #deleteUnused}, a step of garbage collection, which
 * then takes its blob); a file a build refers to stays as long as the build.
 */
public final class UserFileService {
    public static final long MAX_SIZE = 1L << 30;
    static final Duration UPLOAD_URL_LIFETIME = Duration.ofHours(1);
    static final Duration DOWNLOAD_URL_LIFETIME = Duration.ofHours(2);

    private final BerthConfig config;
    private final Pool pool;
    private final UserFileRepository files;
    private final BlobRepository blobs;
    private final BlobStorage storage;
    private final SecretKeySpec signingKey;

    public UserFileService(BerthConfig config, Pool pool, UserFileRepository files, BlobRepository blobs,
                           BlobStorage storage, byte[] secret) {
        this.config = config;
        this.pool = pool;
        this.files = files;
        this.blobs = blobs;
        this.storage = storage;
        this.signingKey = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** What {@code POST /api/v1/filedrop/} answers: the file's id and the URL to PUT its bytes to. */
    public record Drop(UUID fileId, String url) {}

    public Future<Drop> announce(Identity who, String mimeType) {
        UUID id = UUID.randomUUID();
        return files.insert(pool, id, who.accountId(), mimeType)
                .map(v -> new Drop(id, signedUrl(id, "PUT", UPLOAD_URL_LIFETIME)));
    }

    /** A URL for a worker to GET the file's bytes. */
    public String downloadUrl(UUID id) {
        return signedUrl(id, "GET", DOWNLOAD_URL_LIFETIME);
    }

    /** The file the signature grants access to with {@code method}; 403 for a bad or expired signature. */
    public Future<UserFileRepository.UserFile> authorize(String id, String method, String expires, String signature) {
        UUID uuid;
        long until;
        try {
            uuid = UUID.fromString(id);
            until = Long.parseLong(expires);
        } catch (IllegalArgumentException | NullPointerException e) {
            return Future.failedFuture(new BerthException(ErrorCode.DENIED, "Invalid or expired file URL"));
        }
        byte[] expected = sign(uuid, method, until).getBytes(StandardCharsets.US_ASCII);
        byte[] given = (signature == null ? "" : signature).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given) || Instant.now().getEpochSecond() > until) {
            return Future.failedFuture(new BerthException(ErrorCode.DENIED, "Invalid or expired file URL"));
        }
        return files.find(pool, uuid).compose(f -> f == null
                ? Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "File not found"))
                : Future.succeededFuture(f));
    }

    /** Stores the bytes of a file not uploaded yet, hashing them on the way; the file then holds a blob. */
    public Future<Void> upload(UserFileRepository.UserFile file, ReadStream<Buffer> body, Long declaredLength) {
        if (file.digest() != null) {
            return Future.failedFuture(new BerthException(ErrorCode.CONFLICT, "The file was uploaded already"));
        }
        if (declaredLength != null && declaredLength > MAX_SIZE) return Future.failedFuture(tooLarge());
        return stage(file.id(), file.mimeType(), body).compose(staged -> pool.withTransaction(tx -> commit(tx, staged))
                .compose(first -> first ? Future.<Void>succeededFuture()
                        : Future.failedFuture(new BerthException(ErrorCode.CONFLICT, "The file was uploaded already")))
                .recover(err -> discard(staged).transform(x -> Future.failedFuture(err))));
    }

    /**
     * Bytes received in upload scratch space under {@code id} but not yet anyone's file: {@link #keep} makes them the
     * file {@code id}, {@link #discard} drops them.
     */
    public record Staged(UUID id, String mimeType, Digest digest, long size) {}

    /**
     * Receives the bytes of a file before it is decided whether to keep them (the UI's upload form, whose other
     * fields, the CSRF token among them, arrive only after the file). At most {@link #MAX_SIZE} bytes.
     */
    public Future<Staged> stage(String mimeType, ReadStream<Buffer> body) {
        return stage(UUID.randomUUID(), mimeType, body);
    }

    /** Makes staged bytes a file the caller dropped and uploaded, as the file drop and its upload URL's PUT do. */
    public Future<UUID> keep(Identity who, Staged staged) {
        Future<UUID> kept = who.accountId() == null
                ? Future.failedFuture(new BerthException(ErrorCode.DENIED, "Unauthorized"))
                : pool.withTransaction(tx -> files.insert(tx, staged.id(), who.accountId(), staged.mimeType())
                        .compose(v -> commit(tx, staged))).map(staged.id());
        return kept.recover(err -> discard(staged).transform(x -> Future.failedFuture(err)));
    }

    /**
     * Forgets a kept file that no build will use (its build was refused) at once rather than at its expiry; garbage
     * collection then takes its blob.
     */
    public Future<Void> forget(UUID id) {
        return files.delete(pool, id);
    }

    public Future<Void> discard(Staged staged) {
        return storage.deleteUpload(staged.id().toString());
    }

    private Future<Staged> stage(UUID id, String mimeType, ReadStream<Buffer> body) {
        String scratch = id.toString();
        Digester digester = Digester.sha256();
        return storage.appendUpload(scratch, 0)
                .map(out -> new ChunkSink(out, digester, MAX_SIZE, tooLarge()))
                .compose(sink -> body.pipeTo(sink).map(v -> new Staged(id, mimeType, digester.digest(), sink.written())))
                .recover(err -> storage.deleteUpload(scratch).transform(x -> Future.failedFuture(err)));
    }

    /**
     * The staged bytes become the file's blob. They move into place while the blob row is locked, as uploads do, so
     * garbage collection cannot remove them; the user file's reference keeps it from collecting the blob later. False
     * when the file had its bytes already.
     */
    private Future<Boolean> commit(SqlConnection tx, Staged staged) {
        return blobs.store(tx, staged.digest(), staged.size())
                .compose(x -> storage.commitUpload(staged.id().toString(), staged.digest()))
                .compose(x -> files.uploaded(tx, staged.id(), staged.digest().toString(), staged.size()));
    }

    private static BerthException tooLarge() {
        return new BerthException(ErrorCode.PAYLOAD_TOO_LARGE, "A build context may have at most " + MAX_SIZE + " bytes");
    }

    /** Streams an uploaded file's bytes to the response. */
    public Future<Void> send(UserFileRepository.UserFile file, HttpServerResponse response) {
        if (file.digest() == null) return Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, "File not uploaded"));
        response.putHeader("Content-Type", file.mimeType()).putHeader("Content-Length", String.valueOf(file.size()));
        return storage.send(Digest.parse(file.digest()), response, 0, file.size());
    }

    /**
     * A file the caller dropped and uploaded, held (see {@link UserFileRepository#hold}) for the build that {@code tx}
     * is about to insert; else the 400 Quay gives.
     */
    public Future<UserFileRepository.UserFile> ownUploaded(SqlClient tx, Identity who, String fileId) {
        UUID id;
        try {
            id = UUID.fromString(fileId);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(invalid(fileId));
        }
        return files.hold(tx, id).compose(f -> f == null || f.digest() == null || who.accountId() == null
                || f.ownerId() != who.accountId() ? Future.failedFuture(invalid(fileId)) : Future.succeededFuture(f));
    }

    /**
     * Deletes up to {@code limit} files that no build refers to and whose upload URL expired
     * {@code USERFILES_EXPIRATION} ago, in one transaction; returns how many. Safe on several nodes at once: each
     * deletes the files it locked. Their blobs become garbage unless something else references them.
     */
    public Future<Integer> deleteUnused(int limit) {
        Duration age = UPLOAD_URL_LIFETIME.plus(config.builds().userFilesExpiration());
        return pool.withTransaction(tx -> files.lockUnused(tx, age, limit).compose(ids -> files.deleteUnused(tx, ids)));
    }

    private static BerthException invalid(String fileId) {
        return new BerthException(ErrorCode.INVALID_REQUEST, "File " + fileId + " could not be found or is invalid");
    }

    private String signedUrl(UUID id, String method, Duration lifetime) {
        long until = Instant.now().plus(lifetime).getEpochSecond();
        return config.baseUrl() + "/userfiles/" + id + "?expires=" + until + "&signature=" + sign(id, method, until);
    }

    private String sign(UUID id, String method, long until) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(signingKey);
            return HexFormat.of().formatHex(mac.doFinal((method + "\n" + id + "\n" + until).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
