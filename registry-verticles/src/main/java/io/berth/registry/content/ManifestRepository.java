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
    private static final String COLUMNS = "m.id, m.digest, m.media_type, m.content";

    /** A stored manifest: its bytes exactly as pushed. */
    public record StoredManifest(long id, String digest, String mediaType, Buffer content) {}

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

    /** Inserts the manifest, or revives and reuses the row the same digest already has in the repository. */
    public Future<Long> upsert(SqlClient tx, long repositoryId, String digest, String mediaType, String artifactType,
                               Buffer content, String subject, JsonObject annotations) {
        return tx.preparedQuery("""
                        INSERT INTO manifest (repository_id, digest, media_type, artifact_type, content, subject, annotations)
                        VALUES ($1, $2, $3, $4, $5, $6, $7)
                        ON CONFLICT (repository_id, digest) DO UPDATE SET deleted_at = NULL
                        RETURNING id""")
                .execute(Tuple.from(new Object[]{repositoryId, digest, mediaType, artifactType, content, subject, annotations}))
                .map(rows -> rows.iterator().next().getLong(0));
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

    public Future<Void> markDeleted(SqlClient tx, long manifestId) {
        return tx.preparedQuery("UPDATE manifest SET deleted_at = now() WHERE id = $1")
                .execute(Tuple.of(manifestId)).mapEmpty();
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
                r.getBuffer("content"));
    }
}
