package io.berth.registry.build;

import io.berth.model.build.BuildPhase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * SQL for builds, their queue state and their logs. A build is alive until it is complete, error, cancelled, or an
 * internal error with no tries left; an internal error with tries left waits to be claimed again.
 */
public final class BuildRepository {
    static final String ALIVE = """
            (b.phase NOT IN ('complete', 'error', 'cancelled') AND NOT (b.phase = 'internalerror' AND b.retries_remaining = 0))""";
    private static final String CLAIMABLE = """
            b.lease_token IS NULL AND NOT b.cancel_requested AND b.available_after <= now()
            AND (b.phase = 'waiting' OR (b.phase = 'internalerror' AND b.retries_remaining > 0))""";
    private static final String SELECT = """
            SELECT b.id, b.uuid, b.repository_id, b.namespace_id, a.username AS namespace, r.name AS repository_name,
                   b.phase, b.display_name, b.job_config, b.manual_user_id, m.username AS manual_user,
                   b.pull_credentials, b.retries_remaining, b.cancel_requested, b.error, b.image_id, b.pushed,
                   b.created_at, b.started_at, b.completed_at
            FROM build b JOIN repository r ON r.id = b.repository_id JOIN account a ON a.id = b.namespace_id
            LEFT JOIN account m ON m.id = b.manual_user_id
            """;

    /** The lease a worker holds on a build, locked for the rest of the transaction. */
    record Held(long id, BuildPhase phase, int retriesRemaining, boolean cancelRequested, long logSeq) {}

    public Future<Long> insert(SqlClient tx, UUID uuid, long repositoryId, long namespaceId, String displayName,
                               JsonObject jobConfig, Long manualUserId, String pullCredentials) {
        return tx.preparedQuery("""
                        INSERT INTO build (uuid, repository_id, namespace_id, display_name, job_config, manual_user_id,
                                           pull_credentials)
                        VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id""")
                .execute(Tuple.of(uuid, repositoryId, namespaceId, displayName, jobConfig, manualUserId, pullCredentials))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** Serialises build creation per namespace, so that the queued-build limit holds under concurrent requests. */
    public Future<Void> lockNamespace(SqlClient tx, long namespaceId) {
        return tx.preparedQuery("SELECT 1 FROM account WHERE id = $1 FOR NO KEY UPDATE")
                .execute(Tuple.of(namespaceId)).mapEmpty();
    }

    public Future<Long> countAlive(SqlClient db, long namespaceId) {
        return db.preparedQuery("SELECT count(*) FROM build b WHERE b.namespace_id = $1 AND " + ALIVE)
                .execute(Tuple.of(namespaceId)).map(rows -> rows.iterator().next().getLong(0));
    }

    public Future<BuildRecord> find(SqlClient db, UUID uuid) {
        return db.preparedQuery(SELECT + " WHERE b.uuid = $1").execute(Tuple.of(uuid)).map(BuildRepository::first);
    }

    public Future<BuildRecord> findById(SqlClient db, long id) {
        return db.preparedQuery(SELECT + " WHERE b.id = $1").execute(Tuple.of(id)).map(BuildRepository::first);
    }

    /** The repository's builds, newest first, created at or after {@code sinceEpochSeconds} when given. */
    public Future<List<BuildRecord>> list(SqlClient db, long repositoryId, Long sinceEpochSeconds, int limit) {
        return db.preparedQuery(SELECT + """
                         WHERE b.repository_id = $1 AND ($2::bigint IS NULL OR b.created_at >= to_timestamp($2))
                         ORDER BY b.created_at DESC, b.id DESC LIMIT $3""")
                .execute(Tuple.of(repositoryId, sinceEpochSeconds, limit))
                .map(rows -> {
                    var out = new ArrayList<BuildRecord>(rows.size());
                    rows.forEach(r -> out.add(map(r)));
                    return out;
                });
    }

    /** Appends log entries after the build's last one; entries are numbered from 0. */
    public Future<Void> appendLog(SqlClient tx, long buildId, List<JsonObject> entries) {
        if (entries.isEmpty()) return Future.succeededFuture();
        return tx.preparedQuery("UPDATE build SET log_count = log_count + $2 WHERE id = $1 RETURNING log_count - $2")
                .execute(Tuple.of(buildId, entries.size()))
                .compose(rows -> {
                    int first = rows.iterator().next().getInteger(0);
                    var batch = new ArrayList<Tuple>(entries.size());
                    for (int i = 0; i < entries.size(); i++) batch.add(Tuple.of(buildId, first + i, entries.get(i)));
                    return tx.preparedQuery("INSERT INTO build_log (build_id, idx, entry) VALUES ($1, $2, $3)")
                            .executeBatch(batch);
                })
                .mapEmpty();
    }

    /** A page of log entries from index {@code start}, and the total count. */
    public record LogPage(int total, List<JsonObject> entries) {}

    public Future<LogPage> logs(SqlClient db, long buildId, int start, int limit) {
        return db.preparedQuery("""
                        SELECT (SELECT log_count FROM build WHERE id = $1) AS total,
                               coalesce((SELECT jsonb_agg(entry ORDER BY idx) FROM (
                                   SELECT idx, entry FROM build_log WHERE build_id = $1 AND idx >= $2
                                   ORDER BY idx LIMIT $3) page), '[]'::jsonb) AS entries""")
                .execute(Tuple.of(buildId, start, limit))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    JsonArray array = (JsonArray) row.getValue("entries");
                    var entries = new ArrayList<JsonObject>(array.size());
                    for (int i = 0; i < array.size(); i++) entries.add(array.getJsonObject(i));
                    return new LogPage(row.getInteger("total"), entries);
                });
    }

    /**
     * Leases the next claimable build to a worker: among namespaces, the one with the fewest running builds goes
     * first, then the oldest build. Takes one of the build's tries. Returns the build's id, or null when none waits.
     */
    public Future<Long> claim(SqlClient tx, String workerId, UUID leaseToken, long leaseSeconds) {
        return tx.preparedQuery("""
                        WITH next AS (
                            SELECT b.id FROM build b WHERE""" + " " + CLAIMABLE + """
                            ORDER BY (SELECT count(*) FROM build o
                                      WHERE o.namespace_id = b.namespace_id AND o.lease_token IS NOT NULL),
                                     b.available_after, b.id
                            LIMIT 1 FOR UPDATE SKIP LOCKED)
                        UPDATE build b SET phase = 'build-scheduled', worker_id = $1, lease_token = $2,
                                           lease_expires = now() + make_interval(secs => $3),
                                           retries_remaining = b.retries_remaining - 1, log_seq = 0,
                                           started_at = coalesce(b.started_at, now())
                        FROM next WHERE b.id = next.id
                        RETURNING b.id""")
                .execute(Tuple.of(workerId, leaseToken, leaseSeconds))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
    }

    /** The repository of a build that holds a lease (runs on a worker), or null. */
    public Future<Long> runningRepository(SqlClient db, UUID uuid) {
        return db.preparedQuery("SELECT repository_id FROM build WHERE uuid = $1 AND lease_token IS NOT NULL")
                .execute(Tuple.of(uuid))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
    }

    /** Renews a lease; null when the caller does not hold it, else whether the build should be cancelled. */
    public Future<Boolean> renew(SqlClient db, UUID uuid, UUID leaseToken, long leaseSeconds) {
        return db.preparedQuery("""
                        UPDATE build b SET lease_expires = now() + make_interval(secs => $3)
                        WHERE b.uuid = $1 AND b.lease_token = $2 RETURNING b.cancel_requested""")
                .execute(Tuple.of(uuid, leaseToken, leaseSeconds))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getBoolean(0));
    }

    /** Locks the build the lease names; null when that lease is not (or no longer) the build's. */
    public Future<Held> lockHeld(SqlClient tx, UUID uuid, UUID leaseToken) {
        return tx.preparedQuery("""
                        SELECT id, phase, retries_remaining, cancel_requested, log_seq FROM build
                        WHERE uuid = $1 AND lease_token = $2 FOR UPDATE""")
                .execute(Tuple.of(uuid, leaseToken))
                .map(BuildRepository::held);
    }

    public Future<Held> lock(SqlClient tx, long id) {
        return tx.preparedQuery("""
                        SELECT id, phase, retries_remaining, cancel_requested, log_seq FROM build WHERE id = $1 FOR UPDATE""")
                .execute(Tuple.of(id))
                .map(BuildRepository::held);
    }

    /** A worker's progress: the new phase and log position, renewing the lease. */
    public Future<Void> progress(SqlClient tx, long id, BuildPhase phase, long logSeq, long leaseSeconds) {
        return tx.preparedQuery("""
                        UPDATE build SET phase = $2, log_seq = $3, lease_expires = now() + make_interval(secs => $4)
                        WHERE id = $1""")
                .execute(Tuple.of(id, phase.wire(), logSeq, leaseSeconds)).mapEmpty();
    }

    /** Ends the build in a terminal phase and drops its lease. */
    public Future<Void> finish(SqlClient tx, long id, BuildPhase phase, String error, String imageId,
                               JsonObject pushed) {
        return tx.preparedQuery("""
                        UPDATE build SET phase = $2, error = $3, image_id = $4, pushed = $5, lease_token = NULL,
                                         lease_expires = NULL, completed_at = now()
                        WHERE id = $1""")
                .execute(Tuple.of(id, phase.wire(), error, imageId, pushed)).mapEmpty();
    }

    /** Puts a build whose attempt failed internally back in the queue, as Quay does: phase internalerror, tries left. */
    public Future<Void> requeue(SqlClient tx, long id, String error) {
        return tx.preparedQuery("""
                        UPDATE build SET phase = 'internalerror', error = $2, lease_token = NULL, lease_expires = NULL,
                                         worker_id = NULL, available_after = now()
                        WHERE id = $1""")
                .execute(Tuple.of(id, error)).mapEmpty();
    }

    public Future<Void> requestCancel(SqlClient tx, long id) {
        return tx.preparedQuery("UPDATE build SET cancel_requested = TRUE WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
    }

    /** Builds whose lease lapsed, locked (skipping those another transaction holds). */
    public Future<List<Long>> lapsed(SqlClient tx, int limit) {
        return tx.preparedQuery("""
                        SELECT id FROM build WHERE lease_token IS NOT NULL AND lease_expires < now()
                        ORDER BY lease_expires LIMIT $1 FOR UPDATE SKIP LOCKED""")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    var ids = new ArrayList<Long>(rows.size());
                    rows.forEach(r -> ids.add(r.getLong(0)));
                    return ids;
                });
    }

    private static Held held(RowSet<Row> rows) {
        if (rows.size() == 0) return null;
        Row r = rows.iterator().next();
        return new Held(r.getLong("id"), BuildPhase.fromWire(r.getString("phase")), r.getInteger("retries_remaining"),
                r.getBoolean("cancel_requested"), r.getLong("log_seq"));
    }

    private static BuildRecord first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : map(rows.iterator().next());
    }

    private static BuildRecord map(Row r) {
        return new BuildRecord(r.getLong("id"), r.getUUID("uuid"), r.getLong("repository_id"), r.getLong("namespace_id"),
                r.getString("namespace"), r.getString("repository_name"), BuildPhase.fromWire(r.getString("phase")),
                r.getString("display_name"), (JsonObject) r.getValue("job_config"), r.getLong("manual_user_id"),
                r.getString("manual_user"), r.getString("pull_credentials"), r.getInteger("retries_remaining"),
                r.getBoolean("cancel_requested"), r.getString("error"), r.getString("image_id"),
                (JsonObject) r.getValue("pushed"), r.getOffsetDateTime("created_at"),
                r.getOffsetDateTime("started_at"), r.getOffsetDateTime("completed_at"));
    }
}
