package io.berth.registry.logs;

import io.berth.registry.auth.Identity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The one writer of usage-log entries. Callers hand an entry over and go on; entries are inserted in batches off the
 * request path, and {@link #close()} flushes what is pending so a clean shutdown loses nothing.
 */
public final class UsageLogger {
    private static final Logger LOG = LoggerFactory.getLogger(UsageLogger.class);
    private static final int BATCH = 500;
    private static final long FLUSH_INTERVAL_MS = 250;

    /** One action: its Quay log kind, who did it from where, and on which namespace and repository. */
    public record Entry(String kind, Long namespaceId, Identity performer, Long repositoryId, String ip,
                        JsonObject metadata, OffsetDateTime at) {}

    private final Vertx vertx;
    private final Pool pool;
    private final ConcurrentLinkedQueue<Entry> pending = new ConcurrentLinkedQueue<>();
    /** The batch being written, if any; guarded by {@code this}. */
    private Future<Void> inFlight;
    private final long timer;

    public UsageLogger(Vertx vertx, Pool pool) {
        this.vertx = vertx;
        this.pool = pool;
        this.timer = vertx.setPeriodic(FLUSH_INTERVAL_MS, id -> flush());
    }

    public void log(String kind, Long namespaceId, Identity performer, Long repositoryId, String ip, JsonObject metadata) {
        JsonObject meta = metadata == null ? new JsonObject() : metadata;
        // a build has no account to point at: the entry names it
        if (performer.kind() == Identity.Kind.BUILD) meta.put("build_id", performer.buildUuid().toString());
        pending.add(new Entry(kind, namespaceId, performer, repositoryId, ip, meta, OffsetDateTime.now(ZoneOffset.UTC)));
        if (pending.size() >= BATCH) vertx.runOnContext(v -> flush());
    }

    /**
     * Writes everything pending at the time of the call: when a write is already running (the periodic one), this
     * waits for it and then writes what is left, so a caller can rely on its entries being stored afterwards.
     */
    public Future<Void> flush() {
        synchronized (this) {
            if (inFlight != null) return inFlight.transform(done -> flush());
            if (pending.isEmpty()) return Future.succeededFuture();
            Future<Void> write = writeBatch();
            inFlight = write;
            return write.eventually(() -> {
                synchronized (this) {
                    inFlight = null;
                }
                return pending.isEmpty() ? Future.succeededFuture() : flush();
            });
        }
    }

    private Future<Void> writeBatch() {
        List<Tuple> batch = new ArrayList<>();
        for (Entry e; batch.size() < BATCH && (e = pending.poll()) != null; ) {
            batch.add(Tuple.of(e.kind(), e.namespaceId(), e.performer().accountId(), e.performer().performerKind(),
                    e.repositoryId(), e.ip(), e.metadata(), e.at()));
        }
        return pool.preparedQuery("""
                        INSERT INTO usage_log (kind, namespace_id, performer_id, performer_kind, repository_id, ip, metadata, created_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""")
                .executeBatch(batch)
                .<Void>mapEmpty()
                .onFailure(err -> LOG.error("Could not write {} usage-log entries", batch.size(), err))
                .recover(err -> Future.succeededFuture());
    }

    public Future<Void> close() {
        vertx.cancelTimer(timer);
        return flush();
    }
}
