package io.berth.registry.repo;

import io.berth.registry.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.List;

/** SQL for repositories, and which of them a viewer may read. */
public final class RepositoryRepository {
    /**
     * Whether the viewer ({@code $N} in the query) may read repository {@code r} beyond its visibility: it owns the
     * namespace, holds a permission directly or through a team, or is in an admin team of the organization.
     */
    private static String readableBy(String viewer) {
        return """
                (r.namespace_id = %1$s
                 OR EXISTS (SELECT 1 FROM repository_permission p WHERE p.repository_id = r.id AND p.account_id = %1$s)
                 OR EXISTS (SELECT 1 FROM team_repository_permission tp JOIN team_member m ON m.team_id = tp.team_id
                            WHERE tp.repository_id = r.id AND m.account_id = %1$s)
                 OR EXISTS (SELECT 1 FROM team t JOIN team_member m ON m.team_id = t.id
                            WHERE t.organization_id = r.namespace_id AND t.role = 'admin' AND m.account_id = %1$s))"""
                .formatted(viewer);
    }

    private static final String SELECT = """
            SELECT r.id, r.namespace_id, a.username AS namespace, r.name, r.visibility, r.description, r.kind, r.state,
                   r.created_at, r.last_modified
            FROM repository r JOIN account a ON a.id = r.namespace_id
            """;

    public Future<RepositoryRecord> find(SqlClient db, String namespace, String name) {
        return db.preparedQuery(SELECT + " WHERE a.username = $1 AND r.name = $2")
                .execute(Tuple.of(namespace, name))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    public Future<RepositoryRecord> findById(SqlClient db, long id) {
        return db.preparedQuery(SELECT + " WHERE r.id = $1")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    /** Inserts the repository, or returns null when the name is already taken in the namespace. */
    public Future<Long> insert(SqlClient db, long namespaceId, String name, String visibility, String description) {
        return db.preparedQuery("""
                        INSERT INTO repository (namespace_id, name, visibility, description)
                        VALUES ($1, $2, $3, $4)
                        ON CONFLICT (namespace_id, name) DO NOTHING
                        RETURNING id""")
                .execute(Tuple.of(namespaceId, name, visibility, description))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
    }

    public Future<Void> setDescription(SqlClient db, long id, String description) {
        return db.preparedQuery("UPDATE repository SET description = $2 WHERE id = $1")
                .execute(Tuple.of(id, description)).mapEmpty();
    }

    public Future<Void> setVisibility(SqlClient db, long id, String visibility) {
        return db.preparedQuery("UPDATE repository SET visibility = $2 WHERE id = $1")
                .execute(Tuple.of(id, visibility)).mapEmpty();
    }

    public Future<Void> touch(SqlClient db, long id) {
        return db.preparedQuery("UPDATE repository SET last_modified = now() WHERE id = $1")
                .execute(Tuple.of(id)).mapEmpty();
    }

    public Future<Void> delete(SqlClient db, long id) {
        return db.preparedQuery("DELETE FROM repository WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
    }

    /** Repositories of a namespace; {@code viewerId} null means only public ones. */
    public Future<List<RepositoryRecord>> listNamespace(SqlClient db, String namespace, Long viewerId, long afterId, int limit) {
        return db.preparedQuery(SELECT + """
                         WHERE a.username = $1 AND r.id > $3 AND (r.visibility = 'public' OR """ + readableBy("$2") + """
                         ) ORDER BY r.id LIMIT $4""")
                .execute(Tuple.of(namespace, viewerId, afterId, limit))
                .map(rows -> Sql.list(rows, RepositoryRepository::map));
    }

    public Future<List<RepositoryRecord>> listPublic(SqlClient db, long afterId, int limit) {
        return db.preparedQuery(SELECT + " WHERE r.visibility = 'public' AND r.id > $1 ORDER BY r.id LIMIT $2")
                .execute(Tuple.of(afterId, limit))
                .map(rows -> Sql.list(rows, RepositoryRepository::map));
    }

    /** Public repositories whose name or description contains {@code text} (any case), by path after {@code afterPath}. */
    public Future<List<RepositoryRecord>> searchPublic(SqlClient db, String text, String afterPath, int limit) {
        return db.preparedQuery(SELECT + """
                         WHERE r.visibility = 'public' AND (a.username || '/' || r.name) COLLATE "C" > $2
                           AND (strpos(lower(a.username || '/' || r.name), lower($1)) > 0
                                OR strpos(lower(coalesce(r.description, '')), lower($1)) > 0)
                         ORDER BY (a.username || '/' || r.name) COLLATE "C" LIMIT $3""")
                .execute(Tuple.of(text, afterPath, limit))
                .map(rows -> Sql.list(rows, RepositoryRepository::map));
    }

    /**
     * Repositories the viewer may read, ordered by path, after {@code afterPath}: those of its own namespace and those
     * it holds a permission on; public ones too when {@code includePublic}. {@code viewerId} null lists public ones only.
     */
    public Future<List<RepositoryRecord>> listReadable(SqlClient db, Long viewerId, boolean includePublic, boolean all,
                                                       String afterPath, int limit) {
        return db.preparedQuery(SELECT + """
                         WHERE (a.username || '/' || r.name) COLLATE "C" > $3
                           AND ($5 OR ($4 AND r.visibility = 'public') OR """ + readableBy("$1") + """
                         ) ORDER BY (a.username || '/' || r.name) COLLATE "C" LIMIT $2""")
                .execute(Tuple.of(viewerId, limit, afterPath == null ? "" : afterPath, includePublic, all))
                .map(rows -> Sql.list(rows, RepositoryRepository::map));
    }

    static RepositoryRecord map(Row r) {
        return new RepositoryRecord(r.getLong("id"), r.getLong("namespace_id"), r.getString("namespace"),
                r.getString("name"), r.getString("visibility"), r.getString("description"), r.getString("kind"),
                r.getString("state"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("last_modified"));
    }
}
