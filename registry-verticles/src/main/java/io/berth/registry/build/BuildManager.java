package io.berth.registry.build;

import io.berth.model.build.BuildMessage;
import io.berth.model.build.BuildProtocol;
import io.berth.model.build.ProtocolCodec;
import io.berth.model.build.ProtocolException;
import io.berth.registry.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Hands waiting builds to idle workers and puts back the builds whose worker went silent. Every registry node runs
 * one, but only the node holding a PostgreSQL advisory lock is active: the lock lives on a connection of its own, so
 * when that node stops or loses the database, the lock is released and a standby node takes over within a retry
 * interval. All state is in the build rows, so a new active manager simply carries on.
 */
public final class BuildManager {
    private static final Logger LOG = LoggerFactory.getLogger(BuildManager.class);
    /** The advisory lock's key: "BerthBM" in ASCII. */
    private static final long LOCK_KEY = 0x42657274684d4dL;

    private final Vertx vertx;
    private final Database database;
    private final BuildQueue queue;
    private final ProtocolCodec codec;
    private final long intervalMs;
    private SqlConnection lockConnection;
    private MessageConsumer<byte[]> claims;
    private long timer = -1;
    private boolean stopped;

    public BuildManager(Vertx vertx, Database database, BuildQueue queue, ProtocolCodec codec, Duration lease) {
        this.vertx = vertx;
        this.database = database;
        this.queue = queue;
        this.codec = codec;
        this.intervalMs = Math.max(1000, lease.toMillis() / 3);
    }

    /** Whether this node is the active build manager. */
    public synchronized boolean active() {
        return lockConnection != null;
    }

    public synchronized void start() {
        stopped = false;
        tryAcquire();
    }

    private void tryAcquire() {
        database.dedicatedConnection(vertx)
                .compose(conn -> conn.query("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")").execute()
                        .compose(rows -> rows.iterator().next().getBoolean(0) ? become(conn)
                                : conn.close().map(false))
                        .recover(err -> conn.close().transform(x -> Future.failedFuture(err))))
                .onFailure(err -> LOG.warn("Build manager could not try its lock: {}", err.getMessage()))
                .onComplete(ar -> {
                    synchronized (this) {
                        if (!stopped && lockConnection == null) timer = vertx.setTimer(intervalMs, id -> tryAcquire());
                    }
                });
    }

    private synchronized Future<Boolean> become(SqlConnection conn) {
        if (stopped) return conn.close().map(false);
        lockConnection = conn;
        conn.closeHandler(v -> demote(conn));
        claims = vertx.eventBus().consumer(BuildProtocol.CLAIM, this::claim);
        timer = vertx.setPeriodic(1, intervalMs, id -> sweep());
        LOG.info("This node is now the active build manager");
        return claims.completion().map(true);
    }

    /** The lock connection closed under us: stop acting and compete for the lock again. */
    private synchronized void demote(SqlConnection conn) {
        if (lockConnection != conn) return;
        lockConnection = null;
        claims.unregister();
        vertx.cancelTimer(timer);
        if (!stopped) {
            LOG.warn("Build manager lost its lock connection; competing for it again");
            timer = vertx.setTimer(intervalMs, id -> tryAcquire());
        }
    }

    private void claim(Message<byte[]> message) {
        BuildMessage.Claim claim;
        try {
            claim = codec.decode(message.body(), BuildMessage.Claim.class);
        } catch (ProtocolException e) {
            LOG.warn("Refused a build claim: {}", e.getMessage());
            message.fail(403, e.getMessage());
            return;
        }
        queue.claim(claim.workerId())
                .onSuccess(reply -> message.reply(codec.encode(reply)))
                .onFailure(err -> {
                    LOG.error("Could not hand out a build to worker {}", claim.workerId(), err);
                    message.fail(500, "internal error");
                });
    }

    private void sweep() {
        queue.sweep()
                .onSuccess(n -> {
                    if (n > 0) LOG.info("Put back {} build(s) whose worker stopped responding", n);
                })
                .onFailure(err -> LOG.warn("Build lease sweep failed: {}", err.getMessage()));
    }

    /** Stops acting and releases the lock, so another node can take over at once. */
    public Future<Void> stop() {
        SqlConnection conn;
        synchronized (this) {
            stopped = true;
            vertx.cancelTimer(timer);
            conn = lockConnection;
            lockConnection = null;
            if (claims != null) claims.unregister();
        }
        return conn == null ? Future.succeededFuture() : conn.close();
    }
}
