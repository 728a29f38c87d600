package io.berth.registry.logs;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** SQL for the log-export queue ({@code log_export}). */
public final class ExportRepository {
    private static final String COLUMNS = """
            id, namespace_id, namespace_name, repository_id, repository_name, requester_id, requester_name,
            requester_kind, ip, start_time, end_time, callback_url, callback_email, state, outcome, attempts, file_id,
            file_expires_at""";

    /** An export as queued, with how far it got. */
    public record Export(UUID id, long namespaceId, String namespaceName, Long repositoryId, String repositoryName,
                         Long requesterId, String requesterName, String requesterKind, String ip,
                         OffsetDateTime start, OffsetDateTime end, String callbackUrl, String callbackEmail,
                         String state, String outcome, int attempts, String fileId, OffsetDateTime fileExpiresAt) {}

    public Future<Void> insert(SqlClient db, Export e) {
        return db.preparedQuery("""
                        INSERT INTO log_export (id, namespace_id, namespace_name, repository_id, repository_name,
                                                requester_id, requester_name, requester_kind, ip, start_time, end_time,
                                                callback_url, callback_email)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)""")
                .execute(Tuple.from(Arrays.asList(e.id(), e.namespaceId(), e.namespaceName(), e.repositoryId(),
                        e.repositoryName(), e.requesterId(), e.requesterName(), e.requesterKind(), e.ip(), e.start(),
                        e.end(), e.callbackUrl(), e.callbackEmail())))
                .mapEmpty();
    }

    /**
     * Takes the next export that is due under a lease, or null: a queued export that is the oldest unfinished one of
     * its namespace (so one runs per namespace, delivery included, first come first served), a running one whose lease
     * expired (its node died), or a delivery whose retry time has come. Claims are serialised by an advisory lock.
     */
    public Future<Export> claim(Pool pool, UUID leaseToken, Duration lease) {
        return pool.withTransaction(tx -> tx.query("SELECT pg_advisory_xact_lock(hashtext('berth.log_export.claim'))")
                .execute()
                .compose(v -> tx.preparedQuery("""
                                UPDATE log_export SET lease_token = $1, lease_until = now() + $2 * interval '1 millisecond',
                                       state = CASE state WHEN 'queued' THEN 'running' ELSE state END
                                WHERE id = (
                                    SELECT e.id FROM log_export e
                                    WHERE e.next_attempt_at <= now() AND (
                                          (e.state = 'queued' AND NOT EXISTS (
                                              SELECT 1 FROM log_export o
                                              WHERE o.namespace_id = e.namespace_id
                                                AND o.state IN ('queued', 'running', 'delivering')
                                                AND (o.created_at, o.id) < (e.created_at, e.id)))
                                       OR (e.state IN ('running', 'delivering')
                                           AND (e.lease_until IS NULL OR e.lease_until < now())))
                                    ORDER BY e.next_attempt_at, e.created_at LIMIT 1)
                                RETURNING\s""" + COLUMNS)
                        .execute(Tuple.of(leaseToken, lease.toMillis())))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next())));
    }

    /** Extends the lease; false when it was lost (expired and taken by another node). */
    public Future<Boolean> renew(SqlClient db, UUID id, UUID leaseToken, Duration lease) {
        return db.preparedQuery("""
                        UPDATE log_export SET lease_until = now() + $3 * interval '1 millisecond'
                        WHERE id = $1 AND lease_token = $2""")
                .execute(Tuple.of(id, leaseToken, lease.toMillis()))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The file is written (or could not be): the export moves on to delivery, keeping its lease. */
    public Future<Boolean> written(SqlClient db, UUID id, UUID leaseToken, String outcome, String fileId,
                                   Duration lifetime, String error) {
        return db.preparedQuery("""
                        UPDATE log_export SET state = 'delivering', outcome = $3, file_id = $4,
                               file_expires_at = CASE WHEN $4::text IS NULL THEN NULL
                                                      ELSE now() + $5 * interval '1 millisecond' END,
                               last_error = $6
                        WHERE id = $1 AND lease_token = $2""")
                .execute(Tuple.of(id, leaseToken, outcome, fileId, lifetime.toMillis(), error))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Delivery succeeded ({@code done}) or was given up ({@code failed}). */
    public Future<Boolean> finish(SqlClient db, UUID id, UUID leaseToken, String state, String error) {
        return db.preparedQuery("""
                        UPDATE log_export SET state = $3, lease_token = NULL, lease_until = NULL,
                               attempts = attempts + 1, last_error = $4
                        WHERE id = $1 AND lease_token = $2""")
                .execute(Tuple.of(id, leaseToken, state, error))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Delivery failed; another attempt after {@code delay}. */
    public Future<Boolean> retryLater(SqlClient db, UUID id, UUID leaseToken, Duration delay, String error) {
        return db.preparedQuery("""
                        UPDATE log_export SET lease_token = NULL, lease_until = NULL, attempts = attempts + 1,
                               next_attempt_at = now() + $3 * interval '1 millisecond', last_error = $4
                        WHERE id = $1 AND lease_token = $2""")
                .execute(Tuple.of(id, leaseToken, delay.toMillis(), error))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The export whose file has this id, while its download lifetime lasts; null otherwise. */
    public Future<Export> findDownloadable(SqlClient db, String fileId) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM log_export WHERE file_id = $1 AND file_expires_at > now()")
                .execute(Tuple.of(fileId))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    /** Finished exports whose download lifetime is over, with their file ids. */
    public Future<List<Export>> expired(SqlClient db, int limit) {
        return db.preparedQuery("SELECT " + COLUMNS + """
                         FROM log_export
                        WHERE file_id IS NOT NULL AND file_expires_at <= now() AND state IN ('done', 'failed')
                        ORDER BY file_expires_at LIMIT $1""")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    var out = new ArrayList<Export>(rows.size());
                    rows.forEach(r -> out.add(map(r)));
                    return out;
                });
    }

    /** Forgets an export whose file is deleted. */
    public Future<Void> delete(SqlClient db, UUID id) {
        return db.preparedQuery("DELETE FROM log_export WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
    }

    private static Export map(Row r) {
        return new Export(r.getUUID("id"), r.getLong("namespace_id"), r.getString("namespace_name"),
                r.getLong("repository_id"), r.getString("repository_name"), r.getLong("requester_id"),
                r.getString("requester_name"), r.getString("requester_kind"), r.getString("ip"),
                r.getOffsetDateTime("start_time"), r.getOffsetDateTime("end_time"), r.getString("callback_url"),
                r.getString("callback_email"), r.getString("state"), r.getString("outcome"), r.getInteger("attempts"),
                r.getString("file_id"), r.getOffsetDateTime("file_expires_at"));
    }
}
