package io.berth.registry.content;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * SQL for tags and their history. A name's live row has {@code end_ts} NULL and no past {@code expiration}; moving or
 * deleting a tag ends that row (at its expiration when that came first) and keeps it as history.
 */
public final class TagRepository {
    private static final String LIVE = "t.end_ts IS NULL AND (t.expiration IS NULL OR t.expiration > now())";
    /** When an open row ends: now, or when it expired if that is earlier. */
    private static final String END = "CASE WHEN t.expiration IS NOT NULL AND t.expiration <= now() THEN t.expiration ELSE now() END";

    /** What pointing a tag at a manifest did. {@code previousDigest} is set for a move. */
    public record Change(Kind kind, String previousDigest) {
        public enum Kind { CREATED, MOVED, UNCHANGED }
    }

    /** Points the tag at the manifest: creates it, moves it (ending the old row), or leaves it as it is. */
    public Future<Change> point(SqlClient tx, long repositoryId, String name, long manifestId) {
        return tx.preparedQuery("""
                        SELECT t.id, t.manifest_id, m.digest, (%s) AS live
                        FROM tag t JOIN manifest m ON m.id = t.manifest_id
                        WHERE t.repository_id = $1 AND t.name = $2 AND t.end_ts IS NULL
                        FOR UPDATE OF t""".formatted(LIVE))
                .execute(Tuple.of(repositoryId, name))
                .compose(rows -> {
                    if (rows.size() == 0) return insert(tx, repositoryId, name, manifestId).map(new Change(Change.Kind.CREATED, null));
                    var open = rows.iterator().next();
                    boolean live = open.getBoolean("live");
                    if (live && open.getLong("manifest_id") == manifestId) {
                        return Future.succeededFuture(new Change(Change.Kind.UNCHANGED, null));
                    }
                    Change change = live ? new Change(Change.Kind.MOVED, open.getString("digest"))
                            : new Change(Change.Kind.CREATED, null);
                    return tx.preparedQuery("UPDATE tag t SET end_ts = " + END + " WHERE t.id = $1")
                            .execute(Tuple.of(open.getLong("id")))
                            .compose(v -> insert(tx, repositoryId, name, manifestId))
                            .map(change);
                });
    }

    private Future<Void> insert(SqlClient tx, long repositoryId, String name, long manifestId) {
        return tx.preparedQuery("INSERT INTO tag (repository_id, name, manifest_id) VALUES ($1, $2, $3)")
                .execute(Tuple.of(repositoryId, name, manifestId)).mapEmpty();
    }

    /** Ends the live tag; returns the digest it pointed at, or null when there was no live tag of that name. */
    public Future<String> end(SqlClient tx, long repositoryId, String name) {
        return tx.preparedQuery("""
                        UPDATE tag t SET end_ts = now() FROM manifest m
                        WHERE m.id = t.manifest_id AND t.repository_id = $1 AND t.name = $2 AND %s
                        RETURNING m.digest""".formatted(LIVE))
                .execute(Tuple.of(repositoryId, name))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
    }

    /** Ends every open tag row on the manifest; returns the names of those that were live. */
    public Future<List<String>> endAllOn(SqlClient tx, long manifestId) {
        return tx.preparedQuery("""
                        UPDATE tag t SET end_ts = %s WHERE t.manifest_id = $1 AND t.end_ts IS NULL
                        RETURNING t.name, (t.expiration IS NULL OR t.expiration > now()) AS live""".formatted(END))
                .execute(Tuple.of(manifestId))
                .map(rows -> {
                    var names = new ArrayList<String>();
                    rows.forEach(r -> {
                        if (r.getBoolean("live")) names.add(r.getString("name"));
                    });
                    return names;
                });
    }

    /** Whether the name was ever a tag of the repository (so it is now deleted or expired, when not live). */
    public Future<Boolean> hasHistory(SqlClient db, long repositoryId, String name) {
        return db.preparedQuery("SELECT EXISTS (SELECT 1 FROM tag WHERE repository_id = $1 AND name = $2)")
                .execute(Tuple.of(repositoryId, name))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** Live tag names after {@code last} (exclusive), in byte order. */
    public Future<List<String>> listLive(SqlClient db, long repositoryId, String last, int limit) {
        return db.preparedQuery("""
                        SELECT t.name FROM tag t
                        WHERE t.repository_id = $1 AND %s AND t.name COLLATE "C" > $2
                        ORDER BY t.name COLLATE "C" LIMIT $3""".formatted(LIVE))
                .execute(Tuple.of(repositoryId, last == null ? "" : last, limit))
                .map(rows -> {
                    var names = new ArrayList<String>(rows.size());
                    rows.forEach(r -> names.add(r.getString(0)));
                    return names;
                });
    }
}
