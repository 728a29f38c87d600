package io.berth.registry.content;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * SQL for upload sessions. Writers take a lease ({@code lease_token}, {@code lease_until}) instead of holding a row
 * lock, so a long PATCH does not pin a pooled connection; an expired lease is free to take again.
 */
public final class UploadRepository {

    /** An upload session row. */
    public record Upload(UUID id, long repositoryId, long size) {}

    public Future<Void> insert(SqlClient db, UUID id, long repositoryId) {
        return db.preparedQuery("INSERT INTO upload (id, repository_id) VALUES ($1, $2)")
                .execute(Tuple.of(id, repositoryId)).mapEmpty();
    }

    /** The session, or null when it does not exist in that repository. */
    public Future<Upload> find(SqlClient db, UUID id, long repositoryId) {
        return db.preparedQuery("SELECT id, repository_id, size FROM upload WHERE id = $1 AND repository_id = $2")
                .execute(Tuple.of(id, repositoryId))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    /** Takes the write lease when it is free; returns the stored size, or null when the session is missing or busy. */
    public Future<Long> acquire(SqlClient db, UUID id, long repositoryId, UUID token, Duration lease) {
        return db.preparedQuery("""
                        UPDATE upload SET lease_token = $3, lease_until = now() + $4::bigint * interval '1 millisecond',
                                          updated_at = now()
                        WHERE id = $1 AND repository_id = $2 AND (lease_until IS NULL OR lease_until < now())
                        RETURNING size""")
                .execute(Tuple.of(id, repositoryId, token, lease.toMillis()))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
    }

    /** Extends a lease still held; false when it was lost (expired and taken, or the session is gone). */
    public Future<Boolean> renew(SqlClient db, UUID id, UUID token, Duration lease) {
        return db.preparedQuery("""
                        UPDATE upload SET lease_until = now() + $3::bigint * interval '1 millisecond'
                        WHERE id = $1 AND lease_token = $2""")
                .execute(Tuple.of(id, token, lease.toMillis()))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Records the new size and frees the lease; false when the lease was lost meanwhile. */
    public Future<Boolean> release(SqlClient db, UUID id, UUID token, long size) {
        return db.preparedQuery("""
                        UPDATE upload SET size = $3, updated_at = now(), lease_token = NULL, lease_until = NULL
                        WHERE id = $1 AND lease_token = $2""")
                .execute(Tuple.of(id, token, size))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Frees the lease without changing the size (the write failed). */
    public Future<Void> abandon(SqlClient db, UUID id, UUID token) {
        return db.preparedQuery("UPDATE upload SET lease_token = NULL, lease_until = NULL WHERE id = $1 AND lease_token = $2")
                .execute(Tuple.of(id, token)).mapEmpty();
    }

    /** Deletes the session whoever holds it; false when it did not exist in that repository. */
    public Future<Boolean> delete(SqlClient db, UUID id, long repositoryId) {
        return db.preparedQuery("DELETE FROM upload WHERE id = $1 AND repository_id = $2")
                .execute(Tuple.of(id, repositoryId))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * Deletes up to {@code limit} sessions untouched for longer than {@code age} whose lease (if any) has expired,
     * and returns their ids. Rows another node is deleting right now are skipped.
     */
    public Future<List<UUID>> deleteExpired(SqlClient db, Duration age, int limit) {
        return db.preparedQuery("""
                        DELETE FROM upload WHERE id IN (
                            SELECT id FROM upload
                            WHERE updated_at < now() - $1::bigint * interval '1 millisecond'
                              AND (lease_until IS NULL OR lease_until < now())
                            ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED)
                        RETURNING id""")
                .execute(Tuple.of(age.toMillis(), limit))
                .map(rows -> {
                    var ids = new ArrayList<UUID>(rows.size());
                    rows.forEach(r -> ids.add(r.getUUID(0)));
                    return ids;
                });
    }

    private static Upload map(Row r) {
        return new Upload(r.getUUID("id"), r.getLong("repository_id"), r.getLong("size"));
    }
}
