package io.berth.registry.logs;

import io.berth.registry.auth.Identity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one writer of usage-log entries. Callers hand an entry over and go on; entries are inserted in batches off the
 * request path, and {@link #close()} flushes what is pending so a clean shutdown loses nothing. A batch that cannot be
 * written goes back to the queue for the next flush.
 * <p>
 * Each batch takes its ids under a transaction-scoped advisory lock, so on every node ids are handed out in commit
 * order: a reader paging by id never misses an entry that commits after it read past its id.
 */
public final class UsageLogger {
    private static final Logger LOG = LoggerFactory.getLogger(UsageLogger.class);
    private static final int BATCH = 500;
    private static final long FLUSH_INTERVAL_MS = 250;
    /** Beyond this many unwritten entries (the database has been unreachable for a while) new ones are dropped. */
    private static final int MAX_PENDING = 200_000;
    /** PostgreSQL's "no partition of relation found for row". */
    private static final String NO_PARTITION = "23514";

    /** One action: its Quay log kind, who did it from where, and on which namespace and repository. */
    public record Entry(String kind, Long namespaceId, Identity performer, Long repositoryId, String ip,
                        JsonObject metadata, OffsetDateTime at) {}

    private final Vertx vertx;
    private final Pool pool;
    private final LogRepository rows;
    private final LogPartitionRepository partitions;
    private final boolean enabled;
    private final ConcurrentLinkedQueue<Entry> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    /** The flush being written, if any; guarded by {@code this}. */
    private Future<Void> inFlight;
    private final long timer;

    public UsageLogger(Vertx vertx, Pool pool, LogRepository rows, LogPartitionRepository partitions, boolean enabled) {
        this.vertx = vertx;
        this.pool = pool;
        this.rows = rows;
        this.partitions = partitions;
        this.enabled = enabled;
        this.timer = vertx.setPeriodic(FLUSH_INTERVAL_MS, id -> flush());
    }

    /**
     * Records an action. {@code kind} must be one of Quay's ({@link LogKinds}); an OAuth performer's token and
     * application, and the app-specific token a user signed in with, are added to the metadata under Quay's keys.
     */
    public void log(String kind, Long namespaceId, Identity performer, Long repositoryId, String ip, JsonObject metadata) {
        if (!LogKinds.known(kind)) throw new IllegalArgumentException("not a Quay usage-log kind: " + kind);
        if (!enabled) return;
        JsonObject meta = metadata == null ? new JsonObject() : metadata.copy();
        // a build has no account to point at: the entry names it
        if (performer.kind() == Identity.Kind.BUILD) meta.put("build_id", performer.buildUuid().toString());
        // Quay names the app-specific token a user acted through
        if (performer.kind() == Identity.Kind.APP_TOKEN) meta.put("app_specific_token", performer.credential());
        if (performer.token() != null) {
            meta.put("oauth_token_id", performer.token().id())
                    .put("oauth_token_application_id", performer.token().clientId())
                    .put("oauth_token_application", performer.token().applicationName());
        }
        if (size.incrementAndGet() > MAX_PENDING) {
            size.decrementAndGet();
            LOG.error("Usage log backlog full ({} entries); dropping {} entry", MAX_PENDING, kind);
            return;
        }
        pending.add(new Entry(kind, namespaceId, performer, repositoryId, ip, meta, OffsetDateTime.now(ZoneOffset.UTC)));
        if (size.get() == BATCH) vertx.runOnContext(v -> flush());
    }

    /**
     * Writes everything pending at the time of the call: when a flush is already running (the periodic one), this
     * waits for it and then writes what is left, so a caller can rely on its entries being stored afterwards. Entries
     * whose batch fails stay queued for a later flush.
     */
    public Future<Void> flush() {
        synchronized (this) {
            if (inFlight != null) return inFlight.transform(done -> flush());
            Future<Void> write = drain(size.get());
            inFlight = write;
            write.onComplete(ar -> {
                synchronized (this) {
                    inFlight = null;
                }
            });
            return write;
        }
    }

    /** Writes up to {@code remaining} entries, a batch at a time. */
    private Future<Void> drain(int remaining) {
        List<Entry> batch = new ArrayList<>();
        for (Entry e; batch.size() < Math.min(BATCH, remaining) && (e = pending.poll()) != null; ) batch.add(e);
        if (batch.isEmpty()) return Future.succeededFuture();
        size.addAndGet(-batch.size());
        return write(batch)
                .recover(err -> partitionMissing(err)
                        ? partitions.ensure(pool, batch.stream().map(e -> e.at().toLocalDate()).distinct().toList())
                                .compose(v -> write(batch))
                        : Future.failedFuture(err))
                .recover(err -> {
                    LOG.error("Could not write {} usage-log entries; they stay queued", batch.size(), err);
                    pending.addAll(batch);
                    size.addAndGet(batch.size());
                    return Future.failedFuture(err);
                })
                .compose(v -> drain(remaining - batch.size()), err -> Future.succeededFuture());
    }

    private Future<Void> write(List<Entry> batch) {
        return pool.withTransaction(tx -> tx.query("SELECT pg_advisory_xact_lock(hashtext('berth.usage_log.ids'))")
                .execute().compose(v -> rows.insert(tx, batch)));
    }

    private static boolean partitionMissing(Throwable err) {
        return err instanceof PgException pg && NO_PARTITION.equals(pg.getSqlState());
    }

    public Future<Void> close() {
        vertx.cancelTimer(timer);
        return flush();
    }
}
