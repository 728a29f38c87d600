package io.berth.registry.content;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL for manifest labels. */
public final class LabelRepository {
    private static final String COLUMNS = "uuid, key, value, source_type, media_type";

    /** A label as the API shows it; {@code id} is its UUID. */
    public record Label(String id, String key, String value, String sourceType, String mediaType) {}

    public Future<Label> insert(SqlClient tx, long manifestId, String key, String value, String sourceType,
                                String mediaType) {
        return tx.preparedQuery("""
                        INSERT INTO manifest_label (uuid, manifest_id, key, value, source_type, media_type)
                        VALUES ($1, $2, $3, $4, $5, $6) RETURNING """ + " " + COLUMNS)
                .execute(Tuple.of(UUID.randomUUID(), manifestId, key, value, sourceType, mediaType))
                .map(rows -> map(rows.iterator().next()));
    }

    /** Inserts labels at once (their {@code id} is ignored: each gets a new one). */
    public Future<Void> insertAll(SqlClient tx, long manifestId, List<Label> labels) {
        if (labels.isEmpty()) return Future.succeededFuture();
        var batch = new ArrayList<Tuple>(labels.size());
        labels.forEach(l -> batch.add(Tuple.of(UUID.randomUUID(), manifestId, l.key(), l.value(), l.sourceType(),
                l.mediaType())));
        return tx.preparedQuery("""
                        INSERT INTO manifest_label (uuid, manifest_id, key, value, source_type, media_type)
                        VALUES ($1, $2, $3, $4, $5, $6)""")
                .executeBatch(batch).mapEmpty();
    }

    /** The manifest's labels whose key starts with {@code prefix} (all when null), oldest first. */
    public Future<List<Label>> list(SqlClient db, long manifestId, String prefix) {
        return db.preparedQuery("SELECT " + COLUMNS + " " + """
                         FROM manifest_label WHERE manifest_id = $1 AND ($2::text IS NULL OR starts_with(key, $2))
                         ORDER BY id""")
                .execute(Tuple.of(manifestId, prefix))
                .map(LabelRepository::mapAll);
    }

    public Future<Label> find(SqlClient db, long manifestId, UUID id) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM manifest_label WHERE manifest_id = $1 AND uuid = $2")
                .execute(Tuple.of(manifestId, id))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    public Future<Void> delete(SqlClient tx, long manifestId, UUID id) {
        return tx.preparedQuery("DELETE FROM manifest_label WHERE manifest_id = $1 AND uuid = $2")
                .execute(Tuple.of(manifestId, id)).mapEmpty();
    }

    /** The value of the manifest's label with that key (the most recent if several), or null. */
    public Future<String> value(SqlClient db, long manifestId, String key) {
        return db.preparedQuery("SELECT value FROM manifest_label WHERE manifest_id = $1 AND key = $2 ORDER BY id DESC LIMIT 1")
                .execute(Tuple.of(manifestId, key))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
    }

    private static List<Label> mapAll(RowSet<Row> rows) {
        var out = new ArrayList<Label>(rows.size());
        rows.forEach(r -> out.add(map(r)));
        return out;
    }

    private static Label map(Row r) {
        return new Label(r.getUUID("uuid").toString(), r.getString("key"), r.getString("value"),
                r.getString("source_type"), r.getString("media_type"));
    }
}
