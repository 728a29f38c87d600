package io.berth.registry.content;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.oci.Digest;
import io.berth.registry.repo.RepositoryRecord;
import io.berth.registry.storage.BlobStorage;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blobs as a repository sees them: a repository serves a blob only when it is linked there ({@code repository_blob}),
 * by an upload or a mount. Unlinking leaves the bytes to garbage collection.
 */
public final class BlobService {
    private static final Logger LOG = LoggerFactory.getLogger(BlobService.class);

    private final Pool pool;
    private final BlobRepository blobs;
    private final BlobStorage storage;

    public BlobService(Pool pool, BlobRepository blobs, BlobStorage storage) {
        this.pool = pool;
        this.blobs = blobs;
        this.storage = storage;
    }

    /** The size of a blob the repository may serve; BLOB_UNKNOWN when it is not linked there or its bytes are gone. */
    public Future<Long> size(RepositoryRecord repo, Digest digest) {
        return blobs.linkedSize(pool, repo.id(), digest).compose(size -> {
            if (size == null) return Future.failedFuture(unknown(digest));
            return storage.size(digest).compose(stored -> {
                if (stored != null) return Future.succeededFuture(stored);
                LOG.warn("Blob {} is linked to repository {} but missing from storage", digest, repo.path());
                return Future.failedFuture(unknown(digest));
            });
        });
    }

    /** Streams {@code length} bytes of the blob from {@code offset} to a response the caller has headed. */
    public Future<Void> send(Digest digest, HttpServerResponse response, long offset, long length) {
        return storage.send(digest, response, offset, length);
    }

    /** Links a blob of {@code source} to {@code target}; false when {@code source} does not have it. */
    public Future<Boolean> mount(RepositoryRecord target, RepositoryRecord source, Digest digest) {
        return pool.withTransaction(tx -> blobs.lockLink(tx, source.id(), digest, false).compose(linked -> linked
                ? blobs.link(tx, target.id(), digest).map(true)
                : Future.succeededFuture(false)));
    }

    /** Unlinks the blob from the repository unless one of its manifests still references it. */
    public Future<Void> unlink(RepositoryRecord repo, Digest digest) {
        return pool.withTransaction(tx -> blobs.lockLink(tx, repo.id(), digest, true).compose(linked -> {
            if (!linked) return Future.failedFuture(unknown(digest));
            return blobs.referencedByManifest(tx, repo.id(), digest).compose(referenced -> referenced
                    ? Future.failedFuture(new BerthException(ErrorCode.UNSUPPORTED,
                            "blob " + digest + " is referenced by a manifest of " + repo.path()
                                    + "; delete the manifest first"))
                    : blobs.unlink(tx, repo.id(), digest));
        }));
    }

    private static BerthException unknown(Digest digest) {
        return new BerthException(ErrorCode.BLOB_UNKNOWN, "blob unknown to registry", java.util.Map.of("digest", digest.toString()));
    }
}
