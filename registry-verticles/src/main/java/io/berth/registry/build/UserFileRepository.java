package io.berth.registry.build;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * SQL for files dropped for builds. A build refers to its file by {@code job_config->>'file_id'}; a file no build
 * refers to is unused.
 */
public final class UserFileRepository {
    /** A dropped file; {@code digest} is null until its bytes arrived. */
    public record UserFile(UUID id, long ownerId, String mimeType, String digest, Long size) {}

    public Future<Void> insert(SqlClient db, UUID id, long ownerId, String mimeType) {
        return db.preparedQuery("INSERT INTO userfile (id, owner_id, mime_type) VALUES ($1, $2, $3)")
                .execute(Tuple.of(id, ownerId, mimeType)).mapEmpty();
    }

    public Future<UserFile> find(SqlClient db, UUID id) {
        return db.preparedQuery("SELECT id, owner_id, mime_type, digest, size FROM userfile WHERE id = $1")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    /**
     * The file, locked {@code FOR KEY SHARE} until the transaction ends, for a build about to refer to it: the sweep of
     * unused files skips it meanwhile, and once the build is committed the sweep sees the file used. Null when the
     * file is gone (a sweep that locked it first deleted it).
     */
    public Future<UserFile> hold(SqlClient tx, UUID id) {
        return tx.preparedQuery("SELECT id, owner_id, mime_type, digest, size FROM userfile WHERE id = $1 FOR KEY SHARE")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    /**
     * Locks up to {@code limit} files dropped at least {@code age} ago that no build refers to, skipping files a build
     * being started holds (see {@link #hold}) or another sweep locked. Delete them with {@link #deleteUnused} in the same
     * transaction.
     */
    public Future<List<UUID>> lockUnused(SqlClient tx, Duration age, int limit) {
        return tx.preparedQuery("""
                        SELECT uf.id FROM userfile uf
                        WHERE uf.created_at <= now() - $1::bigint * interval '1 second'
                          AND NOT EXISTS (SELECT 1 FROM build b WHERE b.job_config->>'file_id' = uf.id::text)
                        ORDER BY uf.created_at LIMIT $2
                        FOR UPDATE SKIP LOCKED""")
                .execute(Tuple.of(age.toSeconds(), limit))
                .map(rows -> {
                    var out = new ArrayList<UUID>(rows.size());
                    rows.forEach(r -> out.add(r.getUUID(0)));
                    return out;
                });
    }

    /**
     * Deletes the locked files that no build refers to now that the lock is held (a statement of its own, so that it
     * sees a build committed while the lock was awaited); returns how many. Their blobs are left to garbage collection.
     */
    public Future<Integer> deleteUnused(SqlClient tx, List<UUID> ids) {
        if (ids.isEmpty()) return Future.succeededFuture(0);
        return tx.preparedQuery("""
                        DELETE FROM userfile uf WHERE uf.id = ANY($1::uuid[])
                          AND NOT EXISTS (SELECT 1 FROM build b WHERE b.job_config->>'file_id' = uf.id::text)""")
                .execute(Tuple.of((Object) ids.toArray(UUID[]::new)))
                .map(rows -> rows.rowCount());
    }

    /** Records the bytes of a file once; false when they had arrived already. */
    public Future<Boolean> uploaded(SqlClient db, UUID id, String digest, long size) {
        return db.preparedQuery("""
                        UPDATE userfile SET digest = $2, size = $3, uploaded_at = now()
                        WHERE id = $1 AND digest IS NULL""")
                .execute(Tuple.of(id, digest, size)).map(rows -> rows.rowCount() == 1);
    }

    public Future<Void> delete(SqlClient db, UUID id) {
        return db.preparedQuery("DELETE FROM userfile WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
    }

    private static UserFile map(Row r) {
        return new UserFile(r.getUUID("id"), r.getLong("owner_id"), r.getString("mime_type"), r.getString("digest"),
                r.getLong("size"));
    }
}
