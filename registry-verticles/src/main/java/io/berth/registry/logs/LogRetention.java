package io.berth.registry.logs;

import io.berth.registry.storage.BlobStorage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The usage log's housekeeping, on a timer on every node: creates the day partitions of the week ahead, drops the
 * partitions that lie wholly before the retention period and deletes the older entries of the partition it starts in,
 * and deletes export files (and their queue rows) whose download lifetime is over.
 */
public final class LogRetention {
    private static final Logger LOG = LoggerFactory.getLogger(LogRetention.class);
    private static final int DAYS_AHEAD = 7;
    private static final int EXPIRED_BATCH = 100;

    private final Vertx vertx;
    private final Pool pool;
    private final LogRepository logs;
    private final LogPartitionRepository partitions;
    private final ExportRepository exports;
    private final BlobStorage storage;
    private final Duration retention;
    private final Duration exportLifetime;
    private long timer = -1;
    private Future<Void> running;

    public LogRetention(Vertx vertx, Pool pool, LogRepository logs, LogPartitionRepository partitions,
                        ExportRepository exports, BlobStorage storage, Duration retention, Duration exportLifetime) {
        this.vertx = vertx;
        this.pool = pool;
        this.logs = logs;
        this.partitions = partitions;
        this.exports = exports;
        this.storage = storage;
        this.retention = retention;
        this.exportLifetime = exportLifetime;
    }

    /** Sweeps now and then every quarter of the shorter of retention and export lifetime, between 1 s and 1 h. */
    public synchronized void start() {
        if (timer >= 0) return;
        long every = Math.clamp(Math.min(retention.toMillis(), exportLifetime.toMillis()) / 4, 1_000L, 3_600_000L);
        timer = vertx.setPeriodic(0, every, t -> sweep()
                .onFailure(err -> LOG.warn("Usage-log sweep failed: {}", err.getMessage(), err)));
    }

    public synchronized void stop() {
        if (timer >= 0) vertx.cancelTimer(timer);
        timer = -1;
    }

    /** Runs one sweep (or joins the one in progress). */
    public synchronized Future<Void> sweep() {
        if (running != null) return running;
        OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minus(retention);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        List<LocalDate> ahead = new ArrayList<>();
        for (int i = 0; i <= DAYS_AHEAD; i++) ahead.add(today.plusDays(i));
        Future<Void> sweep = partitions.ensure(pool, ahead)
                .compose(v -> dropBefore(cutoff))
                .compose(v -> logs.deleteOlderThan(pool, cutoff))
                .compose(deleted -> deleteExpiredExports());
        running = sweep;
        sweep.onComplete(ar -> {
            synchronized (this) {
                running = null;
            }
        });
        return sweep;
    }

    /** Drops the partitions of days that ended before the cutoff. */
    private Future<Void> dropBefore(OffsetDateTime cutoff) {
        LocalDate firstKept = cutoff.toLocalDate();
        return partitions.days(pool).compose(days -> {
            Future<Void> chain = Future.succeededFuture();
            for (LocalDate day : days) {
                if (!day.isBefore(firstKept)) break;
                chain = chain.compose(v -> partitions.drop(pool, day)
                        .onSuccess(x -> LOG.info("Dropped the usage log of {} (retention {})", day, retention)));
            }
            return chain;
        });
    }

    private Future<Void> deleteExpiredExports() {
        return exports.expired(pool, EXPIRED_BATCH).compose(expired -> {
            Future<Void> chain = Future.succeededFuture();
            for (var export : expired) {
                chain = chain.compose(v -> storage.deleteObject(LogExporter.objectKey(export.fileId()))
                        .compose(x -> exports.delete(pool, export.id())));
            }
            return expired.size() < EXPIRED_BATCH ? chain : chain.compose(v -> deleteExpiredExports());
        });
    }
}
