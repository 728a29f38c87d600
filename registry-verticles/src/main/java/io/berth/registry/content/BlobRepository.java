package io.berth.registry.content;

import io.berth.model.oci.Digest;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * SQL for blobs ({@code blob}), the repositories that may serve them ({@code repository_blob}) and the storage
 * deletions garbage collection has queued ({@code blob_deletion}).
 *
 * <p>Garbage collection deletes a blob row only while holding it {@code FOR UPDATE} and re-checking, in a statement
 * that starts after the lock is granted, that no link or manifest references it. Every writer that adds such a
 * reference holds a lock that conflicts: a foreign-key check takes {@code FOR KEY SHARE} on the blob row, a manifest
 * push takes it on the links it needs, and storing a blob locks its row. So a reference either commits first (and the
 * re-check sees it) or waits until the row is gone (and fails or stores the blob anew).
 */
public final class BlobRepository {

    /** A repository's link to a blob. */
    public record Link(long repositoryId, String digest) {}

    /** A blob row garbage collection deleted, with its size. */
    public record Deleted(String digest, long size) {}

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

    /**
     * Records a blob whose bytes the caller is about to put into storage, and cancels a storage deletion queued for
     * it. The row stays locked until the transaction ends, so garbage collection cannot delete it meanwhile; call it
     * before writing the bytes, in the transaction that links the blob.
     */
    public Future<Void> store(SqlClient tx, Digest digest, long size) {
        return tx.preparedQuery("""
                        INSERT INTO blob (digest, size) VALUES ($1, $2)
                        ON CONFLICT (digest) DO UPDATE SET size = excluded.size""")
                .execute(Tuple.of(digest.toString(), size))
                // a statement of its own: it must see a deletion that the upsert waited for
                .compose(v -> tx.preparedQuery("DELETE FROM blob_deletion WHERE digest = $1")
                        .execute(Tuple.of(digest.toString())))
                .mapEmpty();
    }

    /** Links the blob to the repository; a link made again counts from now for the grace period. */
    public Future<Void> link(SqlClient db, long repositoryId, Digest digest) {
        return db.preparedQuery("""
                        INSERT INTO repository_blob (repository_id, digest) VALUES ($1, $2)
                        ON CONFLICT (repository_id, digest) DO UPDATE SET created_at = now()""")
                .execute(Tuple.of(repositoryId, digest.toString())).mapEmpty();
    }

    /**
     * Links every blob of the manifest and of the index children it lists to the repository again (a blob DELETE may
     * have unlinked them). The blob rows exist: manifests reference them. Existing links are locked like new ones, so
     * a concurrent unlink waits and then sees the manifest served.
     */
    public Future<Void> linkManifestTree(SqlClient tx, long repositoryId, long manifestId) {
        return tx.preparedQuery("""
                        WITH RECURSIVE tree(id) AS (
                            SELECT $2::bigint
                            UNION SELECT c.child_id FROM manifest_child c JOIN tree ON c.manifest_id = tree.id)
                        INSERT INTO repository_blob (repository_id, digest)
                        SELECT DISTINCT $1::bigint, mb.digest FROM manifest_blob mb WHERE mb.manifest_id IN (SELECT id FROM tree)
                        ON CONFLICT (repository_id, digest) DO UPDATE SET created_at = now()""")
                .execute(Tuple.of(repositoryId, manifestId)).mapEmpty();
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

    /**
     * Locks up to {@code limit} links after {@code after} that are older than {@code grace} and that no manifest of
     * their repository references, skipping links a push holds. Delete them with {@link #deleteUnreferencedLinks}
     * in the same transaction.
     */
    public Future<List<Link>> lockUnreferencedLinks(SqlClient tx, Duration grace, Link after, int limit) {
        return tx.preparedQuery("""
                        SELECT rb.repository_id, rb.digest FROM repository_blob rb
                        WHERE (rb.repository_id, rb.digest) > ($1, $2) AND rb.created_at <= now() - $3::bigint * interval '1 second'
                          AND NOT EXISTS (SELECT 1 FROM manifest_blob mb JOIN manifest m ON m.id = mb.manifest_id
                                          WHERE mb.digest = rb.digest AND m.repository_id = rb.repository_id)
                        ORDER BY rb.repository_id, rb.digest LIMIT $4
                        FOR UPDATE OF rb SKIP LOCKED""")
                .execute(Tuple.of(after.repositoryId(), after.digest(), grace.toSeconds(), limit))
                .map(rows -> {
                    var out = new ArrayList<Link>(rows.size());
                    rows.forEach(r -> out.add(new Link(r.getLong(0), r.getString(1))));
                    return out;
                });
    }

    /** Deletes the locked links that are still old and unreferenced now that the lock is held; returns how many. */
    public Future<Integer> deleteUnreferencedLinks(SqlClient tx, List<Link> links, Duration grace) {
        if (links.isEmpty()) return Future.succeededFuture(0);
        return tx.preparedQuery("""
                        DELETE FROM repository_blob rb USING unnest($1::bigint[], $2::text[]) AS l(repository_id, digest)
                        WHERE rb.repository_id = l.repository_id AND rb.digest = l.digest
                          AND rb.created_at <= now() - $3::bigint * interval '1 second'
                          AND NOT EXISTS (SELECT 1 FROM manifest_blob mb JOIN manifest m ON m.id = mb.manifest_id
                                          WHERE mb.digest = rb.digest AND m.repository_id = rb.repository_id)""")
                .execute(Tuple.of(links.stream().map(Link::repositoryId).toArray(Long[]::new),
                        links.stream().map(Link::digest).toArray(String[]::new), grace.toSeconds()))
                .map(rows -> rows.rowCount());
    }

    /**
     * Locks up to {@code limit} blob rows after {@code after} that no link, no manifest and no file dropped for a
     * build references, skipping rows an upload, mount or push holds. Delete them with {@link #deleteOrphans} in the same transaction.
     */
    public Future<List<String>> lockOrphans(SqlClient tx, String after, int limit) {
        return tx.preparedQuery("""
                        SELECT b.digest FROM blob b
                        WHERE b.digest > $1
                          AND NOT EXISTS (SELECT 1 FROM repository_blob rb WHERE rb.digest = b.digest)
                          AND NOT EXISTS (SELECT 1 FROM manifest_blob mb WHERE mb.digest = b.digest)
                          AND NOT EXISTS (SELECT 1 FROM userfile uf WHERE uf.digest = b.digest)
                        ORDER BY b.digest LIMIT $2
                        FOR UPDATE SKIP LOCKED""")
                .execute(Tuple.of(after, limit))
                .map(rows -> {
                    var out = new ArrayList<String>(rows.size());
                    rows.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }

    /**
     * Deletes the locked blob rows that are still unreferenced now that the lock is held, and queues their bytes for
     * deletion from storage (after this transaction commits, never before).
     */
    public Future<List<Deleted>> deleteOrphans(SqlClient tx, List<String> digests) {
        if (digests.isEmpty()) return Future.succeededFuture(List.of());
        return tx.preparedQuery("""
                        WITH gone AS (
                            DELETE FROM blob b WHERE b.digest = ANY($1::text[])
                              AND NOT EXISTS (SELECT 1 FROM repository_blob rb WHERE rb.digest = b.digest)
                              AND NOT EXISTS (SELECT 1 FROM manifest_blob mb WHERE mb.digest = b.digest)
                              AND NOT EXISTS (SELECT 1 FROM userfile uf WHERE uf.digest = b.digest)
                            RETURNING b.digest, b.size),
                        queued AS (INSERT INTO blob_deletion (digest) SELECT digest FROM gone ON CONFLICT DO NOTHING)
                        SELECT digest, size FROM gone""")
                .execute(Tuple.of(digests.toArray(String[]::new)))
                .map(rows -> {
                    var out = new ArrayList<Deleted>(rows.size());
                    rows.forEach(r -> out.add(new Deleted(r.getString(0), r.getLong(1))));
                    return out;
                });
    }

    /**
     * Locks up to {@code limit} queued storage deletions; a blob stored again meanwhile took its deletion back. Hold
     * the lock while removing the bytes, then {@link #forgetDeletions}: a concurrent upload of the same digest waits
     * for that and then writes its bytes anew.
     */
    public Future<List<String>> lockDeletions(SqlClient tx, int limit) {
        return tx.preparedQuery("SELECT digest FROM blob_deletion ORDER BY digest LIMIT $1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    var out = new ArrayList<String>(rows.size());
                    rows.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }

    public Future<Void> forgetDeletions(SqlClient tx, List<String> digests) {
        return tx.preparedQuery("DELETE FROM blob_deletion WHERE digest = ANY($1::text[])")
                .execute(Tuple.of((Object) digests.toArray(String[]::new))).mapEmpty();
    }
}
