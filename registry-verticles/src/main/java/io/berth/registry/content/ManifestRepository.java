package io.berth.registry.content;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SQL for manifests and what they reference. A manifest whose {@code deleted_at} is set is kept only for the tag
 * history; every lookup here ignores it.
 */
public final class ManifestRepository {
    private static final String COLUMNS = "m.id, m.digest, m.media_type, m.content, m.layers_size";

    /** A stored manifest: its bytes exactly as pushed, and the sum of its layer sizes (null for an index). */
    public record StoredManifest(long id, String digest, String mediaType, Buffer content, Long layersSize) {}

    /** The row an upsert wrote, and whether it was new. */
    public record Upserted(long id, boolean inserted) {}

    /** A manifest whose {@code subject} is some digest, as the referrers API lists it. */
    public record Referrer(String digest, String mediaType, long size, String artifactType, JsonObject annotations) {}

    /**
     * Takes the repository's row lock (and records the change time) so that manifest and tag writes of one repository
     * run one after another: a tag moved twice at once, or a child deleted while an index naming it is pushed, would
     * otherwise race.
     */
    public Future<Void> lockRepository(SqlClient tx, long repositoryId) {
        return tx.preparedQuery("UPDATE repository SET last_modified = now() WHERE id = $1")
                .execute(Tuple.of(repositoryId)).mapEmpty();
    }

    /** The digests among {@code digests} that are not linked to the repository, in the order given. */
    public Future<List<String>> missingBlobs(SqlClient db, long repositoryId, List<String> digests) {
        if (digests.isEmpty()) return Future.succeededFuture(List.of());
        return db.preparedQuery("""
                        WITH linked AS (
                            -- held until commit, so a concurrent blob unlink waits and then sees this manifest
                            SELECT digest FROM repository_blob WHERE repository_id = $1 AND digest = ANY($2::text[])
                            FOR KEY SHARE)
                        SELECT d.digest FROM unnest($2::text[]) WITH ORDINALITY AS d(digest, n)
                        WHERE d.digest NOT IN (SELECT digest FROM linked)
                        ORDER BY d.n""")
                .execute(Tuple.tuple().addLong(repositoryId).addArrayOfString(digests.toArray(String[]::new)))
                .map(rows -> {
                    var out = new ArrayList<String>(rows.size());
                    rows.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }

    /** Ids of the repository's manifests among {@code digests}, by digest. */
    public Future<Map<String, Long>> ids(SqlClient db, long repositoryId, List<String> digests) {
        if (digests.isEmpty()) return Future.succeededFuture(Map.of());
        return db.preparedQuery("""
                        SELECT digest, id FROM manifest
                        WHERE repository_id = $1 AND digest = ANY($2::text[]) AND deleted_at IS NULL""")
                .execute(Tuple.tuple().addLong(repositoryId).addArrayOfString(digests.toArray(String[]::new)))
                .map(rows -> {
                    var out = new HashMap<String, Long>();
                    rows.forEach(r -> out.put(r.getString(0), r.getLong(1)));
                    return out;
                });
    }

    /**
     * Inserts the manifest, or revives and reuses the row the same digest already has in the repository.
     *
     * @param keepSeconds how long to keep the manifest without a tag (a push by digest), or null (a push by tag)
     */
    public Future<Upserted> upsert(SqlClient tx, long repositoryId, String digest, String mediaType,
                                   String artifactType, Buffer content, String subject, JsonObject annotations,
                                   Long layersSize, Long keepSeconds) {
        return tx.preparedQuery("""
                        INSERT INTO manifest (repository_id, digest, media_type, artifact_type, content, subject,
                                              annotations, layers_size, keep_until)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + $9::bigint * interval '1 second')
                        ON CONFLICT (repository_id, digest) DO UPDATE
                            SET deleted_at = NULL, keep_until = GREATEST(manifest.keep_until, excluded.keep_until)
                        RETURNING id, xmax = 0 AS inserted""")
                .execute(Tuple.from(new Object[]{repositoryId, digest, mediaType, artifactType, content, subject,
                        annotations, layersSize, keepSeconds}))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new Upserted(r.getLong("id"), r.getBoolean("inserted"));
                });
    }

    public Future<Void> linkBlobs(SqlClient tx, long manifestId, List<String> digests) {
        if (digests.isEmpty()) return Future.succeededFuture();
        return tx.preparedQuery("""
                        INSERT INTO manifest_blob (manifest_id, digest) SELECT $1, unnest($2::text[])
                        ON CONFLICT DO NOTHING""")
                .execute(Tuple.tuple().addLong(manifestId).addArrayOfString(digests.toArray(String[]::new))).mapEmpty();
    }

    public Future<Void> linkChildren(SqlClient tx, long manifestId, List<Long> childIds) {
        if (childIds.isEmpty()) return Future.succeededFuture();
        return tx.preparedQuery("""
                        INSERT INTO manifest_child (manifest_id, child_id) SELECT $1, unnest($2::bigint[])
                        ON CONFLICT DO NOTHING""")
                .execute(Tuple.tuple().addLong(manifestId).addArrayOfLong(childIds.toArray(Long[]::new))).mapEmpty();
    }

    public Future<StoredManifest> findByDigest(SqlClient db, long repositoryId, String digest) {
        return db.preparedQuery("SELECT " + COLUMNS + " " + """
                         FROM manifest m WHERE m.repository_id = $1 AND m.digest = $2 AND m.deleted_at IS NULL""")
                .execute(Tuple.of(repositoryId, digest))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    /** The manifest a live tag points at, or null. */
    public Future<StoredManifest> findByTag(SqlClient db, long repositoryId, String tag) {
        return db.preparedQuery("SELECT " + COLUMNS + " " + """
                         FROM tag t JOIN manifest m ON m.id = t.manifest_id
                         WHERE t.repository_id = $1 AND t.name = $2 AND t.end_ts IS NULL
                           AND (t.expiration IS NULL OR t.expiration > now()) AND m.deleted_at IS NULL""")
                .execute(Tuple.of(repositoryId, tag))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    /** Whether a manifest that is still served lists this one as a child. */
    public Future<Boolean> hasLiveParent(SqlClient db, long manifestId) {
        return db.preparedQuery("""
                        SELECT EXISTS (SELECT 1 FROM manifest_child c JOIN manifest p ON p.id = c.manifest_id
                                       WHERE c.child_id = $1 AND p.deleted_at IS NULL)""")
                .execute(Tuple.of(manifestId))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /**
     * Ends the push holds ({@code keep_until}) of the index's children, as Quay's {@code include_submanifests} expires
     * their temporary tags: each child is then kept only by a tag or another kept index, and goes with the index
     * otherwise.
     */
    public Future<Void> releaseChildren(SqlClient tx, long indexId) {
        return tx.preparedQuery("""
                        UPDATE manifest m SET keep_until = now() FROM manifest_child c
                        WHERE c.manifest_id = $1 AND m.id = c.child_id AND m.keep_until > now()""")
                .execute(Tuple.of(indexId)).mapEmpty();
    }

    /** Stops serving the manifest; it stays for the time machine until garbage collection. */
    public Future<Void> markDeleted(SqlClient tx, long manifestId) {
        return tx.preparedQuery("UPDATE manifest SET deleted_at = now(), keep_until = NULL WHERE id = $1")
                .execute(Tuple.of(manifestId)).mapEmpty();
    }

    /** The manifest of the repository with that digest, also when it was deleted by digest; null when gone. */
    public Future<StoredManifest> findIncludingDeleted(SqlClient db, long repositoryId, String digest) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM manifest m WHERE m.repository_id = $1 AND m.digest = $2")
                .execute(Tuple.of(repositoryId, digest))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    /** Serves the manifest again after a delete by digest, with the index children it lists. */
    public Future<Void> revive(SqlClient tx, long manifestId) {
        return tx.preparedQuery("""
                        WITH RECURSIVE tree(id) AS (
                            SELECT $1::bigint
                            UNION SELECT c.child_id FROM manifest_child c JOIN tree ON c.manifest_id = tree.id)
                        UPDATE manifest SET deleted_at = NULL
                        WHERE id IN (SELECT id FROM tree) AND deleted_at IS NOT NULL""")
                .execute(Tuple.of(manifestId)).mapEmpty();
    }

    /** The bytes of the distinct blobs the repository's manifests reference. */
    public Future<Long> repositorySize(SqlClient db, long repositoryId) {
        return db.preparedQuery("""
                        SELECT coalesce(sum(b.size), 0) FROM blob b
                        WHERE b.digest IN (SELECT mb.digest FROM manifest_blob mb JOIN manifest m ON m.id = mb.manifest_id
                                           WHERE m.repository_id = $1)""")
                .execute(Tuple.of(repositoryId))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * Up to {@code limit} repositories after {@code afterId} that may hold garbage: tag rows that left the time
     * machine, or manifests without a tag row past their {@code keep_until} (which include index children and
     * referrers; collecting decides).
     */
    public Future<List<Candidate>> collectionCandidates(SqlClient db, long afterId, int limit) {
        return db.preparedQuery("""
                        SELECT r.id, r.namespace_id, a.username, r.name FROM repository r JOIN account a ON a.id = r.namespace_id
                        WHERE r.id > $1 AND (
                            EXISTS (SELECT 1 FROM tag t WHERE t.repository_id = r.id
                                    AND LEAST(t.end_ts, t.expiration) <= now() - make_interval(secs => a.removed_tag_expiration_s))
                            OR EXISTS (SELECT 1 FROM manifest m WHERE m.repository_id = r.id
                                       AND (m.keep_until IS NULL OR m.keep_until <= now())
                                       AND NOT EXISTS (SELECT 1 FROM tag t WHERE t.manifest_id = m.id)))
                        ORDER BY r.id LIMIT $2""")
                .execute(Tuple.of(afterId, limit))
                .map(rows -> {
                    var out = new ArrayList<Candidate>(rows.size());
                    rows.forEach(r -> out.add(new Candidate(r.getLong(0), r.getLong(1), r.getString(2), r.getString(3))));
                    return out;
                });
    }

    /** A repository garbage collection looks into, with the names its usage-log entry needs. */
    public record Candidate(long id, long namespaceId, String namespace, String name) {}

    /**
     * Takes the repository's lock the way {@link #lockRepository} does, unless a push or tag change holds it: false
     * then, and garbage collection comes back to the repository on its next pass rather than make the push wait.
     */
    public Future<Boolean> tryLockRepository(SqlClient tx, long repositoryId) {
        return tx.preparedQuery("SELECT 1 FROM repository WHERE id = $1 FOR NO KEY UPDATE SKIP LOCKED")
                .execute(Tuple.of(repositoryId))
                .map(rows -> rows.size() > 0);
    }

    /**
     * Deletes the repository's manifests that nothing keeps, under the repository lock: kept are manifests with a tag
     * row (live or in the time machine), manifests pushed by digest within their {@code keep_until}, the children of
     * a kept index and the (served) referrers of a kept manifest, transitively. Returns the deleted digests.
     */
    public Future<List<String>> deleteUnreachable(SqlClient tx, long repositoryId) {
        return tx.preparedQuery("""
                        WITH RECURSIVE kept(id, digest) AS (
                            SELECT m.id, m.digest FROM manifest m
                            WHERE m.repository_id = $1
                              AND (m.keep_until > now() OR EXISTS (SELECT 1 FROM tag t WHERE t.manifest_id = m.id))
                            UNION
                            SELECT n.id, n.digest FROM kept k JOIN manifest n ON n.repository_id = $1
                                AND (n.id IN (SELECT c.child_id FROM manifest_child c WHERE c.manifest_id = k.id)
                                     OR (n.subject = k.digest AND n.deleted_at IS NULL)))
                        SELECT m.id FROM manifest m WHERE m.repository_id = $1 AND m.id NOT IN (SELECT id FROM kept)""")
                .execute(Tuple.of(repositoryId))
                .compose(rows -> {
                    if (rows.size() == 0) return Future.succeededFuture(List.of());
                    Long[] ids = new Long[rows.size()];
                    int i = 0;
                    for (Row r : rows) ids[i++] = r.getLong(0);
                    // an index and its children go together: first the index's child links, which protect children
                    return tx.preparedQuery("DELETE FROM manifest_child WHERE manifest_id = ANY($1::bigint[])")
                            .execute(Tuple.of((Object) ids))
                            .compose(v -> tx.preparedQuery("DELETE FROM manifest WHERE id = ANY($1::bigint[]) RETURNING digest")
                                    .execute(Tuple.of((Object) ids)))
                            .map(deleted -> {
                                var out = new ArrayList<String>(deleted.size());
                                deleted.forEach(r -> out.add(r.getString(0)));
                                return out;
                            });
                });
    }

    /** Manifests of the repository whose subject is {@code subject}, optionally of one artifact type, by digest. */
    public Future<List<Referrer>> referrers(SqlClient db, long repositoryId, String subject, String artifactType) {
        return db.preparedQuery("""
                        SELECT digest, media_type, octet_length(content) AS size, artifact_type, annotations
                        FROM manifest
                        WHERE repository_id = $1 AND subject = $2 AND deleted_at IS NULL
                          AND ($3::text IS NULL OR artifact_type = $3)
                        ORDER BY digest""")
                .execute(Tuple.of(repositoryId, subject, artifactType))
                .map(rows -> {
                    var out = new ArrayList<Referrer>(rows.size());
                    rows.forEach(r -> out.add(new Referrer(r.getString("digest"), r.getString("media_type"),
                            r.getLong("size"), r.getString("artifact_type"), (JsonObject) r.getValue("annotations"))));
                    return out;
                });
    }

    private static StoredManifest map(Row r) {
        return new StoredManifest(r.getLong("id"), r.getString("digest"), r.getString("media_type"),
                r.getBuffer("content"), r.getLong("layers_size"));
    }
}
