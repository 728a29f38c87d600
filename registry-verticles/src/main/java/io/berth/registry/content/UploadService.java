package io.berth.registry.content;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.oci.Digest;
import io.berth.model.oci.Digester;
import io.berth.registry.content.UploadRepository.Upload;
import io.berth.registry.repo.RepositoryRecord;
import io.berth.registry.storage.BlobStorage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.sqlclient.Pool;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Blob upload sessions: start, append chunks, finish into a blob, cancel. The session's size lives in PostgreSQL
 * and its bytes in storage scratch space, so any node can continue an upload. One request at a time may write a
 * session (a renewable lease on its row); a second one gets a 416 with the current size. Bodies are streamed to
 * storage and hashed on the way, never aggregated.
 */
public final class UploadService {
    static final Duration LEASE = Duration.ofSeconds(60);
    private static final long RENEW_MS = LEASE.toMillis() / 3;

    private final Vertx vertx;
    private final Pool pool;
    private final UploadRepository uploads;
    private final BlobRepository blobs;
    private final BlobStorage storage;
    private final UploadHashes hashes;
    private final long maxSize;

    public UploadService(Vertx vertx, Pool pool, UploadRepository uploads, BlobRepository blobs, BlobStorage storage,
                         UploadHashes hashes, long maxSize) {
        this.vertx = vertx;
        this.pool = pool;
        this.uploads = uploads;
        this.blobs = blobs;
        this.storage = storage;
        this.hashes = hashes;
        this.maxSize = maxSize;
    }

    /**
     * Bytes sent for an upload, with what the client said about them: {@code start}/{@code end} from
     * {@code Content-Range} and {@code length} from {@code Content-Length}, each null when not sent.
     * {@code beforeRead} runs once the chunk is accepted, just before the body is read (e.g. to send 100 Continue).
     * A null {@code body} is an empty chunk.
     */
    public record Chunk(ReadStream<Buffer> body, Long start, Long end, Long length, Runnable beforeRead) {}

    private static final class Lease {
        final UUID id;
        final long repositoryId;
        final UUID token;
        final long size;
        volatile boolean lost;

        Lease(UUID id, long repositoryId, UUID token, long size) {
            this.id = id;
            this.repositoryId = repositoryId;
            this.token = token;
            this.size = size;
        }
    }

    /** What a write left: the new size and the running hash (null when this node has none for the upload). */
    private record Written(long size, Digester digester) {}

    public Future<Upload> start(RepositoryRecord repo) {
        UUID id = UUID.randomUUID();
        return uploads.insert(pool, id, repo.id()).map(v -> new Upload(id, repo.id(), 0));
    }

    public Future<Upload> status(RepositoryRecord repo, String id) {
        return parse(id).compose(uuid -> uploads.find(pool, uuid, repo.id()))
                .compose(u -> u == null ? Future.failedFuture(unknown()) : Future.succeededFuture(u));
    }

    /** Appends a chunk; fails with a 416 when it does not start where the upload ends or the session is busy. */
    public Future<Upload> append(RepositoryRecord repo, String id, Chunk chunk) {
        return leased(repo, id, lease -> write(lease, chunk).compose(w ->
                uploads.release(pool, lease.id, lease.token, w.size()).compose(held -> {
                    if (!held) return Future.failedFuture(unknown());
                    if (w.digester() != null) hashes.put(lease.id, w.digester(), w.size());
                    return Future.succeededFuture(new Upload(lease.id, repo.id(), w.size()));
                })));
    }

    /**
     * Appends the final chunk (if any), verifies the whole upload against {@code expected}, moves it into place as
     * the blob and links it to the repository. A digest mismatch or an oversized upload discards the session.
     */
    public Future<Digest> finish(RepositoryRecord repo, String id, Digest expected, Chunk chunk) {
        return leased(repo, id, lease -> {
            Future<Written> written = chunk == null
                    ? Future.succeededFuture(new Written(lease.size, hashes.take(lease.id, lease.size)))
                    : write(lease, chunk);
            // the bytes move into place while the blob row is locked (see BlobRepository), so garbage collection
            // can neither delete the row meanwhile nor remove the bytes afterwards
            return written.compose(w -> verify(lease, w, expected))
                    .compose(w -> pool.withTransaction(tx -> blobs.store(tx, expected, w.size())
                            .compose(v -> storage.commitUpload(lease.id.toString(), expected))
                            .compose(v -> blobs.link(tx, repo.id(), expected))
                            .compose(v -> uploads.delete(tx, lease.id, repo.id()))))
                    .map(expected);
        });
    }

    /** A monolithic upload: a session that is started and finished with one body. */
    public Future<Digest> upload(RepositoryRecord repo, Digest expected, Chunk chunk) {
        return start(repo).compose(u -> finish(repo, u.id().toString(), expected, chunk));
    }

    /** Cancels the session and discards its bytes. */
    public Future<Void> cancel(RepositoryRecord repo, String id) {
        return parse(id).compose(uuid -> uploads.delete(pool, uuid, repo.id())
                .compose(found -> found ? discardBytes(uuid) : Future.failedFuture(unknown())));
    }

    private <T> Future<T> leased(RepositoryRecord repo, String id, Function<Lease, Future<T>> work) {
        return parse(id).compose(uuid -> {
            UUID token = UUID.randomUUID();
            return uploads.acquire(pool, uuid, repo.id(), token, LEASE).compose(size -> {
                if (size == null) {
                    return uploads.find(pool, uuid, repo.id()).compose(u -> Future.<T>failedFuture(u == null
                            ? unknown() : outOfRange(u.size(), "another request is writing to this upload")));
                }
                var lease = new Lease(uuid, repo.id(), token, size);
                long timer = vertx.setPeriodic(RENEW_MS, t -> uploads.renew(pool, uuid, token, LEASE)
                        .onSuccess(held -> lease.lost |= !held));
                return Future.succeededFuture(lease).compose(work)
                        .recover(err -> uploads.abandon(pool, uuid, token).transform(ignored -> Future.<T>failedFuture(err)))
                        .andThen(ar -> vertx.cancelTimer(timer));
            });
        });
    }

    private Future<Written> write(Lease lease, Chunk chunk) {
        if (chunk.start() != null) {
            if (chunk.start() != lease.size) {
                return Future.failedFuture(outOfRange(lease.size,
                        "chunk starts at byte " + chunk.start() + " but the upload has " + lease.size + " bytes"));
            }
            if (chunk.length() != null && chunk.end() - chunk.start() + 1 != chunk.length()) {
                return Future.failedFuture(outOfRange(lease.size, "Content-Range does not match Content-Length"));
            }
        }
        if (chunk.length() != null && lease.size + chunk.length() > maxSize) {
            return discard(lease).compose(v -> Future.failedFuture(tooLarge()));
        }
        Digester digester = hashes.take(lease.id, lease.size);
        if (chunk.body() == null) return Future.succeededFuture(new Written(lease.size, digester));
        return storage.appendUpload(lease.id.toString(), lease.size).compose(out -> {
            var sink = new ChunkSink(out, digester, lease.size, maxSize, () -> lease.lost);
            chunk.beforeRead().run();
            return chunk.body().pipeTo(sink).transform(ar -> {
                if (ar.succeeded()) return Future.succeededFuture(new Written(lease.size + sink.written(), digester));
                BerthException refusal = sink.refusal();
                if (refusal != null && refusal.code() == ErrorCode.BLOB_TOO_LARGE) {
                    return discard(lease).compose(v -> Future.failedFuture(refusal));
                }
                return Future.failedFuture(refusal != null ? refusal : ar.cause());
            });
        });
    }

    private Future<Written> verify(Lease lease, Written w, Digest expected) {
        Future<Digest> actual = w.digester() != null && expected.algorithm().equals("sha256")
                ? Future.succeededFuture(w.digester().digest())
                : storage.digestUpload(lease.id.toString(), expected.algorithm());
        return actual.compose(digest -> {
            if (digest.equals(expected)) return Future.succeededFuture(w);
            return discard(lease).compose(v -> Future.failedFuture(new BerthException(ErrorCode.DIGEST_INVALID,
                    "provided digest did not match uploaded content",
                    Map.of("provided", expected.toString(), "computed", digest.toString()))));
        });
    }

    /** Deletes the session (whoever holds it) and its bytes. */
    private Future<Void> discard(Lease lease) {
        return uploads.delete(pool, lease.id, lease.repositoryId).compose(v -> discardBytes(lease.id));
    }

    private Future<Void> discardBytes(UUID id) {
        hashes.remove(id);
        return storage.deleteUpload(id.toString());
    }

    private static Future<UUID> parse(String id) {
        try {
            UUID uuid = UUID.fromString(id);
            if (uuid.toString().equalsIgnoreCase(id)) return Future.succeededFuture(uuid);
        } catch (IllegalArgumentException ignored) {
            // not a session id Berth issued
        }
        return Future.failedFuture(unknown());
    }

    private static BerthException unknown() {
        return new BerthException(ErrorCode.BLOB_UPLOAD_UNKNOWN);
    }

    private BerthException tooLarge() {
        return new BerthException(ErrorCode.BLOB_TOO_LARGE, "blob exceeds the maximum layer size of " + maxSize + " bytes");
    }

    /** A 416; {@code size} (in the detail) lets the HTTP layer say where the upload stands. */
    static BerthException outOfRange(long size, String message) {
        return new BerthException(ErrorCode.RANGE_NOT_SATISFIABLE, message, Map.of("size", size));
    }
}
