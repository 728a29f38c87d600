package io.berth.registry.logs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * SQL for usage-log entries: the batched insert, pages, counts per kind per day, and retention. Pages run newest
 * first by id; ids follow commit order (see {@link UsageLogger}), so a cursor on the id neither repeats nor skips an
 * entry while new ones arrive.
 */
public final class LogRepository {

    /**
     * Which entries: those of a namespace, of a repository, or of every namespace (both null), in
     * {@code [start, end)}, optionally of one performer (by name at the time) and of some kinds.
     *
     * @param hideServiceKeys leave out {@code service_key_*} kinds (Quay's user view does)
     */
    public record Filter(Long namespaceId, Long repositoryId, String performer, Set<String> kinds,
                         OffsetDateTime start, OffsetDateTime end, boolean hideServiceKeys) {}

    /** A stored entry with what rendering needs; the e-mails are null when the account is gone. */
    public record StoredEntry(long id, String kind, String namespaceName, String namespaceKind, String namespaceEmail,
                              String repositoryName, String performerName, String performerKind,
                              String performerEmail, String ip, JsonObject metadata, OffsetDateTime createdAt) {}

    /** How many entries of a kind were written on a day (UTC). */
    public record DayCount(String kind, LocalDate day, long count) {}

    /** Inserts a batch in order; names are taken from the rows they refer to, or from the metadata once those are gone. */
    public Future<Void> insert(SqlClient db, List<UsageLogger.Entry> batch) {
        int n = batch.size();
        String[] kinds = new String[n];
        Long[] namespaces = new Long[n];
        Long[] repositories = new Long[n];
        Long[] performerIds = new Long[n];
        String[] performerNames = new String[n];
        String[] performerKinds = new String[n];
        String[] ips = new String[n];
        String[] metadata = new String[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            var e = batch.get(i);
            kinds[i] = e.kind();
            namespaces[i] = e.namespaceId();
            repositories[i] = e.repositoryId();
            performerIds[i] = e.performer().accountId();
            performerNames[i] = e.performer().anonymous() ? null : e.performer().username();
            performerKinds[i] = e.performer().performerKind();
            ips[i] = e.ip();
            metadata[i] = e.metadata().encode();
            times[i] = e.at();
        }
        return db.preparedQuery("""
                        INSERT INTO usage_log (kind, namespace_id, namespace_name, namespace_kind, repository_id,
                                               repository_name, performer_id, performer_name, performer_kind, ip,
                                               metadata, created_at)
                        SELECT e.kind, e.namespace_id, COALESCE(ns.username, e.metadata::jsonb ->> 'namespace'),
                               CASE WHEN e.namespace_id IS NOT NULL THEN COALESCE(ns.kind, 'user') END,
                               e.repository_id, COALESCE(r.name, e.metadata::jsonb ->> 'repo'), e.performer_id,
                               e.performer_name, e.performer_kind, e.ip, e.metadata::jsonb, e.created_at
                        FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[],
                                    $7::text[], $8::text[], $9::timestamptz[])
                             WITH ORDINALITY AS e(kind, namespace_id, repository_id, performer_id, performer_name,
                                                  performer_kind, ip, metadata, created_at, ord)
                        LEFT JOIN account ns ON ns.id = e.namespace_id
                        LEFT JOIN repository r ON r.id = e.repository_id
                        ORDER BY e.ord""")
                .execute(Tuple.of(kinds, namespaces, repositories, performerIds, performerNames, performerKinds, ips,
                        metadata, times))
                .mapEmpty();
    }

    /** Up to {@code limit} entries with an id below {@code beforeId} (null: from the newest), newest first. */
    public Future<List<StoredEntry>> page(SqlClient db, Filter filter, Long beforeId, int limit) {
        var where = where(filter);
        if (beforeId != null) where.add("l.id < ", beforeId);
        String sql = """
                SELECT l.id, l.kind, l.namespace_name, l.namespace_kind, na.email AS namespace_email, l.repository_name,
                       l.performer_name, l.performer_kind, pa.email AS performer_email, l.ip, l.metadata, l.created_at
                FROM (SELECT * FROM usage_log l WHERE %s ORDER BY l.id DESC LIMIT %d) l
                LEFT JOIN account na ON na.id = l.namespace_id
                LEFT JOIN account pa ON pa.id = l.performer_id
                ORDER BY l.id DESC""".formatted(where.sql(), limit);
        return db.preparedQuery(sql).execute(where.params()).map(rows -> {
            var out = new ArrayList<StoredEntry>(rows.size());
            rows.forEach(r -> out.add(map(r)));
            return out;
        });
    }

    /** Counts per kind per UTC day, by day then kind. */
    public Future<List<DayCount>> countPerKindPerDay(SqlClient db, Filter filter) {
        var where = where(filter);
        String sql = """
                SELECT l.kind, (l.created_at AT TIME ZONE 'UTC')::date AS day, count(*)
                FROM usage_log l WHERE %s
                GROUP BY 1, 2 ORDER BY 2, 1""".formatted(where.sql());
        return db.preparedQuery(sql).execute(where.params()).map(rows -> {
            var out = new ArrayList<DayCount>(rows.size());
            rows.forEach(r -> out.add(new DayCount(r.getString(0), r.getLocalDate(1), r.getLong(2))));
            return out;
        });
    }

    /** The statements {@link #page} and {@link #countPerKindPerDay} run, prefixed with EXPLAIN, for the plans note. */
    public Future<List<String>> explain(SqlClient db, Filter filter, boolean aggregate) {
        var where = where(filter);
        String sql = aggregate
                ? "SELECT l.kind, (l.created_at AT TIME ZONE 'UTC')::date, count(*) FROM usage_log l WHERE %s GROUP BY 1, 2"
                        .formatted(where.sql())
                : "SELECT * FROM usage_log l WHERE %s ORDER BY l.id DESC LIMIT 101".formatted(where.sql());
        return db.preparedQuery("EXPLAIN " + sql).execute(where.params()).map(rows -> {
            var out = new ArrayList<String>();
            rows.forEach(r -> out.add(r.getString(0)));
            return out;
        });
    }

    /** Deletes entries older than {@code cutoff} from the partitions retention does not drop whole. */
    public Future<Integer> deleteOlderThan(SqlClient db, OffsetDateTime cutoff) {
        return db.preparedQuery("DELETE FROM usage_log WHERE created_at < $1").execute(Tuple.of(cutoff))
                .map(rows -> rows.rowCount());
    }

    private static Where where(Filter f) {
        var where = new Where();
        where.add("l.created_at >= ", f.start());
        where.add("l.created_at < ", f.end());
        if (f.namespaceId() != null) where.add("l.namespace_id = ", f.namespaceId());
        if (f.repositoryId() != null) where.add("l.repository_id = ", f.repositoryId());
        if (f.performer() != null) where.add("l.performer_name = ", f.performer());
        if (f.kinds() != null && !f.kinds().isEmpty()) {
            where.add("l.kind = ANY(", f.kinds().toArray(String[]::new));
            where.close();
        }
        if (f.hideServiceKeys()) where.raw("l.kind NOT LIKE 'service\\_key\\_%'");
        return where;
    }

    /** A conjunction of conditions with numbered parameters. */
    private static final class Where {
        private final List<String> conditions = new ArrayList<>();
        private final Tuple params = Tuple.tuple();

        void add(String condition, Object value) {
            params.addValue(value);
            conditions.add(condition + "$" + params.size());
        }

        /** Closes the parenthesis the last condition opened. */
        void close() {
            int last = conditions.size() - 1;
            conditions.set(last, conditions.get(last) + ")");
        }

        void raw(String condition) {
            conditions.add(condition);
        }

        String sql() { return String.join(" AND ", conditions); }

        Tuple params() { return params; }
    }

    private static StoredEntry map(Row r) {
        return new StoredEntry(r.getLong("id"), r.getString("kind"), r.getString("namespace_name"),
                r.getString("namespace_kind"), r.getString("namespace_email"), r.getString("repository_name"),
                r.getString("performer_name"), r.getString("performer_kind"), r.getString("performer_email"),
                r.getString("ip"), r.getJsonObject("metadata"), r.getOffsetDateTime("created_at")
                        .withOffsetSameInstant(ZoneOffset.UTC));
    }
}
