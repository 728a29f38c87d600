package io.berth.registry.content;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SQL for tags and their history. A name's live row has {@code end_ts} NULL and no past {@code expiration}; moving or
 * deleting a tag ends that row (at its expiration when that came first) and keeps it as history. A row that ended
 * less than its namespace's {@code removed_tag_expiration_s} ago is in the time machine: it can be restored, and it
 * keeps its manifest from garbage collection.
 */
public final class TagRepository {
    private static final String LIVE = "t.end_ts IS NULL AND (t.expiration IS NULL OR t.expiration > now())";
    /** When an open row ends: now, or when it expired if that is earlier. */
    private static final String END = "CASE WHEN t.expiration IS NOT NULL AND t.expiration <= now() THEN t.expiration ELSE now() END";
    /** When a row stops pointing at its manifest: its end or its expiration, whichever comes first; NULL if never. */
    private static final String ENDS = "LEAST(t.end_ts, t.expiration)";
    /** The start of the time machine of the namespace {@code a} of the tag's repository. */
    private static final String WINDOW_START = "now() - make_interval(secs => a.removed_tag_expiration_s)";
    private static final String NAMESPACE = "JOIN repository r ON r.id = t.repository_id JOIN account a ON a.id = r.namespace_id";
    private static final String ROW_COLUMNS = """
            t.name, t.reversion, t.start_ts, LEAST(t.end_ts, t.expiration) AS ends, m.digest, m.media_type,
            m.layers_size,
            (SELECT array_agg(cm.digest ORDER BY cm.digest) FROM manifest_child c JOIN manifest cm ON cm.id = c.child_id
             WHERE c.manifest_id = m.id) AS children""";

    /** What pointing a tag at a manifest did. {@code previousDigest} is set for a move. */
    public record Change(Kind kind, String previousDigest) {
        public enum Kind { CREATED, MOVED, UNCHANGED }
    }

    /**
     * A history row with its manifest. {@code ends} is when it stopped (or will stop) pointing there, null while it
     * does not; {@code children} are an index's child digests, null for an image manifest.
     */
    public record TagRow(String name, boolean reversion, OffsetDateTime start, OffsetDateTime ends,
                         String manifestDigest, String mediaType, Long layersSize, List<String> children) {}

    /** The live row of a name, locked for the transaction. */
    public record LiveTag(long id, String manifestDigest, OffsetDateTime expiration) {}

    /** A tag the expiry sweep ended, with what the usage log needs. */
    public record Expired(long repositoryId, long namespaceId, String namespace, String repository, String name,
                          String manifestDigest, OffsetDateTime expiration) {}

    /**
     * Which history rows a page shows; null fields do not filter: {@code name} and {@code equals} each name the one
     * tag, {@code contains} matches part of the name case-insensitively.
     */
    public record Filter(String name, String equals, String contains, boolean onlyLive) {}

    /**
     * Points the tag at the manifest: creates it, moves it (ending the old row), or leaves it as it is.
     *
     * @param expiresAfter seconds after now at which the new row expires, or null
     * @param reversion    whether this restores the tag to an earlier manifest
     */
    public Future<Change> point(SqlClient tx, long repositoryId, String name, long manifestId, Long expiresAfter,
                                boolean reversion) {
        return tx.preparedQuery("""
                        SELECT t.id, t.manifest_id, m.digest, (%s) AS live
                        FROM tag t JOIN manifest m ON m.id = t.manifest_id
                        WHERE t.repository_id = $1 AND t.name = $2 AND t.end_ts IS NULL
                        FOR UPDATE OF t""".formatted(LIVE))
                .execute(Tuple.of(repositoryId, name))
                .compose(rows -> {
                    if (rows.size() == 0) {
                        return insert(tx, repositoryId, name, manifestId, expiresAfter, reversion)
                                .map(new Change(Change.Kind.CREATED, null));
                    }
                    var open = rows.iterator().next();
                    boolean live = open.getBoolean("live");
                    if (live && open.getLong("manifest_id") == manifestId) {
                        return Future.succeededFuture(new Change(Change.Kind.UNCHANGED, null));
                    }
                    Change change = live ? new Change(Change.Kind.MOVED, open.getString("digest"))
                            : new Change(Change.Kind.CREATED, null);
                    return tx.preparedQuery("UPDATE tag t SET end_ts = " + END + " WHERE t.id = $1")
                            .execute(Tuple.of(open.getLong("id")))
                            .compose(v -> insert(tx, repositoryId, name, manifestId, expiresAfter, reversion))
                            .map(change);
                });
    }

    private Future<Void> insert(SqlClient tx, long repositoryId, String name, long manifestId, Long expiresAfter,
                                boolean reversion) {
        return tx.preparedQuery("""
                        INSERT INTO tag (repository_id, name, manifest_id, expiration, reversion)
                        VALUES ($1, $2, $3, now() + $4::bigint * interval '1 second', $5)""")
                .execute(Tuple.of(repositoryId, name, manifestId, expiresAfter, reversion)).mapEmpty();
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

    /** Whether a deleted or expired row of the name is still in the time machine. */
    public Future<Boolean> inTimeMachine(SqlClient db, long repositoryId, String name) {
        return db.preparedQuery("""
                        SELECT EXISTS (SELECT 1 FROM tag t %s
                                       WHERE t.repository_id = $1 AND t.name = $2
                                         AND %s <= now() AND %s > %s)""".formatted(NAMESPACE, ENDS, ENDS, WINDOW_START))
                .execute(Tuple.of(repositoryId, name))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** Whether the name points at the manifest now or did so within the time machine window. */
    public Future<Boolean> pointedWithinWindow(SqlClient db, long repositoryId, String name, long manifestId) {
        return db.preparedQuery("""
                        SELECT EXISTS (SELECT 1 FROM tag t %s
                                       WHERE t.repository_id = $1 AND t.name = $2 AND t.manifest_id = $3
                                         AND (%s IS NULL OR %s > %s))""".formatted(NAMESPACE, ENDS, ENDS, WINDOW_START))
                .execute(Tuple.of(repositoryId, name, manifestId))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /**
     * Removes rows of the name on the manifest from the time machine for good: the live row when {@code live}, else
     * those that ended within the window. Returns how many went.
     */
    public Future<Integer> removeFromTimeMachine(SqlClient tx, long repositoryId, String name, long manifestId,
                                                 boolean live) {
        String which = live ? LIVE : "%s <= now() AND %s > %s".formatted(ENDS, ENDS, WINDOW_START);
        return tx.preparedQuery("""
                        DELETE FROM tag t USING repository r, account a
                        WHERE r.id = t.repository_id AND a.id = r.namespace_id
                          AND t.repository_id = $1 AND t.name = $2 AND t.manifest_id = $3 AND %s""".formatted(which))
                .execute(Tuple.of(repositoryId, name, manifestId))
                .map(RowSet::rowCount);
    }

    /** The live row of the name, locked until the transaction ends, or null. */
    public Future<LiveTag> lockLive(SqlClient tx, long repositoryId, String name) {
        return tx.preparedQuery("""
                        SELECT t.id, m.digest, t.expiration FROM tag t JOIN manifest m ON m.id = t.manifest_id
                        WHERE t.repository_id = $1 AND t.name = $2 AND %s
                        FOR UPDATE OF t""".formatted(LIVE))
                .execute(Tuple.of(repositoryId, name))
                .map(rows -> {
                    if (rows.size() == 0) return null;
                    Row r = rows.iterator().next();
                    return new LiveTag(r.getLong("id"), r.getString("digest"),
                            r.getOffsetDateTime("expiration"));
                });
    }

    /**
     * Sets the row's expiration to {@code epochSeconds} kept between {@code minimum} and {@code maximum} after the
     * tag's start (Quay's bounds), or clears it when null; returns the expiration set.
     */
    public Future<OffsetDateTime> setExpiration(SqlClient tx, long tagId, Long epochSeconds, Duration minimum,
                                                Duration maximum) {
        return tx.preparedQuery("""
                        UPDATE tag t SET expiration = CASE WHEN $2::bigint IS NULL THEN NULL
                            ELSE t.start_ts + make_interval(secs => LEAST(GREATEST(
                                $2::bigint - extract(epoch FROM t.start_ts), $3::bigint), $4::bigint)) END
                        WHERE t.id = $1 RETURNING t.expiration""")
                .execute(Tuple.of(tagId, epochSeconds, minimum.toSeconds(), maximum.toSeconds()))
                .map(rows -> rows.iterator().next().getOffsetDateTime(0));
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

    /** A page of the repository's tag history, newest first (Quay's order: start time, then name). */
    public Future<List<TagRow>> history(SqlClient db, long repositoryId, Filter filter, int limit, int offset) {
        return db.preparedQuery("SELECT " + ROW_COLUMNS + " " + """
                         FROM tag t JOIN manifest m ON m.id = t.manifest_id
                         WHERE t.repository_id = $1 AND ($2::text IS NULL OR t.name = $2)
                           AND ($3::text IS NULL OR t.name = $3)
                           AND ($4::text IS NULL OR strpos(lower(t.name), lower($4)) > 0)
                           AND (NOT $5 OR (%s))
                         ORDER BY t.start_ts DESC, t.name, t.id DESC LIMIT $6 OFFSET $7""".formatted(LIVE))
                .execute(Tuple.from(new Object[]{repositoryId, filter.name(), filter.equals(), filter.contains(),
                        filter.onlyLive(), limit, offset}))
                .map(TagRepository::rows);
    }

    /** The repository's live tags by name, at most {@code limit}. */
    public Future<List<TagRow>> live(SqlClient db, long repositoryId, int limit) {
        return db.preparedQuery("SELECT " + ROW_COLUMNS + " " + """
                         FROM tag t JOIN manifest m ON m.id = t.manifest_id
                         WHERE t.repository_id = $1 AND %s ORDER BY t.name LIMIT $2""".formatted(LIVE))
                .execute(Tuple.of(repositoryId, limit))
                .map(TagRepository::rows);
    }

    /**
     * Ends up to {@code limit} rows whose expiration has passed at that expiration, so that history shows when they
     * went. Reads already treat them as gone; this makes it durable. Concurrent sweeps split the rows.
     */
    public Future<List<Expired>> endExpired(SqlClient db, int limit) {
        return db.preparedQuery("""
                        WITH due AS (SELECT t.id FROM tag t WHERE t.end_ts IS NULL AND t.expiration <= now()
                                     ORDER BY t.expiration LIMIT $1 FOR UPDATE SKIP LOCKED)
                        UPDATE tag t SET end_ts = t.expiration FROM due, manifest m, repository r, account a
                        WHERE t.id = due.id AND m.id = t.manifest_id AND r.id = t.repository_id AND a.id = r.namespace_id
                        RETURNING t.repository_id, r.namespace_id, a.username, r.name, t.name AS tag, m.digest,
                                  t.expiration""")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    var out = new ArrayList<Expired>(rows.size());
                    rows.forEach(r -> out.add(new Expired(r.getLong("repository_id"), r.getLong("namespace_id"),
                            r.getString("username"), r.getString("name"), r.getString("tag"), r.getString("digest"),
                            r.getOffsetDateTime("expiration"))));
                    return out;
                });
    }

    /** Deletes the repository's rows that left the time machine; returns how many. */
    public Future<Integer> deleteBeyondWindow(SqlClient tx, long repositoryId) {
        return tx.preparedQuery("""
                        DELETE FROM tag t USING repository r, account a
                        WHERE r.id = t.repository_id AND a.id = r.namespace_id
                          AND t.repository_id = $1 AND %s <= %s""".formatted(ENDS, WINDOW_START))
                .execute(Tuple.of(repositoryId))
                .map(RowSet::rowCount);
    }

    private static List<TagRow> rows(RowSet<Row> rows) {
        var out = new ArrayList<TagRow>(rows.size());
        rows.forEach(r -> {
            String[] children = r.getArrayOfStrings("children");
            out.add(new TagRow(r.getString("name"), r.getBoolean("reversion"), r.getOffsetDateTime("start_ts"),
                    r.getOffsetDateTime("ends"), r.getString("digest"), r.getString("media_type"),
                    r.getLong("layers_size"), children == null ? null : Arrays.asList(children)));
        });
        return out;
    }
}
