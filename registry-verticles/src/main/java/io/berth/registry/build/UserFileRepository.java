package io.berth.registry.build;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** SQL for files dropped for builds. */
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
