package io.berth.registry.content;

import io.berth.model.oci.Digest;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** SQL for blobs ({@code blob}) and the repositories that may serve them ({@code repository_blob}). */
public final class BlobRepository {

    /** The blob's size when it is linked to the repository, else null. */
    public Future<Long> linkedSize(SqlClient db, long repositoryId, Digest digest) {
        return db.preparedQuery("""
                        SELECT b.size FROM repository_blob rb JOIN blob b ON b.digest = rb.digest
                        WHERE rb.repository_id = $1 AND rb.digest = $2""")
                .execute(Tuple.of(repositoryId, digest.toString()))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
    }

    /**
     * Whether the blob is linked to the repository, locking the link until the transaction ends: {@code exclusive}
     * for an unlink, else shared (a mount or a manifest push must not race an unlink).
     */
    public Future<Boolean> lockLink(SqlClient db, long repositoryId, Digest digest, boolean exclusive) {
        return db.preparedQuery("SELECT 1 FROM repository_blob WHERE repository_id = $1 AND digest = $2 FOR "
                        + (exclusive ? "UPDATE" : "KEY SHARE"))
                .execute(Tuple.of(repositoryId, digest.toString()))
                .map(rows -> rows.size() > 0);
    }

    /** Records a blob present in storage; an existing row is kept. */
    public Future<Void> insert(SqlClient db, Digest digest, long size) {
        return db.preparedQuery("INSERT INTO blob (digest, size) VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING")
                .execute(Tuple.of(digest.toString(), size)).mapEmpty();
    }

    public Future<Void> link(SqlClient db, long repositoryId, Digest digest) {
        return db.preparedQuery("""
                        INSERT INTO repository_blob (repository_id, digest) VALUES ($1, $2)
                        ON CONFLICT (repository_id, digest) DO NOTHING""")
                .execute(Tuple.of(repositoryId, digest.toString())).mapEmpty();
    }

    public Future<Void> unlink(SqlClient db, long repositoryId, Digest digest) {
        return db.preparedQuery("DELETE FROM repository_blob WHERE repository_id = $1 AND digest = $2")
                .execute(Tuple.of(repositoryId, digest.toString())).mapEmpty();
    }

    /** Whether a live (not deleted) manifest of the repository references the blob (as config or layer). */
    public Future<Boolean> referencedByManifest(SqlClient db, long repositoryId, Digest digest) {
        return db.preparedQuery("""
                        SELECT EXISTS (SELECT 1 FROM manifest_blob mb JOIN manifest m ON m.id = mb.manifest_id
                                       WHERE m.repository_id = $1 AND mb.digest = $2 AND m.deleted_at IS NULL)""")
                .execute(Tuple.of(repositoryId, digest.toString()))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }
}
