package io.berth.registry.gc;

import io.berth.registry.content.UploadHashes;
import io.berth.registry.content.UploadRepository;
import io.berth.registry.storage.BlobStorage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Deletes upload sessions nobody touched for {@code UPLOAD_EXPIRATION}: the row, then the scratch bytes. Runs on a
 * timer on every node; concurrent sweeps on several nodes split the rows between them ({@code SKIP LOCKED}).
 */
public final class UploadSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(UploadSweeper.class);
    private static final int BATCH = 500;

    private final Pool pool;
    private final UploadRepository uploads;
    private final BlobStorage storage;
    private final UploadHashes hashes;
    private final Duration expiration;
    private final BackgroundJob<Integer> job;

    public UploadSweeper(Vertx vertx, Pool pool, UploadRepository uploads, BlobStorage storage, UploadHashes hashes,
                         Duration expiration) {
        this.job = new BackgroundJob<>(vertx, "Upload sweep", this::sweepOnce);
        this.pool = pool;
        this.uploads = uploads;
        this.storage = storage;
        this.hashes = hashes;
        this.expiration = expiration;
    }

    /** Sweeps periodically: a quarter of the expiration, between 1 second and 10 minutes. */
    public void start() {
        job.start(Duration.ofMillis(Math.clamp(expiration.toMillis() / 4, 1_000L, 600_000L)));
    }

    public void stop() {
        job.stop();
    }

    /** Runs one sweep (or joins the one in progress) and returns how many sessions it deleted. */
    public Future<Integer> sweep() {
        return job.run();
    }

    private Future<Integer> sweepOnce() {
        hashes.forgetIdle(expiration.toNanos());
        return uploads.deleteExpired(pool, expiration, BATCH).compose(this::discard);
    }

    /** Removes the bytes of deleted sessions one after the other, so a large sweep does not flood the workers. */
    private Future<Integer> discard(List<UUID> ids) {
        Future<Void> chain = Future.succeededFuture();
        for (UUID id : ids) {
            chain = chain.compose(v -> {
                hashes.remove(id);
                return storage.deleteUpload(id.toString())
                        .recover(err -> {
                            LOG.warn("Could not delete the bytes of expired upload {}: {}", id, err.getMessage());
                            return Future.succeededFuture();
                        });
            });
        }
        if (!ids.isEmpty()) chain.onSuccess(v -> LOG.info("Deleted {} expired upload session(s)", ids.size()));
        return chain.map(ids.size());
    }
}
